#include "app/preview_console.h"

#include <nlohmann/json.hpp>

#include "app/app.h"
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
    if (auto blank = json.find("blank"); blank != json.end() && blank->is_boolean() && *blank != console.blank) {
        console.blank = blank->get<bool>();
        changed = true;
    }
    auto entries = json.find("entries");
    if (entries == json.end() || !entries->is_array()) return changed;
    for (const nlohmann::json& item : *entries) {
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
        if (console.entries.size() == kConsoleMaxEntries) {
            if (console.entries.front().level == ConsoleLevel::Error) --console.errors;
            console.entries.pop_front();
            ++console.dropped;
        }
        if (entry.level == ConsoleLevel::Error) ++console.errors;
        console.entries.push_back(std::move(entry));
        changed = true;
    }
    return changed;
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

}  // namespace kiln::app
