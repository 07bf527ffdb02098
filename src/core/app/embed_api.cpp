#include "core/app/embed_api.h"

#include <climits>
#include <cstdint>
#include <optional>

#include <nlohmann/json.hpp>

namespace kiln::app {

namespace {

using Json = nlohmann::json;

std::string dump(const Json& message) {
    return message.dump(-1, ' ', false, Json::error_handler_t::replace);
}

// The field `name` of `message` when it is a string, "" when it is absent; nothing when it is of
// another type.
std::optional<std::string> optionalString(const Json& message, const char* name) {
    const auto field = message.find(name);
    if (field == message.end()) return "";
    if (!field->is_string()) return std::nullopt;
    return field->get<std::string>();
}

bool prompt(App& app, const Json& message) {
    const auto text = message.find("text");
    const auto send = message.find("send");
    if (text == message.end() || !text->is_string()) return false;
    if (send != message.end() && !send->is_boolean()) return false;
    app.prompt = text->get<std::string>();
    if (send != message.end() && send->get<bool>()) sendPrompt(app);
    return true;
}

bool open(App& app, const Json& message) {
    const auto project = message.find("project");
    const auto version = message.find("version");
    if (project == message.end() || !project->is_string()) return false;
    int number = 0;
    if (version != message.end()) {
        if (!version->is_number_integer() || version->get<int64_t>() < 0 || version->get<int64_t>() > INT32_MAX) {
            return false;
        }
        number = static_cast<int>(version->get<int64_t>());
    }
    // A public id, checked as a link's is.
    const std::string id = project->get<std::string>();
    const std::optional<Route> route = parseRoute("#/p/" + id);
    if (!route || route->project != id) return false;
    navigate(app, Route{id, number});
    return true;
}

bool newProjectFrom(App& app, const Json& message) {
    const std::optional<std::string> name = optionalString(message, "name");
    const std::optional<std::string> code = optionalString(message, "code");
    if (!name || !code) return false;
    newProject(app, *name, *code);
    return true;
}

}  // namespace

std::string embedReadyMessage() {
    return dump({{"kiln", "ready"}, {"version", kEmbedApiVersion}});
}

std::string embedVersionMessage(const store::Project& project, const store::Version& version) {
    return dump({{"kiln", "version"},
                 {"project", project.public_id},
                 {"name", project.name},
                 {"number", version.summary.number},
                 {"prompt", version.summary.prompt},
                 {"code", version.code}});
}

bool handleEmbedMessage(App& app, std::string_view text) {
    const Json message = Json::parse(text, nullptr, false);
    if (!message.is_object() || !app.store) return false;
    const auto kind = message.find("kiln");
    if (kind == message.end() || !kind->is_string()) return false;
    if (*kind == "prompt") return prompt(app, message);
    if (*kind == "open") return open(app, message);
    if (*kind == "new-project") return newProjectFrom(app, message);
    return false;
}

}  // namespace kiln::app
