// Kiln: the other tabs of this browser that share the library, through Web Locks and a
// BroadcastChannel (the JS half is web/js/tabs.js).
#pragma once

#include <functional>
#include <string>

#include "core/storage/shared_writer.h"

namespace kiln::web {

class TabLink : public storage::PeerLink {
public:
    // The lock and channel called `name`. after_event is called after each grant or piece of news
    // was handled: the page's frame loop sleeps until woken.
    TabLink(const std::string& name, std::function<void()> after_event);
    // Gives back any lock and stops listening.
    ~TabLink() override;
    TabLink(const TabLink&) = delete;
    TabLink& operator=(const TabLink&) = delete;

    void acquire(LockMode mode, std::function<void()> granted) override;
    void release() override;
    void announce() override;
    void setNewsListener(std::function<void()> news) override;

    // Called from JS.
    void onGranted();
    void onNews();

private:
    int handle_;
    std::function<void()> after_event_;
    std::function<void()> granted_;
    std::function<void()> news_;
};

}  // namespace kiln::web
