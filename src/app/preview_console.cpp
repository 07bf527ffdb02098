#include "app/preview_console.h"

#include <nlohmann/json.hpp>

#include <algorithm>

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
    const nlohmann::json none = nlohmann::json::array();
    for (const nlohmann::json& item : entries != json.end() && entries->is_array() ? *entries : none) {
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
        changed = true;
    }
    // After the entries: a run's errors and its loading come in one batch.
    if (loading) continueAutoFix(app);
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
}

void clearConsole(App& app) {
    app.console = {};
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
