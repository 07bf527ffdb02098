// Index
//   Presets and endpoints
//   Messages
//   HTTP requests
//   Failures    error bodies, HTTP statuses, Retry-After, connection failures
#include "core/codegen/request.h"

#include <algorithm>

#include "core/codegen/text.h"
#include "core/codegen/utf8.h"

namespace kiln::codegen {

namespace {

bool startsWith(std::string_view text, std::string_view prefix) {
    return text.substr(0, prefix.size()) == prefix;
}

bool endsWith(std::string_view text, std::string_view suffix) {
    return text.size() >= suffix.size() && text.substr(text.size() - suffix.size()) == suffix;
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Presets and endpoints
// ---------------------------------------------------------------------------------------------

const std::vector<Preset>& presets() {
    static const std::vector<Preset> kPresets = {
        {PresetKind::OpenAI, "OpenAI", "https://api.openai.com/v1", "gpt-4.1-mini",
         "https://platform.openai.com/api-keys", false, "max_completion_tokens"},
        {PresetKind::Anthropic, "Anthropic", "https://api.anthropic.com/v1", "claude-sonnet-4-5",
         "https://console.anthropic.com/settings/keys", false, "max_tokens"},
        {PresetKind::Cerebras, "Cerebras", "https://api.cerebras.ai/v1", "gpt-oss-120b", "https://cloud.cerebras.ai",
         false, "max_tokens"},
        {PresetKind::Groq, "Groq", "https://api.groq.com/openai/v1", "openai/gpt-oss-120b",
         "https://console.groq.com/keys", false, "max_tokens"},
        {PresetKind::OpenRouter, "OpenRouter", "https://openrouter.ai/api/v1", "openrouter/auto",
         "https://openrouter.ai/keys", false, "max_tokens"},
        {PresetKind::Ollama, "Ollama", "http://localhost:11434/v1", "qwen2.5-coder", "", true, "max_tokens"},
        {PresetKind::LmStudio, "LM Studio", "http://localhost:1234/v1", "", "", true, "max_tokens"},
        {PresetKind::Custom, "Custom", "", "", "", false, "max_tokens"},
    };
    return kPresets;
}

const Preset& presetFor(PresetKind kind) {
    for (const Preset& preset : presets())
        if (preset.kind == kind) return preset;
    return presets().back();
}

Endpoint endpointFromPreset(PresetKind kind) {
    const Preset& preset = presetFor(kind);
    Endpoint endpoint;
    endpoint.label = preset.name;
    endpoint.preset = kind;
    endpoint.base_url = preset.base_url;
    endpoint.model = preset.suggested_model;
    return endpoint;
}

std::string normalizeBaseUrl(std::string_view base_url) {
    std::string_view url = trim(base_url);
    while (endsWith(url, "/")) url.remove_suffix(1);
    if (endsWith(url, "/chat/completions")) url.remove_suffix(std::string_view("/chat/completions").size());
    while (endsWith(url, "/")) url.remove_suffix(1);
    return std::string(url);
}

// ---------------------------------------------------------------------------------------------
// Messages
// ---------------------------------------------------------------------------------------------

namespace {

// A Markdown fence longer than any run of backticks in code, so the code cannot close it.
std::string fenceFor(std::string_view code) {
    size_t longest = 0;
    size_t run = 0;
    for (char c : code) {
        run = c == '`' ? run + 1 : 0;
        longest = std::max(longest, run);
    }
    return std::string(std::max<size_t>(3, longest + 1), '`');
}

std::string currentCodeAndInstruction(std::string_view code, std::string_view instruction) {
    const std::string fence = fenceFor(code);
    std::string text = "This is the current code of the app:\n\n";
    text += fence + "html\n";
    text += code;
    if (!code.empty() && code.back() != '\n') text += '\n';
    text += fence + "\n\nChange it as follows:\n\n";
    text += instruction;
    return text;
}

}  // namespace

std::vector<ChatMessage> firstPromptMessages(std::string_view system_prompt, std::string_view prompt) {
    return {{"system", std::string(system_prompt)}, {"user", std::string(prompt)}};
}

std::vector<ChatMessage> followUpMessages(std::string_view system_prompt, std::string_view code,
                                          std::string_view instruction) {
    return {{"system", std::string(system_prompt)},
            {"user", currentCodeAndInstruction(code, instruction) +
                         "\n\nAnswer with edit blocks if the change is small, or with the whole updated file."}};
}

std::vector<ChatMessage> wholeFileRetryMessages(std::string_view system_prompt, std::string_view code,
                                                std::string_view instruction, std::string_view why_edits_failed) {
    std::string request = currentCodeAndInstruction(code, instruction);
    request += "\n\nYour edit blocks for this change could not be applied: ";
    request += why_edits_failed;
    request += "\nAnswer with the whole updated file in one ```html block, and no edit blocks.";
    return {{"system", std::string(system_prompt)}, {"user", std::move(request)}};
}

// ---------------------------------------------------------------------------------------------
// HTTP requests
// ---------------------------------------------------------------------------------------------

namespace {

std::vector<std::pair<std::string, std::string>> endpointHeaders(const Endpoint& endpoint) {
    std::vector<std::pair<std::string, std::string>> headers;
    if (!endpoint.api_key.empty())
        headers.emplace_back("Authorization", "Bearer " + std::string(trim(endpoint.api_key)));
    if (endpoint.preset == PresetKind::Anthropic)
        headers.emplace_back("anthropic-dangerous-direct-browser-access", "true");
    return headers;
}

}  // namespace

HttpRequest chatRequest(const Endpoint& endpoint, const std::vector<ChatMessage>& messages,
                        const GenerationOptions& options) {
    // ordered_json keeps the fields in a readable order for anyone inspecting the request.
    nlohmann::ordered_json body;
    body["model"] = endpoint.model;
    nlohmann::ordered_json& list = body["messages"] = nlohmann::ordered_json::array();
    for (const ChatMessage& message : messages) list.push_back({{"role", message.role}, {"content", message.content}});
    body["stream"] = options.stream;
    if (options.stream) body["stream_options"] = {{"include_usage", true}};
    if (options.temperature) body["temperature"] = *options.temperature;
    if (options.max_tokens) body[std::string(presetFor(endpoint.preset).max_tokens_field)] = *options.max_tokens;

    HttpRequest request;
    request.method = "POST";
    request.url = normalizeBaseUrl(endpoint.base_url) + "/chat/completions";
    request.headers = endpointHeaders(endpoint);
    request.headers.emplace_back("Content-Type", "application/json");
    request.body = body.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
    return request;
}

HttpRequest modelsRequest(const Endpoint& endpoint) {
    HttpRequest request;
    request.method = "GET";
    request.url = normalizeBaseUrl(endpoint.base_url) + "/models";
    request.headers = endpointHeaders(endpoint);
    return request;
}

std::vector<std::string> parseModelList(std::string_view body) {
    std::vector<std::string> ids;
    const nlohmann::json json = nlohmann::json::parse(body, nullptr, false);
    if (!json.is_object() || !json.contains("data") || !json["data"].is_array()) return ids;
    for (const nlohmann::json& model : json["data"])
        if (model.is_object() && model.contains("id") && model["id"].is_string()) ids.push_back(model["id"]);
    std::sort(ids.begin(), ids.end());
    ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
    return ids;
}

// ---------------------------------------------------------------------------------------------
// Failures
// ---------------------------------------------------------------------------------------------

namespace {

constexpr size_t kDetailLimit = 300;

// One line of readable text: valid UTF-8, whitespace and control characters folded into single
// spaces, cut to about kDetailLimit bytes at a character boundary.
std::string oneLine(std::string_view text) {
    std::string valid;
    appendReplacingInvalidUtf8(text, valid);
    std::string line;
    bool space = false;
    for (size_t pos = 0; pos < valid.size();) {
        const auto c = static_cast<unsigned char>(valid[pos]);
        if (c < 0x20 || c == 0x7F || c == ' ') {
            space = !line.empty();
            ++pos;
            continue;
        }
        const int length = c < 0x80 ? 1 : utf8SequenceLength(valid, pos);
        if (line.size() + length > kDetailLimit) {
            line += "\xE2\x80\xA6";  // …
            return line;
        }
        if (space) line += ' ';
        space = false;
        line.append(valid, pos, length);
        pos += length;
    }
    return line;
}

std::string quote(std::string_view text) {
    return "\"" + oneLine(text) + "\"";
}

// The text inside the first <tag ...>...</tag> of an HTML page, without inner tags.
std::string htmlElementText(std::string_view html, std::string_view tag) {
    const size_t open = findNoCase(html, "<" + std::string(tag));
    if (open == std::string_view::npos) return {};
    const size_t start = html.find('>', open);
    if (start == std::string_view::npos) return {};
    const size_t end = findNoCase(html, "</" + std::string(tag), start);
    const std::string_view inner = html.substr(start + 1, end == std::string_view::npos ? 200 : end - start - 1);
    std::string text;
    bool in_tag = false;
    for (char c : inner) {
        if (c == '<') in_tag = true;
        if (!in_tag) text += c;
        if (c == '>') in_tag = false;
    }
    return oneLine(text);
}

// The message of the error JSON shapes endpoints use: OpenAI {"error": {"message"}}, Ollama and
// LM Studio {"error": "..."}, vLLM {"message"}, FastAPI {"detail": "..."} or {"detail": [{"msg"}]}.
std::string jsonErrorText(const nlohmann::json& json) {
    const auto text = [](const nlohmann::json& value) {
        return value.is_string() ? value.get<std::string>() : std::string();
    };
    if (!json.is_object()) return {};
    if (json.contains("error")) {
        const nlohmann::json& error = json["error"];
        if (error.is_string()) return error;
        if (error.is_object()) {
            for (const char* key : {"message", "type", "code"})
                if (error.contains(key) && !text(error[key]).empty()) return error[key];
            if (error.contains("code") && error["code"].is_number()) return "code " + error["code"].dump();
        }
    }
    if (json.contains("message") && !text(json["message"]).empty()) return json["message"];
    if (json.contains("detail")) {
        const nlohmann::json& detail = json["detail"];
        if (detail.is_string()) return detail;
        if (detail.is_array() && !detail.empty() && detail[0].is_object() && detail[0].contains("msg"))
            return text(detail[0]["msg"]);
    }
    return {};
}

bool looksLikeHtml(std::string_view body) {
    const std::string_view text = trim(body);
    return startsWith(text, "<") || findNoCase(text.substr(0, 1024), "<html") != std::string_view::npos;
}

std::string waitPhrase(int64_t seconds) {
    if (seconds >= 120) return std::to_string((seconds + 59) / 60) + " minutes";
    return std::to_string(seconds) + (seconds == 1 ? " second" : " seconds");
}

}  // namespace

std::string errorBodyDetail(std::string_view body) {
    const std::string_view text = trim(body);
    if (text.empty()) return "an empty answer";
    if (looksLikeHtml(text)) {
        std::string title = htmlElementText(text, "title");
        if (title.empty()) title = htmlElementText(text, "h1");
        return title.empty() ? "a web page" : "a web page titled " + quote(title);
    }
    if (text.front() == '{') {
        const nlohmann::json json = nlohmann::json::parse(text, nullptr, false);
        const std::string message = jsonErrorText(json);
        if (!message.empty()) return quote(message);
    }
    const size_t line_end = text.find_first_of("\r\n");
    return quote(text.substr(0, line_end));
}

std::string httpErrorMessage(int status, std::string_view body, std::optional<int64_t> retry_after_seconds) {
    std::string lead;
    std::string next;
    const std::string retry = retry_after_seconds ? "Try again in " + waitPhrase(*retry_after_seconds) + "."
                                                  : "Wait a moment, then try again.";
    switch (status) {
        case 400:
            lead = "The endpoint rejected the request";
            next =
                "Check the model name, and the temperature and max tokens in Settings: the model may not accept them.";
            break;
        case 401:
            lead = "The endpoint refused the API key";
            next = "Check the key in Settings: it may be mistyped, revoked, or meant for another endpoint.";
            break;
        case 403:
            lead = "The endpoint denied access";
            next =
                "The key may lack access to this model, or the account may need billing set up. Check the key "
                "and the model in Settings.";
            break;
        case 404:
            lead = "The endpoint does not know this model or address";
            next = "Check the model name and the base URL in Settings (the base URL usually ends in /v1).";
            break;
        case 408:
            lead = "The endpoint timed out waiting for the request";
            next = "Try again.";
            break;
        case 413:
            lead = "The request is too large for the endpoint";
            next =
                "The app's code and your instruction exceed what it accepts: try a model with a larger context "
                "window, or make the app smaller.";
            break;
        case 429: {
            lead = "The endpoint is limiting requests";
            const std::string detail = errorBodyDetail(body);
            const bool quota = findNoCase(detail, "quota") != std::string::npos ||
                               findNoCase(detail, "billing") != std::string::npos ||
                               findNoCase(detail, "credit") != std::string::npos;
            next = quota ? "Your quota or credit seems used up: check the plan and billing of this key." : retry;
            break;
        }
        case 500:
            lead = "The endpoint had an internal error";
            next = "Try again in a moment; if it keeps failing, try another model.";
            break;
        case 502:
            lead = "A gateway between Kiln and the model failed";
            next = "Try again in a moment.";
            break;
        case 503:
        case 529:
            lead = "The endpoint is overloaded or down for maintenance";
            next = retry;
            break;
        case 504:
            lead = "A gateway between Kiln and the model timed out";
            next = "Try again in a moment; a shorter request or a faster model may help.";
            break;
        default:
            if (status >= 400 && status < 500) {
                lead = "The endpoint refused the request";
                next = "Check the base URL, the key and the model in Settings.";
            } else if (status >= 500) {
                lead = "The endpoint failed";
                next = "Try again in a moment.";
            } else {
                lead = "The endpoint answered with something other than a completion";
                next = "Check the base URL in Settings: it should be an OpenAI-compatible API, usually ending in /v1.";
            }
            break;
    }
    std::string message = lead + " (HTTP " + std::to_string(status) + ")";
    if (!trim(body).empty()) message += ": it answered with " + errorBodyDetail(body);
    if (looksLikeHtml(body)) message += ", so a proxy or a wrong base URL answered instead of the API";
    return message + ". " + next;
}

std::optional<int64_t> parseRetryAfter(std::string_view value, int64_t now_unix_ms) {
    value = trim(value);
    if (value.empty()) return std::nullopt;
    if (value.find_first_not_of("0123456789") == std::string_view::npos) {
        if (value.size() > 9) return int64_t{999'999'999};
        return std::stoll(std::string(value));
    }
    // IMF-fixdate: "Sun, 06 Nov 1994 08:49:37 GMT", exactly 29 characters.
    static constexpr std::string_view kMonths = "JanFebMarAprMayJunJulAugSepOctNovDec";
    if (value.size() != 29 || value.substr(3, 2) != ", " || value.substr(25) != " GMT") return std::nullopt;
    const auto number = [&](size_t pos, size_t length) -> int64_t {
        int64_t n = 0;
        for (size_t i = pos; i < pos + length; ++i) {
            if (value[i] < '0' || value[i] > '9') return -1;
            n = n * 10 + (value[i] - '0');
        }
        return n;
    };
    const int64_t day = number(5, 2), year = number(12, 4), hour = number(17, 2), minute = number(20, 2),
                  second = number(23, 2);
    const size_t month_index = kMonths.find(value.substr(8, 3));
    if (day < 1 || day > 31 || year < 0 || hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 ||
        second > 60 || month_index == std::string_view::npos || month_index % 3 != 0 || value[7] != ' ' ||
        value[11] != ' ' || value[16] != ' ' || value[19] != ':' || value[22] != ':')
        return std::nullopt;
    // Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil).
    const int64_t month = static_cast<int64_t>(month_index / 3) + 1;
    const int64_t y = year - (month <= 2 ? 1 : 0);
    const int64_t era = y / 400;
    const int64_t year_of_era = y - era * 400;
    const int64_t day_of_year = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
    const int64_t day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    const int64_t days = era * 146097 + day_of_era - 719468;
    const int64_t at_ms = ((days * 24 + hour) * 60 + minute) * 60'000 + second * 1000;
    return std::max<int64_t>(0, (at_ms - now_unix_ms + 999) / 1000);
}

namespace {

// "host:port" of a URL, or the URL itself when it has no "scheme://".
std::string_view hostOf(std::string_view url) {
    const size_t scheme_end = url.find("://");
    if (scheme_end == std::string_view::npos) return url;
    const std::string_view rest = url.substr(scheme_end + 3);
    return rest.substr(0, rest.find_first_of("/?#"));
}

bool isLoopbackHost(std::string_view host) {
    // Without the port; an IPv6 literal keeps its brackets.
    const std::string_view name =
        startsWith(host, "[") ? host.substr(0, host.find(']') + 1) : host.substr(0, host.find(':'));
    return name == "localhost" || startsWith(name, "127.") || name == "[::1]" || endsWith(name, ".localhost");
}

}  // namespace

std::string connectionErrorMessage(ConnectionFailure failure, const Endpoint& endpoint, std::string_view kiln_origin,
                                   int64_t stalled_seconds) {
    const std::string base_url = normalizeBaseUrl(endpoint.base_url);
    const std::string host(hostOf(base_url));
    switch (failure) {
        case ConnectionFailure::Dropped:
            return "The connection to " + host + " broke while the answer was arriving; try again.";
        case ConnectionFailure::Stalled:
            return host + " sent nothing for " + waitPhrase(stalled_seconds) +
                   ", so Kiln stopped waiting; try again, or another model if the endpoint is busy.";
        case ConnectionFailure::Unreachable:
            break;
    }
    std::string message = "Kiln could not reach " + (host.empty() ? std::string("the endpoint") : host) +
                          ": nothing answered there, or it refused a request from this page (CORS). ";
    const bool loopback = isLoopbackHost(host);
    const std::string origin = kiln_origin.empty() ? std::string("Kiln's address") : std::string(kiln_origin);
    if (startsWith(kiln_origin, "https://") && startsWith(base_url, "http://") && !loopback) {
        message +=
            "This page is served over HTTPS, and browsers block its calls to plain http:// addresses "
            "other than localhost: use an https:// base URL.";
    } else if (endpoint.preset == PresetKind::Ollama) {
        message += "Check that Ollama is running and allows this page: start it with OLLAMA_ORIGINS=" + origin +
                   " (for example `OLLAMA_ORIGINS=" + origin + " ollama serve`).";
    } else if (endpoint.preset == PresetKind::LmStudio) {
        message += "Check that LM Studio's server is running (Developer tab) with \"Enable CORS\" switched on.";
    } else if (endpoint.preset == PresetKind::Custom) {
        message += "Check the base URL in Settings and that the server is running; it must allow requests from " +
                   origin + " (Access-Control-Allow-Origin).";
    } else {
        message += "Check your network connection and the base URL in Settings.";
    }
    return message;
}

}  // namespace kiln::codegen
