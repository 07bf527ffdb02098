// Kiln: TabLink. JS keeps one link object per TabLink (by handle) and calls back with the
// TabLink's address, which stays valid until the destructor closes the link.
#include "platform/web/tab_link.h"

#include <emscripten.h>

namespace kiln::web {

namespace {

// The EM_JS bodies are JavaScript, which clang-format would break.
// clang-format off
EM_JS(int, tabs_open, (const char* name, void* link), {
    Module.kilnTabLinks = Module.kilnTabLinks || [];
    var handle = kilnTabs.link(UTF8ToString(name));
    handle.onNews(function() { _kiln_tabs_news(link); });
    Module.kilnTabLinks.push(handle);
    return Module.kilnTabLinks.length - 1;
});

EM_JS(void, tabs_acquire, (int handle, int exclusive, void* link), {
    Module.kilnTabLinks[handle].acquire(exclusive !== 0, function() { _kiln_tabs_granted(link); });
});

EM_JS(void, tabs_release, (int handle), { Module.kilnTabLinks[handle].release(); });

EM_JS(void, tabs_announce, (int handle), { Module.kilnTabLinks[handle].announce(); });

EM_JS(void, tabs_close, (int handle), {
    var link = Module.kilnTabLinks[handle];
    link.onNews(null);
    link.release();
    Module.kilnTabLinks[handle] = {acquire: function() {}, release: function() {}, announce: function() {}};
});
// clang-format on

}  // namespace

TabLink::TabLink(const std::string& name, std::function<void()> after_event)
    : handle_(tabs_open(name.c_str(), this)), after_event_(std::move(after_event)) {}

TabLink::~TabLink() {
    tabs_close(handle_);
}

void TabLink::acquire(LockMode mode, std::function<void()> granted) {
    granted_ = std::move(granted);
    tabs_acquire(handle_, mode == LockMode::Exclusive ? 1 : 0, this);
}

void TabLink::release() {
    granted_ = nullptr;
    tabs_release(handle_);
}

void TabLink::announce() {
    tabs_announce(handle_);
}

void TabLink::setNewsListener(std::function<void()> news) {
    news_ = std::move(news);
}

void TabLink::onGranted() {
    if (granted_) {
        // Moved out first: the grant may release the lock and ask again from inside.
        std::function<void()> granted = std::move(granted_);
        granted_ = nullptr;
        granted();
    }
    if (after_event_) after_event_();
}

void TabLink::onNews() {
    if (news_) news_();
    if (after_event_) after_event_();
}

}  // namespace kiln::web

extern "C" {

EMSCRIPTEN_KEEPALIVE void kiln_tabs_granted(void* link) {
    static_cast<kiln::web::TabLink*>(link)->onGranted();
}

EMSCRIPTEN_KEEPALIVE void kiln_tabs_news(void* link) {
    static_cast<kiln::web::TabLink*>(link)->onNews();
}

}  // extern "C"
