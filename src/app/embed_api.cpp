#include "app/embed_api.h"

#include <climits>
#include <cstdint>
#include <optional>

#include <algorithm>

#include <nlohmann/json.hpp>

#include "app/app_internal.h"

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

constexpr char kConsentSetting[] = "embed_consent";

int64_t nowMs(const App& app) {
    return app.clock_ms ? app.clock_ms() : 0;
}

bool listed(const std::vector<std::string>& origins, const std::string& origin) {
    return std::find(origins.begin(), origins.end(), origin) != origins.end();
}

void answer(App& app, const char* code, const std::string& text, const Json& request) {
    if (app.embed.post) {
        app.embed.post(dump({{"kiln", "error"}, {"code", code}, {"message", text}, {"request", request}}));
    }
}

void saveConsent(App& app) {
    const std::vector<std::string> always = app.embed.always;
    internal::whenWritable(app, [&app, always] {
        if (!app.store || app.store->readOnly()) return;
        internal::guarded(app, [&] { app.store->setSetting(kConsentSetting, dump({{"always", always}})); });
    });
}

// Whether origin may send once more now; counts the send when it may.
bool withinRate(App& app, const std::string& origin, int64_t* wait_ms) {
    const int64_t now = nowMs(app);
    std::vector<int64_t>& sends = app.embed.sends_ms[origin];
    sends.erase(
        std::remove_if(sends.begin(), sends.end(), [now](int64_t at) { return now - at >= kEmbedSendWindowMs; }),
        sends.end());
    if (sends.size() >= static_cast<size_t>(kEmbedSendLimit)) {
        *wait_ms = sends.front() + kEmbedSendWindowMs - now;
        return false;
    }
    sends.push_back(now);
    return true;
}

// A send asked by the embedding page: made when its origin is allowed always, else the user is
// asked (or was asked, and said no).
void sendFromEmbedder(App& app, const std::string& text, const Json& request) {
    // A library from a newer Kiln takes no new version: the page hears so at once, and the user is
    // not asked for a consent that could lead nowhere.
    if (refuseReadOnly(app)) {
        answer(app, "read-only", app.error, request);
        return;
    }
    const std::string& origin = app.embed.origin;
    int64_t wait_ms = 0;
    if (!withinRate(app, origin, &wait_ms)) {
        answer(app, "rate-limited",
               "Too many sends: Kiln takes at most " + std::to_string(kEmbedSendLimit) +
                   " per minute from a site. Try again in " + std::to_string((wait_ms + 999) / 1000) + " s.",
               request);
        return;
    }
    if (listed(app.embed.always, origin)) {
        sendPrompt(app);
        return;
    }
    if (listed(app.embed.denied, origin)) {
        answer(app, "denied", "The user did not allow this site to generate with their endpoint.", request);
        return;
    }
    if (!app.embed.pending) {
        app.embed.pending = ConsentRequest{origin, text, request};
        app.embed.pending_since_ms = nowMs(app);
    }
    answer(app, "consent-required",
           "The user has not allowed this site to generate with their endpoint: Kiln is asking them. The prompt is "
           "sent if they allow it (a 'version' message follows).",
           request);
}

bool prompt(App& app, const Json& message) {
    const auto text = message.find("text");
    const auto send = message.find("send");
    const auto request = message.find("request");
    if (text == message.end() || !text->is_string()) return false;
    if (send != message.end() && !send->is_boolean()) return false;
    if (request != message.end() && !request->is_string() && !request->is_number()) return false;
    app.prompt = text->get<std::string>();
    if (send != message.end() && send->get<bool>()) {
        sendFromEmbedder(app, app.prompt, request == message.end() ? Json(nullptr) : *request);
    }
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
    if (!message.is_object() || !app.store || app.embed.origin.empty()) return false;
    const auto kind = message.find("kiln");
    if (kind == message.end() || !kind->is_string()) return false;
    if (*kind == "prompt") return prompt(app, message);
    if (*kind == "open") return open(app, message);
    if (*kind == "new-project") return newProjectFrom(app, message);
    return false;
}

void loadEmbedConsent(App& app) {
    app.embed.always.clear();
    const std::optional<std::string> stored = app.store ? app.store->getSetting(kConsentSetting) : std::nullopt;
    if (!stored) return;
    const Json json = Json::parse(*stored, nullptr, false);
    if (!json.is_object() || !json.contains("always") || !json["always"].is_array()) return;
    for (const Json& origin : json["always"]) {
        if (origin.is_string() && !listed(app.embed.always, origin.get<std::string>())) {
            app.embed.always.push_back(origin.get<std::string>());
        }
    }
}

void setEmbedVisible(App& app, bool visible) {
    if (app.embed.visible == visible) return;
    app.embed.visible = visible;
    app.embed.visible_since_ms = nowMs(app);
}

int64_t consentArmsInMs(const App& app) {
    if (!app.embed.pending) return 0;
    if (app.embed.visible == false) return -1;
    int64_t since = app.embed.pending_since_ms;
    if (app.embed.visible.has_value()) since = std::max(since, app.embed.visible_since_ms);
    return std::max<int64_t>(0, since + kConsentArmMs - nowMs(app));
}

bool consentCanAllow(const App& app) {
    return app.embed.pending.has_value() && consentArmsInMs(app) == 0;
}

void answerConsent(App& app, ConsentChoice choice) {
    if (!app.embed.pending) return;
    if (choice != ConsentChoice::Deny && !consentCanAllow(app)) return;
    const ConsentRequest asked = std::move(*app.embed.pending);
    app.embed.pending.reset();
    if (choice == ConsentChoice::Deny) {
        if (!listed(app.embed.denied, asked.origin)) app.embed.denied.push_back(asked.origin);
        answer(app, "denied", "The user did not allow this site to generate with their endpoint.", asked.request);
        return;
    }
    if (choice == ConsentChoice::Always && !listed(app.embed.always, asked.origin)) {
        app.embed.always.push_back(asked.origin);
        saveConsent(app);
    }
    app.prompt = asked.text;
    sendPrompt(app);
}

void revokeConsent(App& app, const std::string& origin) {
    const auto at = std::find(app.embed.always.begin(), app.embed.always.end(), origin);
    if (at == app.embed.always.end()) return;
    app.embed.always.erase(at);
    saveConsent(app);
}

}  // namespace kiln::app
