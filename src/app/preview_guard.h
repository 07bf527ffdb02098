// Kiln: the live preview's guard. A generated app may never answer (an endless loop), and where
// the preview shares Kiln's process (one origin only: docs/HOSTING.md) it then freezes Kiln with
// it, on every load of a link to it. The guard keeps both from trapping the user:
//
//   - a heartbeat: while a preview runs, the platform pings the app every kPreviewPingMs and
//     reports when it last answered (previewTick); silence past kPreviewSilenceMs makes the run
//     Unresponsive, and the panel offers Stop (stopPreview), which removes the app's frame;
//   - a mark that outlives the tab: before a version's preview starts, a synchronous mark is set
//     for it (PreviewMarks, localStorage on Kiln's origin), and removed once the app answers. A
//     version whose mark is still there when it is shown next (the tab died, or was reloaded,
//     while it started or stopped answering) does not start by itself: it is Held, and the panel
//     offers "Run it" (runHeldPreview) or "Show the code".
//
// The preview shows the shared app while one is shown (share.h), else the open project's selected
// version (previewSubject). Each project also has a Network switch (previewNetwork): off, the preview runs behind a
// policy that lets nothing reach the network. It is kept in the settings table, under a key of the project's own, so no
// migration is needed.
//
// Plain state and actions, like the rest of app/: the platform does the pinging and the marks.
#pragma once

#include <cstdint>
#include <string>

namespace kiln::app {

struct App;

// Marks that survive the tab, one per version key. The platform's are synchronous (localStorage).
class PreviewMarks {
public:
    virtual ~PreviewMarks() = default;
    virtual bool has(const std::string& key) = 0;
    virtual void set(const std::string& key, bool on) = 0;
};

enum class PreviewRun {
    Idle,          // nothing to run (no version shown, or its panel was never shown)
    Held,          // it stopped responding last time: not started until the user asks
    Starting,      // handed to the page; it has not answered yet
    Running,       // it answers
    Unresponsive,  // no answer for kPreviewSilenceMs: Stop is offered
    Stopped,       // the user stopped it: its frame is gone
};

constexpr int64_t kPreviewPingMs = 500;
constexpr int64_t kPreviewSilenceMs = 2000;

struct PreviewGuard {
    PreviewRun state = PreviewRun::Idle;
    std::string key;                // what it runs (PreviewSubject::key)
    uint64_t source = 0;            // the PreviewSubject::revision it was started for
    uint64_t serial = 0;            // the page reloads the preview whenever this changes
    int64_t unanswered_since = -1;  // when the oldest ping not answered yet was sent; -1: none
    int64_t last_answer = -1;       // when the app last answered (the clock of App::clock_ms)
};

// What the preview shows: its guard key ("<project public id>/v/<number>", or "share/<digest of
// the code>" for a shared app), the revision it was shown at, its code and its Network switch.
// No key (and no code) when there is nothing to run.
struct PreviewSubject {
    std::string key;
    uint64_t revision = 0;
    const std::string* code = nullptr;
    bool network = true;
};
PreviewSubject previewSubject(const App& app);

// The state name for tests and diagnostics: "idle", "held", "starting", "running",
// "unresponsive", "stopped".
const char* previewRunName(PreviewRun state);

// Brings the guard up to date with what the preview shows, as its panel is drawn: a new
// subject (or the same one reloaded) starts a new run, or is Held when its mark is set. Sets the
// mark before a run starts. Returns the state.
PreviewRun syncPreview(App& app);
// The heartbeat, every kPreviewPingMs while a run is Starting, Running or Unresponsive: `answered_ms`
// is when the app last answered (-1: never). Clears the mark once it answered, sets it again when it
// falls silent. The platform sends the next ping after it. Returns true when the state changed.
bool previewTick(App& app, int64_t answered_ms);
// True while the heartbeat must run.
bool previewNeedsHeartbeat(const App& app);
// Stop: the run ends and its frame goes; its mark stays, so it does not start by itself next time.
void stopPreview(App& app);
// "Run it": starts a Held or Stopped run again (its mark is set again until it answers).
void runHeldPreview(App& app);

// The Network switch of what the preview shows: true unless switched off.
bool previewNetwork(const App& app);
// Switches it, keeps a project's in the settings (a shared app's only while it is shown), and
// runs the preview again under the new policy.
void setPreviewNetwork(App& app, bool on);
// The settings key of a project's switch.
std::string previewNetworkKey(const std::string& project_public_id);

}  // namespace kiln::app
