// Kiln: what the app in the preview reports: its console (log, info, warn, error, debug), uncaught
// errors with their line in the version's code, unhandled promise rejections, resources that did
// not load and policy violations. The preview's prelude (web/preview/host.js) sends them in
// batches; the platform hands each batch over as JSON, which is checked here like any input from
// outside (the app can post anything). Kept for the run the preview shows: a new run starts an
// empty console. The run of a version of the library is also kept with that version
// (store::VersionConsole): saved as it changes, at most every kConsoleSaveMs, and when the run
// ends; each run replaces the one before. A version that is Held (preview_guard.h) shows the
// console of its last run, which says what it did before it stopped answering.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/store/store.h"

namespace kiln::app {

struct App;

enum class ConsoleLevel { Log, Info, Warn, Error, Debug };

struct ConsoleEntry {
    ConsoleLevel level = ConsoleLevel::Log;
    std::string text;
    int line = 0;    // the line in the version's code (1 is the first); 0 when it has none
    int column = 0;  // 1 is the first; 0 when it has none
};

// The most entries kept; older ones are dropped (and counted) to make room. A version keeps as many.
constexpr size_t kConsoleMaxEntries = store::kVersionConsoleMaxEntries;
// The longest text kept of one entry, in bytes (cut between characters).
constexpr size_t kConsoleMaxTextBytes = 2000;

// How often, at most, a run's console is saved while it changes, in milliseconds.
constexpr int64_t kConsoleSaveMs = 2000;

struct PreviewConsole {
    std::deque<ConsoleEntry> entries;  // oldest first
    uint64_t dropped = 0;              // entries not kept: past the cap, or that the app's frame dropped
    size_t errors = 0;                 // Error entries among `entries`
    bool blank = false;                // a second after loading, the app showed nothing at all
    bool loaded = false;               // that look was made: the app loaded a second ago
    // The stored version whose run this is, by its project's public id and its number (a row id
    // may name another version once the library is replaced); none for a shared app.
    std::string project;
    int version = 0;
    bool last_run = false;  // read from the library: the version's last run, not one now
    bool unsaved = false;   // changed since it was last saved with its version
    bool replaces = false;  // the version keeps a last run, which this run replaces once it runs
    int64_t saved_at = -1;  // when it was last saved (App::clock_ms); -1: not in this run
};

// The level's name in JSON ("log", "info", "warn", "error", "debug").
const char* consoleLevelName(ConsoleLevel level);

// Takes a batch from the preview for the run it shows: {"run": n, "entries": [{"level", "text",
// "line", "column"}, ...], "dropped": n, "blank": bool (once, a second after loading)}. A batch of
// another run than the guard's (PreviewGuard::serial; Kiln's page names it: an app still running
// in a hidden frame) is dropped. Entries of an unknown level or without text are skipped; lines and
// columns that are not positive numbers become 0. Returns true when what the panels show changed (an idle page draws no
// frame for it).
bool receiveConsole(App& app, std::string_view batch);
// Adds an entry (Kiln's own word about the run), dropping the oldest past kConsoleMaxEntries.
void addConsoleEntry(App& app, ConsoleEntry entry);
// Starts the console of a new run of what the preview shows: empty, for the open project's
// selected version (none for a shared app). It replaces that version's last run once it reports
// something or answers (a run that never got to run, behind an app still looping in the same
// process, leaves the last one as it was).
void startConsole(App& app);
// Shows the console the selected version's last run left in the library (a Held version).
void showLastRunConsole(App& app);
// Saves the run's console with its version when it changed: at once when `now`, else only when
// kConsoleSaveMs have passed since it was last saved. Nothing when the library is read-only.
void saveConsole(App& app, bool now);
// ---- Fix -----------------------------------------------------------------------------------------

// The errors a Fix asked the model to fix, and the request that carried them (the prompt of the
// version it makes).
struct FixRequest {
    int64_t project_id = 0;
    std::string instruction;
    std::vector<std::string> errors;  // their texts, each once
    size_t errors_before = 0;         // the errors the console counted when it was sent
    int round = 1;                    // its round of an auto-fix (1: the Fix the user asked for)
};

// The most errors one Fix sends, and the most of each error's text.
constexpr size_t kFixMaxErrors = 10;
constexpr size_t kFixMaxErrorBytes = 300;

// Fix errors: a follow-up to the open project that asks the model to fix the errors the console
// holds (each text once, at most kFixMaxErrors, each cut at kFixMaxErrorBytes, with its line), with
// the code as shown; the prompt box keeps what is typed in it. Nothing without errors.
void fixErrors(App& app);

// Auto-fix (opt-in, kept in the settings as "auto_fix"): once the run of the version a Fix made
// has loaded and still reports errors, Fix errors goes on by itself, while the errors go down, for
// at most kAutoFixRounds rounds in all; App::auto_fix_note says how it goes or why it stopped.
constexpr int kAutoFixRounds = 3;
void setAutoFix(App& app, bool on);

// Once the version a Fix made is shown: how many errors it asked to fix, and which of them its
// run still reports (by their text; their lines may have moved). `loaded`: the run has loaded
// (a second has passed since), so errors that would show at the start have shown.
struct FixReport {
    size_t asked = 0;
    std::vector<std::string> still;
    bool loaded = false;
};
std::optional<FixReport> fixReport(const App& app);
// The report in words: "Fixed: the 2 errors asked about are gone." / "1 of 2 errors asked about is
// still reported: …" / "Checking whether the errors asked about are gone…".
std::string fixReportMessage(const FixReport& report);

// What the preview says over a blank app that reported errors (empty otherwise): that it shows
// nothing, how many errors, and the first one with its line.
std::string blankAppMessage(const PreviewConsole& console);

}  // namespace kiln::app
