#include "app/preview_console.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <limits>

#include "app/app.h"
#include "app/app_internal.h"
#include "app/generation.h"
#include "core/codegen/utf8.h"

namespace kiln::app {

namespace {

constexpr ConsoleLevel kLevels[] = {ConsoleLevel::Log, ConsoleLevel::Info, ConsoleLevel::Warn, ConsoleLevel::Error,
                                    ConsoleLevel::Debug};

// A positive int from the batch, or 0.
int position(const nlohmann::json& entry, const char* key) {
    auto it = entry.find(key);
    if (it == entry.end() || !it->is_number_integer()) return 0;
    const int64_t value = it->get<int64_t>();
    return value > 0 && value < (int64_t{1} << 30) ? static_cast<int>(value) : 0;
}

int64_t now(const App& app) {
    return app.clock_ms ? app.clock_ms() : 0;
}

// The stored version the preview shows, or null (a shared app, nothing open).
store::VersionSummary* shownVersion(App& app) {
    if (app.shared || !app.open) return nullptr;
    for (store::VersionSummary& version : app.open->versions) {
        if (version.number == app.open->selected) return &version;
    }
    return nullptr;
}

}  // namespace

const char* consoleLevelName(ConsoleLevel level) {
    switch (level) {
        case ConsoleLevel::Info:
            return "info";
        case ConsoleLevel::Warn:
            return "warn";
        case ConsoleLevel::Error:
            return "error";
        case ConsoleLevel::Debug:
            return "debug";
        case ConsoleLevel::Log:
            break;
    }
    return "log";
}

namespace {

// Adds the entries of a JSON array (a batch's, or a version's last run as stored) that are objects
// with a known "level" and a "text"; lines and columns that are not positive numbers become 0.
// Returns whether any was added.
bool addConsoleEntries(App& app, const nlohmann::json& entries) {
    if (!entries.is_array()) return false;
    bool added = false;
    for (const nlohmann::json& item : entries) {
        if (!item.is_object()) continue;
        auto level = item.find("level");
        auto text = item.find("text");
        if (level == item.end() || !level->is_string() || text == item.end() || !text->is_string()) continue;
        ConsoleEntry entry;
        bool known = false;
        for (const ConsoleLevel candidate : kLevels) {
            if (*level == consoleLevelName(candidate)) {
                entry.level = candidate;
                known = true;
            }
        }
        if (!known) continue;
        const std::string& words = text->get_ref<const std::string&>();
        entry.text = words.substr(0, codegen::utf8CutPoint(words, kConsoleMaxTextBytes));
        entry.line = position(item, "line");
        entry.column = position(item, "column");
        addConsoleEntry(app, std::move(entry));
        added = true;
    }
    return added;
}

// Once the run of a Fix's version has loaded: the next round of an auto-fix, or why there is none.
void continueAutoFix(App& app) {
    if (!app.auto_fix || !app.fix) return;
    const std::optional<FixReport> report = fixReport(app);
    if (!report || !report->loaded) return;
    const size_t errors = app.console.errors;
    const size_t before = app.fix->errors_before;
    if (errors == 0) {
        app.auto_fix_note.clear();  // the report says they are gone
    } else if (app.fix->round >= kAutoFixRounds) {
        app.auto_fix_note = "Auto-fix stopped after " + std::to_string(kAutoFixRounds) +
                            " rounds: " + std::to_string(errors) + (errors == 1 ? " error is" : " errors are") +
                            " still reported.";
    } else if (errors >= before) {
        app.auto_fix_note = "Auto-fix stopped: the errors did not go down (" + std::to_string(before) + ", then " +
                            std::to_string(errors) + ").";
    } else {
        const int round = app.fix->round + 1;
        fixErrors(app);
        app.fix->round = round;
        app.auto_fix_note = "Auto-fix: round " + std::to_string(round) + " of " + std::to_string(kAutoFixRounds) + "…";
    }
}

}  // namespace

bool receiveConsole(App& app, std::string_view batch) {
    const nlohmann::json json = nlohmann::json::parse(batch, nullptr, false);
    if (!json.is_object()) return false;
    if (auto run = json.find("run");
        run != json.end() && (!run->is_number_unsigned() || run->get<uint64_t>() != app.preview.serial)) {
        return false;
    }
    PreviewConsole& console = app.console;
    bool changed = false;
    if (auto dropped = json.find("dropped"); dropped != json.end() && dropped->is_number_unsigned()) {
        const uint64_t count = dropped->get<uint64_t>();
        console.dropped += count;
        changed = count > 0;
    }
    const auto blank = json.find("blank");
    const bool loading = blank != json.end() && blank->is_boolean();  // the look a second after loading
    if (loading) {
        // Loading shows only in a Fix's report; an app that shows something changes nothing shown.
        changed = changed || *blank != console.blank || (!console.loaded && fixReport(app));
        console.blank = blank->get<bool>();
        console.loaded = true;
    }
    auto entries = json.find("entries");
    if (entries != json.end() && addConsoleEntries(app, *entries)) changed = true;
    // After the entries: a run's errors and its loading come in one batch.
    if (loading) continueAutoFix(app);
    if (changed) {
        console.unsaved = true;
        saveConsole(app, false);
    }
    return changed;
}

void addConsoleEntry(App& app, ConsoleEntry entry) {
    PreviewConsole& console = app.console;
    if (console.entries.size() == kConsoleMaxEntries) {
        if (console.entries.front().level == ConsoleLevel::Error) --console.errors;
        console.entries.pop_front();
        ++console.dropped;
    }
    if (entry.level == ConsoleLevel::Error) ++console.errors;
    console.entries.push_back(std::move(entry));
    console.unsaved = true;
}

void startConsole(App& app) {
    saveConsole(app, true);  // what the run before left
    app.console = {};
    if (const store::VersionSummary* version = shownVersion(app)) {
        app.console.project = app.open->project.public_id;
        app.console.version = version->number;
        app.console.replaces = version->console_errors.has_value();
    }
}

void showLastRunConsole(App& app) {
    saveConsole(app, true);
    app.console = {};
    const store::VersionSummary* version = shownVersion(app);
    if (!version || !version->console_errors || !app.store) return;
    std::optional<store::VersionConsole> kept;
    internal::guarded(app, [&] { kept = app.store->getVersionConsole(version->id); });
    if (!kept) return;
    // Read like a batch: a library is input from outside too (an imported file).
    addConsoleEntries(app, nlohmann::json::parse(kept->entries, nullptr, false));
    app.console.dropped += static_cast<uint64_t>(std::max<int64_t>(kept->dropped, 0));
    app.console.last_run = true;
    app.console.unsaved = false;
}

void saveConsole(App& app, bool now_or_when_due) {
    PreviewConsole& console = app.console;
    // A run that answers replaces the last one even when it reports nothing.
    const bool changed = console.unsaved || (console.replaces && app.preview.state == PreviewRun::Running);
    if (!changed || console.version == 0 || console.last_run || !app.store || app.store->readOnly()) return;
    // While another tab holds the library, one write waits at a time: this one comes later.
    if (app.writer && app.writer->waitingWrites() > 0) return;
    const int64_t time = now(app);
    if (!now_or_when_due && console.saved_at >= 0 && time - console.saved_at < kConsoleSaveMs) return;
    nlohmann::json entries = nlohmann::json::array();
    for (const ConsoleEntry& entry : console.entries) {
        nlohmann::json item = {{"level", consoleLevelName(entry.level)}, {"text", entry.text}};
        if (entry.line > 0) item["line"] = entry.line;
        if (entry.column > 0) item["column"] = entry.column;
        entries.push_back(std::move(item));
    }
    console.unsaved = false;
    console.replaces = false;
    console.saved_at = time;
    const std::string project = console.project;
    const int number = console.version;
    const int64_t errors = static_cast<int64_t>(console.errors);
    const std::string text = entries.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    const auto dropped = static_cast<int64_t>(
        std::min<uint64_t>(console.dropped, static_cast<uint64_t>(std::numeric_limits<int64_t>::max())));
    internal::whenWritable(app, [&app, project, number, errors, text, dropped] {
        try {
            // Looked up as the write runs: a library replaced since (an import, another tab) may
            // not hold the version any more, and its run is then not kept.
            const std::optional<store::Project> owner = app.store->getProjectByPublicId(project);
            const std::optional<store::Version> version =
                owner ? app.store->getVersion(owner->id, number) : std::nullopt;
            if (!version) return;
            app.store->setVersionConsole(version->summary.id, text, dropped);
        } catch (const std::exception& error) {
            app.error = error.what();
            return;
        }
        // The timeline shows it.
        if (!app.open || app.open->project.public_id != project) return;
        for (store::VersionSummary& version : app.open->versions) {
            if (version.number == number) version.console_errors = errors;
        }
    });
}

std::string blankAppMessage(const PreviewConsole& console) {
    if (!console.blank || console.errors == 0) return "";
    std::string message = "The app shows nothing, and reported " + std::to_string(console.errors) +
                          (console.errors == 1 ? " error" : " errors");
    for (const ConsoleEntry& entry : console.entries) {
        if (entry.level != ConsoleLevel::Error) continue;
        message += ", first: " + entry.text.substr(0, entry.text.find('\n'));
        if (entry.line > 0) message += " (line " + std::to_string(entry.line) + ")";
        break;
    }
    return message + ".";
}

// ---------------------------------------------------------------------------------------------
// Fix
// ---------------------------------------------------------------------------------------------

void fixErrors(App& app) {
    if (!app.open || app.shared || app.console.errors == 0) return;
    FixRequest fix;
    fix.project_id = app.open->project.id;
    std::string list;
    for (const ConsoleEntry& entry : app.console.entries) {
        if (entry.level != ConsoleLevel::Error || fix.errors.size() == kFixMaxErrors) continue;
        const std::string text = entry.text.substr(0, codegen::utf8CutPoint(entry.text, kFixMaxErrorBytes));
        if (std::find(fix.errors.begin(), fix.errors.end(), text) != fix.errors.end()) continue;
        fix.errors.push_back(text);
        list += "\n- " + text + (entry.line > 0 ? " (line " + std::to_string(entry.line) + ")" : "");
    }
    fix.instruction = "Fix the errors the app reported when it ran:" + list + "\nKeep everything else as it is.";
    fix.errors_before = app.console.errors;
    app.fix = fix;
    app.auto_fix_note.clear();
    sendInstruction(app, fix.instruction);
}

void setAutoFix(App& app, bool on) {
    app.auto_fix = on;
    internal::whenWritable(
        app, [&app, on] { internal::guarded(app, [&] { app.store->setSetting("auto_fix", on ? "on" : "off"); }); });
}

std::optional<FixReport> fixReport(const App& app) {
    const Generation& generation = app.generation;
    if (!app.fix || !app.open || app.shared || generation.phase != GenerationPhase::Finished ||
        generation.instruction != app.fix->instruction || generation.project_id != app.open->project.id ||
        generation.new_version == 0 || app.open->selected != generation.new_version) {
        return std::nullopt;
    }
    // The console is that version's run's only once the preview has started it.
    const PreviewSubject subject = previewSubject(app);
    if (app.preview.key != subject.key || app.preview.source != subject.revision) return std::nullopt;
    FixReport report;
    report.asked = app.fix->errors.size();
    report.loaded = app.console.loaded;
    for (const std::string& error : app.fix->errors) {
        for (const ConsoleEntry& entry : app.console.entries) {
            if (entry.level == ConsoleLevel::Error &&
                entry.text.substr(0, codegen::utf8CutPoint(entry.text, kFixMaxErrorBytes)) == error) {
                report.still.push_back(error);
                break;
            }
        }
    }
    return report;
}

std::string fixReportMessage(const FixReport& report) {
    const std::string asked = std::to_string(report.asked) + (report.asked == 1 ? " error" : " errors");
    if (report.still.empty()) {
        return report.loaded ? "Fixed: the " + asked + " asked about " + (report.asked == 1 ? "is" : "are") + " gone."
                             : "Checking whether the errors asked about are gone…";
    }
    return std::to_string(report.still.size()) + " of " + asked + " asked about " +
           (report.still.size() == 1 ? "is" : "are") + " still reported: " + report.still.front() +
           (report.still.size() > 1 ? " (and more: see the console)." : ".");
}

}  // namespace kiln::app
