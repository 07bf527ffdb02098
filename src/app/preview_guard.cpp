#include "app/preview_guard.h"

#include "app/app.h"
#include "app/app_internal.h"

namespace kiln::app {

namespace {

int64_t now(const App& app) {
    return app.clock_ms ? app.clock_ms() : 0;
}

void mark(App& app, const std::string& key, bool on) {
    if (app.preview_marks && !key.empty()) app.preview_marks->set(key, on);
}

// A new run of the guard's version: the mark goes on before the page gets the code.
void start(App& app) {
    startConsole(app);
    PreviewGuard& guard = app.preview;
    mark(app, guard.key, true);
    guard.state = PreviewRun::Starting;
    guard.serial += 1;
    startAppDataRun(app);
    guard.unanswered_since = -1;
    guard.last_answer = -1;
}

}  // namespace

const char* previewRunName(PreviewRun state) {
    switch (state) {
        case PreviewRun::Idle:
            return "idle";
        case PreviewRun::Held:
            return "held";
        case PreviewRun::Starting:
            return "starting";
        case PreviewRun::Running:
            return "running";
        case PreviewRun::Unresponsive:
            return "unresponsive";
        case PreviewRun::Stopped:
            return "stopped";
    }
    return "idle";
}

PreviewSubject previewSubject(const App& app) {
    PreviewSubject subject;
    if (app.shared) {
        if (app.shared->phase != SharedView::Phase::Ready) return subject;
        subject = {app.shared->key, app.shared->revision, &app.shared->app.code, app.shared->network};
    } else if (app.open && app.open->selected != 0 && !app.open->stored_code.empty()) {
        subject = {app.open->project.public_id + "/v/" + std::to_string(app.open->selected), app.open->preview_revision,
                   &app.open->stored_code, app.open->network};
    }
    return subject;
}

PreviewRun syncPreview(App& app) {
    PreviewGuard& guard = app.preview;
    const PreviewSubject subject = previewSubject(app);
    const std::string& key = subject.key;
    const uint64_t source = subject.revision;
    if (key == guard.key && source == guard.source) return guard.state;
    saveConsole(app, true);  // the run that ends
    // Left before it ever answered, but not for silence: nothing says it would not have.
    if (guard.state == PreviewRun::Starting) mark(app, guard.key, false);
    guard.key = key;
    guard.source = source;
    if (key.empty()) {
        guard.state = PreviewRun::Idle;
    } else if (app.preview_marks && app.preview_marks->has(key)) {
        guard.state = PreviewRun::Held;
        showLastRunConsole(app);
    } else {
        start(app);
    }
    return guard.state;
}

bool previewNeedsHeartbeat(const App& app) {
    const PreviewRun state = app.preview.state;
    return state == PreviewRun::Starting || state == PreviewRun::Running || state == PreviewRun::Unresponsive;
}

bool previewTick(App& app, int64_t answered_ms) {
    if (!previewNeedsHeartbeat(app)) return false;
    PreviewGuard& guard = app.preview;
    const PreviewRun before = guard.state;
    if (answered_ms > guard.last_answer) guard.last_answer = answered_ms;
    if (guard.unanswered_since >= 0 && guard.last_answer >= guard.unanswered_since) guard.unanswered_since = -1;
    const int64_t time = now(app);
    if (guard.last_answer >= 0 && guard.unanswered_since < 0 && guard.state != PreviewRun::Running) {
        guard.state = PreviewRun::Running;
        mark(app, guard.key, false);
    } else if (guard.unanswered_since >= 0 && time - guard.unanswered_since >= kPreviewSilenceMs &&
               guard.state != PreviewRun::Unresponsive) {
        guard.state = PreviewRun::Unresponsive;
        mark(app, guard.key, true);
    }
    if (guard.unanswered_since < 0) guard.unanswered_since = time;  // the ping sent next
    saveConsole(app, false);  // what it reported since the last save, when that is due
    return guard.state != before;
}

void stopPreview(App& app) {
    PreviewGuard& guard = app.preview;
    if (guard.state == PreviewRun::Idle || guard.state == PreviewRun::Held) return;
    mark(app, guard.key, true);
    guard.state = PreviewRun::Stopped;
    saveConsole(app, true);
}

void runHeldPreview(App& app) {
    PreviewGuard& guard = app.preview;
    if (guard.state != PreviewRun::Held && guard.state != PreviewRun::Stopped) return;
    start(app);
}

std::string previewNetworkKey(const std::string& project_public_id) {
    return "preview_network:" + project_public_id;
}

bool previewNetwork(const App& app) {
    if (app.shared) return app.shared->network;
    return !app.open || app.open->network;
}

void setPreviewNetwork(App& app, bool on) {
    if (previewNetwork(app) == on) return;
    if (app.shared) {
        app.shared->network = on;
    } else if (app.open) {
        app.open->network = on;
        const std::string key = previewNetworkKey(app.open->project.public_id);
        internal::whenWritable(app, [&app, key, on] {
            if (app.store && !app.store->readOnly()) {
                internal::guarded(app, [&] { app.store->setSetting(key, on ? "on" : "off"); });
            }
        });
    } else {
        return;
    }
    // Runs again under the new policy, unless the user holds it back.
    PreviewGuard& guard = app.preview;
    if (guard.state == PreviewRun::Starting || guard.state == PreviewRun::Running ||
        guard.state == PreviewRun::Unresponsive) {
        if (guard.state == PreviewRun::Starting) mark(app, guard.key, false);
        start(app);
    }
}

}  // namespace kiln::app
