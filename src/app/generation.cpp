// Index
//   Helpers             clock, origins, settings JSON
//   Settings            load, save, key origin, test connection
//   Requests            one chat request and its callbacks
//   Outcomes            a new version, a whole-file retry, or a draft with a message
//   Actions             send, stop, continue, keep, discard, stall check
//   Stats and snapshot
#include "app/generation.h"

#include <algorithm>
#include <cstdio>
#include <ctime>

#include "app/app.h"
#include "app/app_internal.h"
#include "core/codegen/edit_blocks.h"
#include "core/codegen/extract.h"
#include "core/codegen/text.h"

namespace kiln::app {

using internal::guarded;
using internal::whenWritable;

namespace {

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

constexpr char kEndpointSetting[] = "endpoint";
constexpr char kApiKeySetting[] = "api_key";    // {key, origin}: earlier versions' key; written empty
constexpr char kApiKeysSetting[] = "api_keys";  // {origin: key}: every key
// A refusal's body is kept up to this size to explain it; the rest is not needed.
constexpr size_t kMaxErrorBody = 64 * 1024;
// A /models answer is read up to this size; past it the test connection stops reading.
constexpr size_t kMaxModelsBody = 4 * kMaxErrorBody;

int64_t nowMs(const App& app) {
    return app.clock_ms ? app.clock_ms() : 0;
}

int64_t unixNowMs() {
    return static_cast<int64_t>(std::time(nullptr)) * 1000;
}

std::string lowerAscii(std::string_view text) {
    std::string lower(text);
    for (char& c : lower) c = codegen::asciiLower(c);
    return lower;
}

nlohmann::json optionalJson(const std::optional<double>& value) {
    return value ? nlohmann::json(*value) : nlohmann::json(nullptr);
}

nlohmann::json optionalJson(const std::optional<int64_t>& value) {
    return value ? nlohmann::json(*value) : nlohmann::json(nullptr);
}

nlohmann::json endpointJson(const EndpointSettings& settings) {
    return {{"preset", settings.endpoint.preset},
            {"label", settings.endpoint.label},
            {"base_url", settings.endpoint.base_url},
            {"model", settings.endpoint.model},
            {"temperature", optionalJson(settings.temperature)},
            {"max_tokens", optionalJson(settings.max_tokens)},
            {"stall_seconds", settings.stall_seconds}};
}

std::optional<std::string> headerValue(const HttpHeaders& headers, std::string_view name) {
    for (const auto& [key, value] : headers) {
        if (lowerAscii(key) == name) return value;
    }
    return std::nullopt;
}

bool succeeded(int status) {
    return status >= 200 && status < 300;
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Settings
// ---------------------------------------------------------------------------------------------

const std::vector<std::string>& secretSettingKeys() {
    static const std::vector<std::string> keys = {kApiKeySetting, kApiKeysSetting, kSyncPasswordsSetting};
    return keys;
}

std::string originOf(const App& app, const std::string& url) {
    return app.origin_of ? app.origin_of(url) : std::string();
}

void followKeyOrigin(const App& app, EndpointSettings& settings) {
    const std::string origin = originOf(app, codegen::normalizeBaseUrl(settings.endpoint.base_url));
    if (origin == settings.key_origin) return;
    std::string& key = settings.endpoint.api_key;
    if (settings.key_origin.empty()) {
        // A key typed while the base URL had no origin waits for Save to bind it.
        if (!key.empty()) return;
    } else if (key.empty()) {
        settings.keys.erase(settings.key_origin);
    } else {
        settings.keys[settings.key_origin] = key;
    }
    settings.key_origin = origin;
    const auto saved = origin.empty() ? settings.keys.end() : settings.keys.find(origin);
    key = saved == settings.keys.end() ? std::string() : saved->second;
}

bool keyUsable(const App& app, const EndpointSettings& settings) {
    return !settings.endpoint.api_key.empty() && !settings.key_origin.empty() &&
           settings.key_origin == originOf(app, codegen::normalizeBaseUrl(settings.endpoint.base_url));
}

codegen::Endpoint requestEndpoint(const App& app, const EndpointSettings& settings) {
    codegen::Endpoint endpoint = settings.endpoint;
    endpoint.base_url = codegen::normalizeBaseUrl(endpoint.base_url);
    if (!keyUsable(app, settings)) endpoint.api_key.clear();
    return endpoint;
}

namespace {

// The request as it goes out: one that carries a key names the key's origin, which the platform
// checks against the URL's before sending it.
codegen::HttpRequest withKeyOrigin(codegen::HttpRequest request, const codegen::Endpoint& endpoint,
                                   const EndpointSettings& settings) {
    if (!endpoint.api_key.empty()) request.key_origin = settings.key_origin;
    return request;
}

// The settings as saveEndpointSettings() keeps them: the key field bound to the base URL's origin.
EndpointSettings bound(const App& app, EndpointSettings edited) {
    edited.endpoint.base_url = codegen::normalizeBaseUrl(edited.endpoint.base_url);
    followKeyOrigin(app, edited);
    const std::string origin = originOf(app, edited.endpoint.base_url);
    if (origin.empty()) {
        edited.endpoint.api_key.clear();  // nowhere it could be sent
    } else if (edited.endpoint.api_key.empty()) {
        edited.keys.erase(origin);
    } else {
        edited.keys[origin] = edited.endpoint.api_key;
    }
    edited.key_origin = origin;
    return edited;
}

}  // namespace

void loadEndpointSettings(App& app) {
    EndpointSettings settings;
    settings.endpoint = codegen::endpointFromPreset(codegen::PresetKind::OpenAI);
    if (std::optional<std::string> stored = app.store->getSetting(kEndpointSetting)) {
        const nlohmann::json json = nlohmann::json::parse(*stored, nullptr, false);
        if (json.is_object()) {
            settings.saved = true;
            settings.endpoint.preset = json.value("preset", codegen::PresetKind::Custom);
            settings.endpoint.label = json.value("label", "");
            settings.endpoint.base_url = json.value("base_url", "");
            settings.endpoint.model = json.value("model", "");
            if (json.contains("temperature") && json["temperature"].is_number()) {
                settings.temperature = json["temperature"].get<double>();
            }
            if (json.contains("max_tokens") && json["max_tokens"].is_number_integer()) {
                settings.max_tokens = json["max_tokens"].get<int64_t>();
            }
            settings.stall_seconds = json.value("stall_seconds", settings.stall_seconds);
        }
    }
    bool has_keys = false;
    if (std::optional<std::string> stored = app.store->getSetting(kApiKeysSetting)) {
        const nlohmann::json json = nlohmann::json::parse(*stored, nullptr, false);
        if (json.is_object()) {
            has_keys = true;
            for (const auto& [origin, key] : json.items()) {
                if (key.is_string() && !key.get<std::string>().empty()) settings.keys[origin] = key.get<std::string>();
            }
        }
    }
    // The one key of earlier versions, read only from a library that has no `api_keys` (one they
    // made): kept for its origin when that is an origin as the browser writes it. One that is not
    // (an earlier version worked origins out by itself) can never match a URL's origin, and is
    // left out. Where `api_keys` exists it is the truth: a key forgotten there stays forgotten.
    if (std::optional<std::string> stored = has_keys ? std::nullopt : app.store->getSetting(kApiKeySetting)) {
        const nlohmann::json json = nlohmann::json::parse(*stored, nullptr, false);
        if (json.is_object() && json.contains("key") && json["key"].is_string() && json.contains("origin") &&
            json["origin"].is_string()) {
            const std::string key = json["key"].get<std::string>();
            const std::string origin = json["origin"].get<std::string>();
            if (!key.empty() && !origin.empty() && originOf(app, origin) == origin) settings.keys[origin] = key;
        }
    }
    settings.key_origin = originOf(app, codegen::normalizeBaseUrl(settings.endpoint.base_url));
    if (const auto key = settings.keys.find(settings.key_origin); key != settings.keys.end() && !key->first.empty()) {
        settings.endpoint.api_key = key->second;
    }
    app.settings = std::move(settings);
}

namespace {

// Makes settings the current ones and keeps them in the store.
void keepSettings(App& app, EndpointSettings settings) {
    settings.saved = true;
    if (settings.stall_seconds < 1) settings.stall_seconds = 1;
    app.settings = settings;
    whenWritable(app, [&app, settings] {
        if (!app.store || app.store->readOnly()) return;
        guarded(app, [&] {
            app.store->setSetting(kEndpointSetting, endpointJson(settings).dump());
            app.store->setSetting(kApiKeysSetting, nlohmann::json(settings.keys).dump());
            // Earlier versions read `api_key` and worked its origin out with a parser of their own,
            // which a URL such as http://a\@b could fool into sending the key elsewhere: they are
            // given no key (they ask for it again), and the keys stay in `api_keys` alone.
            app.store->setSetting(kApiKeySetting, nlohmann::json{{"key", ""}, {"origin", ""}}.dump());
        });
    });
}

}  // namespace

void saveEndpointSettings(App& app, const EndpointSettings& edited) {
    keepSettings(app, bound(app, edited));
}

void forgetKey(App& app, const std::string& origin) {
    EndpointSettings settings = app.settings;
    settings.keys.erase(origin);
    if (settings.key_origin == origin) settings.endpoint.api_key.clear();
    keepSettings(app, settings);
}

void testConnection(App& app, const EndpointSettings& edited) {
    if (!app.http) return;
    if (app.connection_test.outcome == ConnectionTest::Outcome::Running) {
        app.http->abort(app.connection_test.request_id);
    }
    const EndpointSettings settings = bound(app, edited);
    const codegen::Endpoint endpoint = requestEndpoint(app, settings);
    const uint64_t serial = app.connection_test.serial + 1;
    app.connection_test =
        ConnectionTest{ConnectionTest::Outcome::Running, "Asking " + endpoint.base_url + "/models…", 0, serial};
    struct Answer {
        int status = 0;
        std::optional<int64_t> retry_after;
        std::string body;
    };
    auto answer = std::make_shared<Answer>();
    auto current = [&app, serial] {
        return app.connection_test.outcome == ConnectionTest::Outcome::Running && app.connection_test.serial == serial;
    };
    auto settle = [&app](bool ok, std::string message) {
        app.connection_test.outcome = ok ? ConnectionTest::Outcome::Passed : ConnectionTest::Outcome::Failed;
        app.connection_test.message = std::move(message);
    };
    HttpCallbacks callbacks;
    callbacks.response = [answer, current](int status, const HttpHeaders& headers) {
        if (!current()) return;
        answer->status = status;
        if (std::optional<std::string> value = headerValue(headers, "retry-after")) {
            answer->retry_after = codegen::parseRetryAfter(*value, unixNowMs());
        }
    };
    callbacks.data = [&app, answer, current, settle, model = endpoint.model](std::string_view bytes) {
        if (!current()) return;
        const size_t room = kMaxModelsBody - answer->body.size();
        answer->body.append(bytes.substr(0, room));
        if (bytes.size() <= room) return;
        // Past the cap the request is stopped (an endpoint that never ends its list would keep the
        // test running and the body growing), and the test settles with what arrived.
        app.http->abort(app.connection_test.request_id);
        if (!succeeded(answer->status)) {
            settle(false, codegen::httpErrorMessage(answer->status, answer->body, answer->retry_after));
            return;
        }
        settle(true, "Connected, but the endpoint's list of models is larger than Kiln reads (" +
                         std::to_string(kMaxModelsBody / 1024) + " KB), so Kiln stopped reading it. Kiln will use \"" +
                         model + "\": check that your provider offers it.");
    };
    callbacks.end = [&app, answer, current, settle, model = endpoint.model] {
        if (!current()) return;
        if (!succeeded(answer->status)) {
            settle(false, codegen::httpErrorMessage(answer->status, answer->body, answer->retry_after));
            return;
        }
        std::vector<std::string> models = codegen::parseModelList(answer->body);
        if (models.empty()) {
            settle(true, "Connected. The endpoint did not list its models; Kiln will use \"" + model + "\".");
            return;
        }
        app.models = models;
        const bool known = std::find(models.begin(), models.end(), model) != models.end();
        const std::string count = std::to_string(models.size()) + " model" + (models.size() == 1 ? "" : "s");
        if (known) {
            settle(true, "Connected: " + count + ", including \"" + model + "\".");
        } else {
            settle(false, "Connected, but the endpoint has no model \"" + model + "\" (it offers " + count +
                              "): choose one from the list.");
        }
    };
    callbacks.failed = [&app, current, settle, endpoint](HttpFailure failure, const std::string& detail) {
        if (!current()) return;
        if (failure == HttpFailure::Refused) {
            settle(false, detail);
            return;
        }
        settle(false, codegen::connectionErrorMessage(failure == HttpFailure::Unreachable
                                                          ? codegen::ConnectionFailure::Unreachable
                                                          : codegen::ConnectionFailure::Dropped,
                                                      endpoint, app.origin));
    };
    app.connection_test.request_id =
        app.http->send(withKeyOrigin(codegen::modelsRequest(endpoint), endpoint, settings), std::move(callbacks));
}

// ---------------------------------------------------------------------------------------------
// Requests and outcomes
// ---------------------------------------------------------------------------------------------

namespace {

void conclude(App& app);

// The answer so far: what earlier requests of a continuation said, then this one.
std::string answerSoFar(const Generation& generation) {
    return generation.earlier_answer + generation.decoder.result().text;
}

bool current(const App& app, uint64_t serial) {
    return app.generation.phase == GenerationPhase::Running && app.generation.serial == serial;
}

std::string answerTooLongMessage() {
    return "The endpoint kept sending: Kiln stops reading an answer after " +
           std::to_string(kMaxAnswerTextBytes / (1024 * 1024)) + " MB of text or " +
           std::to_string(kMaxAnswerBodyBytes / (1024 * 1024)) +
           " MB of data; check the model and its \"Max tokens\" in Settings.";
}

void endWithDraft(App& app, GenerationPhase phase, std::string message, bool can_continue);

void updateCode(Generation& generation) {
    codegen::ExtractedCode extracted = codegen::extractCode(answerSoFar(generation));
    if (extracted.found) generation.code = std::move(extracted.code);
}

// Sends generation.messages, with a fresh decoder, to the configured endpoint.
void beginRequest(App& app) {
    Generation& generation = app.generation;
    const int64_t now = nowMs(app);
    generation.phase = GenerationPhase::Running;
    generation.serial += 1;
    generation.decoder = codegen::StreamDecoder(now);
    generation.http_status = 0;
    generation.retry_after_seconds.reset();
    generation.error_body.clear();
    generation.started_ms = now;
    generation.last_bytes_ms = now;
    generation.message.clear();
    generation.new_version = 0;
    generation.body_bytes = 0;
    generation.endpoint = requestEndpoint(app, app.settings);
    codegen::GenerationOptions options;
    options.temperature = app.settings.temperature;
    options.max_tokens = app.settings.max_tokens;
    const codegen::HttpRequest request = withKeyOrigin(
        codegen::chatRequest(generation.endpoint, generation.messages, options), generation.endpoint, app.settings);
    generation.endpoint.api_key.clear();

    const uint64_t serial = generation.serial;
    HttpCallbacks callbacks;
    callbacks.response = [&app, serial](int status, const HttpHeaders& headers) {
        if (!current(app, serial)) return;
        app.generation.http_status = status;
        if (std::optional<std::string> value = headerValue(headers, "retry-after")) {
            app.generation.retry_after_seconds = codegen::parseRetryAfter(*value, unixNowMs());
        }
    };
    callbacks.data = [&app, serial](std::string_view bytes) {
        if (!current(app, serial)) return;
        Generation& g = app.generation;
        g.last_bytes_ms = nowMs(app);
        g.body_bytes += bytes.size();
        if (!succeeded(g.http_status)) {
            if (g.error_body.size() < kMaxErrorBody) g.error_body.append(bytes);
            if (g.body_bytes > kMaxAnswerBodyBytes) {  // a refusal that never ends: explained as it is
                app.http->abort(g.request_id);
                g.decoder.fail(codegen::httpErrorMessage(g.http_status, g.error_body, g.retry_after_seconds),
                               nowMs(app));
                conclude(app);
            }
            return;
        }
        const size_t text_before = g.decoder.result().text.size();
        const codegen::StreamResult& result = g.decoder.result();
        // Fed in slices, so that one large chunk overshoots the caps by one slice at most.
        constexpr size_t kSlice = 16 * 1024;
        for (size_t at = 0; at < bytes.size(); at += kSlice) {
            g.decoder.feed(bytes.substr(at, kSlice), g.last_bytes_ms);
            if (result.status != codegen::StreamStatus::Streaming) break;
            const size_t fed = g.body_bytes - bytes.size() + std::min(at + kSlice, bytes.size());
            if (fed > kMaxAnswerBodyBytes ||
                g.earlier_answer.size() + result.text.size() + result.reasoning.size() > kMaxAnswerTextBytes) {
                app.http->abort(g.request_id);
                if (result.text.size() != text_before) updateCode(g);
                endWithDraft(app, GenerationPhase::Failed, answerTooLongMessage(), false);
                return;
            }
        }
        if (result.text.size() != text_before) updateCode(g);
        // [DONE] or an error in the stream settles the answer: no need to wait for the body's end.
        if (g.decoder.result().status != codegen::StreamStatus::Streaming) {
            app.http->abort(g.request_id);
            conclude(app);
        }
    };
    callbacks.end = [&app, serial] {
        if (!current(app, serial)) return;
        Generation& g = app.generation;
        if (!succeeded(g.http_status)) {
            g.decoder.fail(codegen::httpErrorMessage(g.http_status, g.error_body, g.retry_after_seconds), nowMs(app));
            if (g.retry_after_seconds && (g.http_status == 429 || g.http_status == 503)) {
                app.retry_not_before_ms = nowMs(app) + *g.retry_after_seconds * 1000;
            }
        } else {
            g.decoder.finish(nowMs(app));
        }
        conclude(app);
    };
    callbacks.failed = [&app, serial](HttpFailure failure, const std::string& detail) {
        if (!current(app, serial)) return;
        Generation& g = app.generation;
        if (failure == HttpFailure::Refused) {
            g.decoder.fail(detail, nowMs(app));
            conclude(app);
            return;
        }
        const bool dropped = failure == HttpFailure::Dropped || g.http_status != 0;
        if (g.http_status != 0 && !succeeded(g.http_status)) {
            g.decoder.fail(codegen::httpErrorMessage(g.http_status, g.error_body, g.retry_after_seconds), nowMs(app));
        } else {
            g.decoder.fail(codegen::connectionErrorMessage(
                               dropped ? codegen::ConnectionFailure::Dropped : codegen::ConnectionFailure::Unreachable,
                               g.endpoint, app.origin),
                           nowMs(app));
        }
        conclude(app);
    };
    generation.request_id = app.http->send(request, std::move(callbacks));
}

// The answer did not become a version: say why (`message`: what happened, in a sentence or two)
// and keep what arrived as a draft, saying so once, with Continue as the next step when the
// answer was cut (`can_continue`).
void endWithDraft(App& app, GenerationPhase phase, std::string message, bool can_continue) {
    Generation& generation = app.generation;
    generation.phase = phase;
    generation.message = std::move(message);
    const std::string answer = answerSoFar(generation);
    const std::string& kept = generation.code.empty() ? answer : generation.code;
    if (kept.empty()) {
        app.draft.reset();
        return;
    }
    generation.message +=
        can_continue ? " What arrived is kept: Continue asks for the rest." : " What arrived is kept as a draft.";
    app.draft = Draft{generation.instruction, kept, generation.message, can_continue};
}

// The figures a version keeps of the generation that made it. A draft kept from an answer that
// did not finish records why: the endpoint's finish reason ("length"), else "cut", "stopped" or
// "failed".
store::GenerationStats statsOf(const Generation& generation) {
    const codegen::StreamResult& result = generation.decoder.result();
    store::GenerationStats stats;
    stats.ttft_ms = result.ttft_ms;
    stats.duration_ms = result.elapsed_ms;
    stats.prompt_tokens = result.prompt_tokens;
    stats.completion_tokens = codegen::outputTokens(result);
    stats.finish_reason = result.finish_reason;
    if (stats.finish_reason.empty()) {
        switch (generation.phase) {
            case GenerationPhase::Truncated:
                stats.finish_reason = "cut";
                break;
            case GenerationPhase::Stopped:
                stats.finish_reason = "stopped";
                break;
            case GenerationPhase::Failed:
                stats.finish_reason = "failed";
                break;
            default:
                break;
        }
    }
    return stats;
}

void storeResult(App& app, const std::string& code) {
    Generation& generation = app.generation;
    const codegen::StreamResult& result = generation.decoder.result();
    store::NewVersion version;
    version.project_id = generation.project_id;
    version.parent_id = generation.base_version_id;
    version.prompt = generation.instruction;
    version.code = code;
    version.model = result.model.empty() ? generation.endpoint.model : result.model;
    version.endpoint_label = generation.endpoint.label;
    version.stats = statsOf(generation);
    generation.phase = GenerationPhase::Finished;
    app.draft.reset();
    internal::clearSentPrompt(app, generation.project_id, generation.instruction);
    whenWritable(app, [&app, version] {
        guarded(app, [&] { app.generation.new_version = internal::addVersion(app, version); });
    });
    // A hand edit sent with the follow-up is in the new version: it is no longer kept.
    if (generation.base_number != 0) {
        internal::forgetCodeEdit(app, generation.project_id, generation.base_number, generation.base_code);
    }
}

// The answer settled: a new version, a whole-file retry after failed edits, or a draft.
void conclude(App& app) {
    Generation& generation = app.generation;
    const codegen::StreamResult& result = generation.decoder.result();
    switch (result.status) {
        case codegen::StreamStatus::Streaming:
            return;
        case codegen::StreamStatus::Failed:
            endWithDraft(app, GenerationPhase::Failed, result.error, false);
            return;
        case codegen::StreamStatus::Truncated:
            endWithDraft(app, GenerationPhase::Truncated, result.error, true);
            return;
        case codegen::StreamStatus::Done:
            break;
    }
    if (result.finish_reason == "length") {
        endWithDraft(app, GenerationPhase::Truncated,
                     "The answer stopped at the model's output limit (a higher \"Max tokens\" in Settings avoids "
                     "it).",
                     true);
        return;
    }
    const std::string answer = answerSoFar(generation);
    if (!generation.base_code.empty() && codegen::hasEditBlocks(answer)) {
        const codegen::EditResult edited = codegen::applyEditAnswer(generation.base_code, answer);
        if (edited.ok) {
            storeResult(app, edited.code);
        } else if (!generation.whole_file_retry) {
            generation.whole_file_retry = true;
            generation.retry_reason = edited.message;
            generation.earlier_answer.clear();
            generation.code.clear();
            generation.messages = codegen::wholeFileRetryMessages(app.system_prompt, generation.base_code,
                                                                  generation.instruction, edited.message);
            beginRequest(app);
        } else {
            endWithDraft(app, GenerationPhase::Failed,
                         "The model's edits did not apply, even when asked again (" + edited.message +
                             "). Nothing was changed; try rewording the request.",
                         false);
        }
        return;
    }
    const codegen::ExtractedCode extracted = codegen::extractCode(answer);
    if (!extracted.found) {
        endWithDraft(app, GenerationPhase::Failed, "The answer held no HTML app; try asking again, or another model.",
                     false);
        return;
    }
    storeResult(app, extracted.code);
}

void startGeneration(App& app, const std::string& instruction) {
    app.error.clear();
    app.draft.reset();
    Generation next;
    next.serial = app.generation.serial;
    next.instruction = instruction;
    next.project_id = app.open->project.id;
    const bool follow_up = app.open->selected > 0 && !app.open->code.empty();
    if (follow_up) {
        next.base_code = app.open->code;
        for (const store::VersionSummary& version : app.open->versions) {
            if (version.number == app.open->selected) next.base_version_id = version.id;
        }
        next.base_number = app.open->selected;
        next.messages = codegen::followUpMessages(app.system_prompt, next.base_code, instruction);
    } else {
        next.messages = codegen::firstPromptMessages(app.system_prompt, instruction);
    }
    app.generation = std::move(next);
    beginRequest(app);
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Actions
// ---------------------------------------------------------------------------------------------

void sendPrompt(App& app) {
    keepPrompt(app, true);  // kept until its version is made: a tab closed meanwhile keeps it
    sendInstruction(app, std::string(codegen::trim(app.prompt)));
}

void sendInstruction(App& app, const std::string& instruction) {
    if (app.generation.phase == GenerationPhase::Running) return;
    if (instruction.empty()) {
        app.error = "Type what the app should be (or what should change), then send.";
        return;
    }
    // Its result could not be stored: refused before any request is paid for.
    if (refuseReadOnly(app)) return;
    if (!app.settings.saved || app.settings.endpoint.base_url.empty() || app.settings.endpoint.model.empty()) {
        app.error =
            "Kiln needs a model endpoint to write code: open Settings (in the status bar), choose an "
            "endpoint and a model, and save.";
        return;
    }
    if (!app.http || !app.store) {
        app.error = "Kiln cannot send requests here.";
        return;
    }
    if (const RetryWait wait = retryWait(app, nowMs(app)); wait.seconds > 0) {
        app.error = "The endpoint asked Kiln to wait before trying again: send again in " +
                    std::to_string(wait.seconds) + " s.";
        return;
    }
    // With no project open, the prompt gets one of its own; an untitled one with no version yet is
    // named after it. Both are writes, so they wait their turn among the tabs; the request goes
    // out once the project is ready.
    if (!app.open || (app.open->versions.empty() && internal::isUntitledName(app.open->project.name))) {
        whenWritable(app, [&app, instruction] {
            bool ready = false;
            guarded(app, [&] {
                const std::string name = internal::nameFromPrompt(instruction);
                if (!app.open) {
                    const store::Project project = app.store->createProject(name);
                    // The start page's text is this project's prompt now: it moves with it.
                    if (app.prompt_owner == "") app.store->setSetting(promptKey(""), "");
                    app.prompt_owner = project.public_id;
                    app.prompt_kept.clear();
                    internal::loadProject(app, project, 0);
                    keepPrompt(app, true);
                } else {
                    app.store->renameProject(app.open->project.id, name);
                    app.open->project = *app.store->getProject(app.open->project.id);
                }
                ready = true;
            });
            refreshProjects(app);
            if (ready) startGeneration(app, instruction);
        });
        return;
    }
    startGeneration(app, instruction);
}

RetryWait retryWait(const App& app, int64_t now_ms) {
    const int64_t left_ms = app.retry_not_before_ms - now_ms;
    if (left_ms <= 0) return {};
    const int64_t seconds = (left_ms + 999) / 1000;
    return {seconds, left_ms - (seconds - 1) * 1000};
}

void stopGeneration(App& app) {
    Generation& generation = app.generation;
    if (generation.phase != GenerationPhase::Running) return;
    app.http->abort(generation.request_id);
    generation.decoder.fail("Stopped.", nowMs(app));
    endWithDraft(app, GenerationPhase::Stopped, "You stopped the generation.", false);
}

void continueDraft(App& app) {
    Generation& generation = app.generation;
    if (!app.draft || !app.draft->can_continue || generation.phase != GenerationPhase::Truncated) return;
    if (refuseReadOnly(app)) return;
    const std::string answer = answerSoFar(generation);
    generation.messages.push_back({"assistant", answer});
    generation.messages.push_back(
        {"user",
         "Your answer was cut off. Continue exactly where it stopped: do not repeat anything already "
         "written and do not start over."});
    generation.earlier_answer = answer;
    app.draft.reset();
    beginRequest(app);
}

void keepDraft(App& app) {
    if (!app.draft || !app.store || refuseReadOnly(app)) return;  // the draft stays shown
    const Draft draft = *app.draft;
    const store::GenerationStats stats = statsOf(app.generation);
    app.draft.reset();
    app.generation.phase = GenerationPhase::Idle;
    app.generation.message.clear();
    store::NewVersion version;
    version.project_id = app.generation.project_id;
    version.parent_id = app.generation.base_version_id;
    version.prompt = "Draft: " + draft.instruction;
    version.code = draft.code;
    version.model = app.generation.endpoint.model;
    version.endpoint_label = app.generation.endpoint.label;
    version.stats = stats;
    whenWritable(app, [&app, version] { guarded(app, [&] { internal::addVersion(app, version); }); });
}

void discardDraft(App& app) {
    app.draft.reset();
    if (app.generation.phase != GenerationPhase::Running) {
        app.generation.phase = GenerationPhase::Idle;
        app.generation.message.clear();
    }
}

void checkGenerationStall(App& app) {
    Generation& generation = app.generation;
    if (generation.phase != GenerationPhase::Running) return;
    const int64_t now = nowMs(app);
    if (now - generation.last_bytes_ms < app.settings.stall_seconds * 1000) return;
    app.http->abort(generation.request_id);
    generation.decoder.fail(codegen::connectionErrorMessage(codegen::ConnectionFailure::Stalled, generation.endpoint,
                                                            app.origin, app.settings.stall_seconds),
                            now);
    conclude(app);
}

// ---------------------------------------------------------------------------------------------
// Stats and snapshot
// ---------------------------------------------------------------------------------------------

std::string generationStatsLine(const Generation& generation, int64_t now_ms) {
    const codegen::StreamResult& result = generation.decoder.result();
    // Nothing to count: idle, or an answer that ended before its first token.
    if (generation.phase != GenerationPhase::Running && !result.ttft_ms) return "";
    const int64_t elapsed =
        generation.phase == GenerationPhase::Running ? now_ms - generation.started_ms : result.elapsed_ms;
    char line[160];
    std::string ttft = result.ttft_ms ? std::to_string(*result.ttft_ms) + " ms" : std::string("…");
    // "—" until the rate can be measured; one decimal only where it matters (a slow local model).
    const double rate = codegen::tokensPerSecond(result);
    char speed[32] = "—";
    if (rate > 0) std::snprintf(speed, sizeof speed, rate < 10 ? "%.1f" : "%.0f", rate);
    std::snprintf(line, sizeof line, "First token %s · %.1f s · %lld tokens out · %s tokens/s", ttft.c_str(),
                  static_cast<double>(elapsed) / 1000.0, static_cast<long long>(codegen::outputTokens(result)), speed);
    std::string text = line;
    if (result.prompt_tokens) text += " · " + std::to_string(*result.prompt_tokens) + " tokens in";
    return text;
}

nlohmann::json generationSnapshot(const App& app) {
    const Generation& generation = app.generation;
    const codegen::StreamResult& result = generation.decoder.result();
    nlohmann::json draft = nullptr;
    if (app.draft) {
        draft = {{"instruction", app.draft->instruction},
                 {"code_bytes", app.draft->code.size()},
                 {"reason", app.draft->reason},
                 {"can_continue", app.draft->can_continue}};
    }
    const EndpointSettings& settings = app.settings;
    nlohmann::json key_origins = nlohmann::json::array();
    for (const auto& [origin, key] : settings.keys) key_origins.push_back(origin);
    return {
        {"generation",
         {{"phase", generation.phase},
          {"instruction", generation.instruction},
          {"code_bytes", generation.code.size()},
          {"reasoning_bytes", result.reasoning.size()},
          {"ttft_ms", optionalJson(result.ttft_ms)},
          {"elapsed_ms", result.elapsed_ms},
          {"tokens_out", codegen::outputTokens(result)},
          {"tokens_in", optionalJson(result.prompt_tokens)},
          {"tokens_per_second", codegen::tokensPerSecond(result)},
          {"finish_reason", result.finish_reason},
          {"http_status", generation.http_status},
          {"message", generation.message},
          {"whole_file_retry", generation.whole_file_retry},
          {"retry_reason", generation.retry_reason},
          {"new_version", generation.new_version},
          {"requests", generation.serial}}},
        {"draft", draft},
        {"settings",
         {{"saved", settings.saved},
          {"preset", settings.endpoint.preset},
          {"label", settings.endpoint.label},
          {"base_url", settings.endpoint.base_url},
          {"model", settings.endpoint.model},
          {"temperature", optionalJson(settings.temperature)},
          {"max_tokens", optionalJson(settings.max_tokens)},
          {"stall_seconds", settings.stall_seconds},
          {"has_key", !settings.endpoint.api_key.empty()},
          {"key_origin", settings.key_origin},
          {"key_origins", key_origins},
          {"key_usable", keyUsable(app, settings)}}},
        {"models", app.models},
        {"connection_test",
         {{"running", app.connection_test.outcome == ConnectionTest::Outcome::Running},
          {"ok", app.connection_test.outcome == ConnectionTest::Outcome::Passed},
          {"message", app.connection_test.message}}},
    };
}

}  // namespace kiln::app
