// Kiln: what a generated app keeps with localStorage and sessionStorage.
//
// The app runs in a sandboxed frame of an opaque origin, which has no storage of its own (every
// use of it throws). So the preview's prelude (web/preview/host.js) puts a synchronous stand-in
// for both in place before the app's code runs, filled with what the project kept
// (previewAppData), and sends the app's changes back in batches (receiveAppData). They are checked
// here like any input from outside (the app can post anything) and kept:
//   - localStorage: in the library (the app_data table) under the project, so it survives
//     reloads and new versions, goes with exports and imports, and stays with the project in the
//     trash; at most store::kAppDataMaxLength characters a project (the stand-in throws
//     QuotaExceededError first, as a browser does);
//   - sessionStorage: in memory, for as long as Kiln's tab lives, under the same cap;
//   - a shared app's (share.h): both in memory only; it belongs to no project.
// The App data view lists a project's data (appDataList), removes an item or clears it all, with
// Undo; each of those runs the preview again, so that the app sees what is left.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kiln::app {

struct App;

enum class AppDataArea { Local, Session };

// The area's name in batches and in the view: "local", "session".
const char* appDataAreaName(AppDataArea area);

struct AppDataItem {
    AppDataArea area = AppDataArea::Local;
    std::string key;
    std::string value;
};

// One run of the preview and whose data it uses.
struct AppDataRun {
    uint64_t serial = 0;     // PreviewGuard::serial of the run
    int64_t project_id = 0;  // 0 for a shared app
    std::string owner;       // the project's public id, or the shared app's key
};

// A project's data as the App data view lists it, read again when it changed.
struct AppDataList {
    int64_t project_id = 0;
    uint64_t changes = 0;            // AppDataState::changes when it was read
    std::vector<AppDataItem> items;  // localStorage's, then sessionStorage's, each by key
    int64_t length = 0;              // the characters of localStorage's keys and values
};

struct AppDataState {
    // The last runs started (newest last): a batch sent by a run's app just before the next run
    // replaced it still goes to its own project.
    std::deque<AppDataRun> runs;
    std::string run_data;  // what the newest run was given (previewAppData)
    // sessionStorage of each owner, and localStorage of shared apps: by "<area>:<owner>".
    std::map<std::string, std::map<std::string, std::string>> memory;
    uint64_t changes = 0;  // counts every change, so that appDataList knows when to read again
    AppDataList list;
    // Data the App data view cleared, offered back (while that project is open) until the next
    // clear, or until the library is replaced.
    std::optional<std::vector<AppDataItem>> undo_clear;
    int64_t undo_project_id = 0;
    bool read_only_said = false;  // the newest run's console says that a read-only library keeps nothing
};

// The runs kept in AppDataState::runs.
constexpr size_t kAppDataRuns = 4;
// The most changes a batch may hold (the preview's host passes on no more); a batch with more is dropped.
constexpr size_t kAppDataMaxChanges = 100000;

// What the app the preview shows has kept, as it is given to a run: JSON {"local": [[key, value],
// ...], "session": [...]}, from the library and from memory. Also what its tab starts with.
std::string previewAppData(App& app);
// A new run of the preview (preview_guard.h): records whose data it uses and what it is given
// (AppDataState::run_data).
void startAppDataRun(App& app);
// Takes a batch from the preview: {"run": serial, "area": "local" | "session", "clear": bool,
// "changes": [[key, value or null], ...]}. A batch of a run not among the last ones, or of an
// unknown area, is dropped; a change that is not [text, text or null] is skipped. A value past the
// cap is not kept, and the console says so. localStorage's changes are stored through the
// SharedWriter like every write. Returns true when something changed.
bool receiveAppData(App& app, std::string_view batch);

// The open project's data, read again only when it changed.
const AppDataList& appDataList(App& app);
// Removes one item of the open project's data and runs the preview again.
void removeAppDataItem(App& app, AppDataArea area, const std::string& key);
// Removes all of the open project's data (both areas), offers Undo, and runs the preview again.
void clearAppData(App& app);
// Puts back what clearAppData removed, if that project is still open.
void undoClearAppData(App& app);

}  // namespace kiln::app
