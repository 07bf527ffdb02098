// Kiln: the live preview. Generated code runs in a real DOM <iframe> placed exactly over the
// ImGui preview panel: a host page on the preview origin (another site, so another process),
// holding a frame sandboxed without allow-same-origin ("allow-scripts allow-forms allow-popups
// allow-downloads"), which gets an opaque origin and can never read Kiln's IndexedDB,
// localStorage, cookies or DOM. web/js/preview.js explains the frame layout and the messages.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

namespace kiln::web {

// Shows the preview over the rectangle (x, y, w, h), in CSS pixels of the page (ImGui's
// coordinates), running `html` as a complete document. Call it every frame the panel is drawn:
// when nothing changed it costs a few comparisons and no call into the page. The frame moves only
// when the rectangle changes, and the document is reloaded only when `revision` differs from the
// previous call's (the caller picks revisions: a new one for new code, or to run the same code
// afresh; it is also the run's number in its reports); `html`, `data` and `network` are read only
// then. `data` is what the app kept (app::previewAppData), which its localStorage and
// sessionStorage start with. `network` false runs the code behind a policy that lets nothing reach
// the network, nor navigate the frame away.
void showPreview(float x, float y, float w, float h, std::uint64_t revision, const std::string& html,
                 const std::string& data, bool network = true);

// Hides the preview (its panel is hidden, or a popup or modal covers it). The document keeps its
// state and goes on running, so showing it again with the same revision does not reload it.
void hidePreview();

// Removes the preview's frames and the app running in them (where the app has a process of its
// own, that process goes with them). The next showPreview loads its document afresh.
void stopPreview();

// Opens `html` in a browser tab of its own, under `title`: the preview's host page (never a
// document of Kiln's origin) runs it in the same sandboxed frame as the preview, full page, behind
// the same policy when `network` is false. Its storage starts with `data` (as showPreview's) and
// keeps its changes for as long as the tab is open. Returns false when the browser blocked the tab.
bool openPreviewTab(const std::string& html, const std::string& data, bool network, const std::string& title);

// Asks the running app to answer; previewAnsweredMs() tells when it last did.
void pingPreview();
// When (performance.now(), the clock of monotonicMs()) the current run's app last answered a
// ping; -1 if it has not yet.
double previewAnsweredMs();

enum class PreviewReport {
    Console,  // its console and errors, for app::receiveConsole (the current run's only)
    Storage,  // what it changed in its storage, for app::receiveAppData (any run's: it checks)
};

// From now on, `received` gets each batch the preview's app reports, as JSON text; a frame is
// requested when it returns true. Call once.
void onPreviewReports(std::function<bool(PreviewReport kind, const std::string& batch)> received);

// The marks of the preview guard (app/preview_guard.h), kept in localStorage on Kiln's
// origin: synchronous, so one set before a preview starts is there even if the tab never runs again.
bool previewMarkSet(const std::string& key);
void setPreviewMark(const std::string& key, bool on);

}  // namespace kiln::web
