// Kiln: what the app in the preview reports: its console (log, info, warn, error, debug), uncaught
// errors with their line in the version's code, unhandled promise rejections, resources that did
// not load and policy violations. The preview's prelude (web/preview/host.js) sends them in
// batches; the platform hands each batch over as JSON, which is checked here like any input from
// outside (the app can post anything). Kept for the run the preview shows: a new run starts an
// empty console.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kiln::app {

struct App;

enum class ConsoleLevel { Log, Info, Warn, Error, Debug };

struct ConsoleEntry {
    ConsoleLevel level = ConsoleLevel::Log;
    std::string text;
    int line = 0;    // the line in the version's code (1 is the first); 0 when it has none
    int column = 0;  // 1 is the first; 0 when it has none
};

// The most entries kept; older ones are dropped (and counted) to make room.
constexpr size_t kConsoleMaxEntries = 1000;
// The longest text kept of one entry, in bytes (cut between characters).
constexpr size_t kConsoleMaxTextBytes = 2000;

struct PreviewConsole {
    std::deque<ConsoleEntry> entries;  // oldest first
    uint64_t dropped = 0;              // entries not kept: past the cap, or that the app's frame dropped
    size_t errors = 0;                 // Error entries among `entries`
    bool blank = false;                // a second after loading, the app showed nothing at all
    bool loaded = false;               // that look was made: the app loaded a second ago
};

// The level's name in JSON ("log", "info", "warn", "error", "debug").
const char* consoleLevelName(ConsoleLevel level);

// Takes a batch from the preview for the run it shows: {"entries": [{"level", "text", "line",
// "column"}, ...], "dropped": n, "blank": bool (once, a second after loading)}. Entries of an
// unknown level or without text are skipped; lines and columns that are not positive numbers
// become 0. Returns true when what the panels show changed (an idle page draws no frame for it).
bool receiveConsole(App& app, std::string_view batch);
// Adds an entry (Kiln's own word about the run), dropping the oldest past kConsoleMaxEntries.
void addConsoleEntry(App& app, ConsoleEntry entry);
// Empties the console (a new run).
void clearConsole(App& app);
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
