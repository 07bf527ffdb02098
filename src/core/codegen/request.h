// Kiln: what goes to an OpenAI-compatible endpoint, and what its refusals mean in words.
//
// Index
//   PresetKind, Preset, presets()    the endpoints Kiln knows: base URL, key page, request quirks
//   Endpoint                         one configured endpoint
//   Messages                         first prompt, follow-up, and the retry that asks for the whole file
//   HttpRequest                      chatRequest, modelsRequest, parseModelList
//   Failures                         httpErrorMessage, parseRetryAfter, errorBodyDetail, connectionErrorMessage
//
// Anthropic: its OpenAI SDK compatibility layer is https://api.anthropic.com/v1/ with the key as
// a Bearer token (the OpenAI SDKs send it so); stream_options and max_tokens are supported and a
// temperature above 1 is capped at 1. Calls from a browser page must also carry
// `anthropic-dangerous-direct-browser-access: true`, the header Anthropic's own SDK sends when
// told to allow browser use; without it the API refuses cross-origin requests.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace kiln::codegen {

// ---------------------------------------------------------------------------------------------
// Presets and endpoints
// ---------------------------------------------------------------------------------------------

enum class PresetKind { OpenAI, Anthropic, Cerebras, Groq, OpenRouter, Ollama, LmStudio, Custom };

NLOHMANN_JSON_SERIALIZE_ENUM(PresetKind, {{PresetKind::Custom, "custom"},
                                          {PresetKind::OpenAI, "openai"},
                                          {PresetKind::Anthropic, "anthropic"},
                                          {PresetKind::Cerebras, "cerebras"},
                                          {PresetKind::Groq, "groq"},
                                          {PresetKind::OpenRouter, "openrouter"},
                                          {PresetKind::Ollama, "ollama"},
                                          {PresetKind::LmStudio, "lmstudio"}})

struct Preset {
    PresetKind kind;
    std::string_view name;              // shown in Settings, and the default label
    std::string_view base_url;          // empty for Custom
    std::string_view suggested_model;   // a starting point; the endpoint's /models list is better
    std::string_view key_page;          // where to create a key; empty when none is needed
    bool runs_locally;                  // on the user's machine: no key, CORS set up by the user
    std::string_view max_tokens_field;  // "max_tokens", or "max_completion_tokens" where max_tokens is refused
};

// Every preset, in the order Settings lists them (Custom last).
const std::vector<Preset>& presets();
const Preset& presetFor(PresetKind kind);

struct Endpoint {
    std::string label;  // what the user calls it; stored with each version it generated
    PresetKind preset = PresetKind::Custom;
    std::string base_url;  // up to the API root, e.g. https://api.openai.com/v1
    std::string model;
    std::string api_key;  // may be empty (local servers)
};

// A new endpoint filled in from a preset (label, base URL, suggested model; no key).
Endpoint endpointFromPreset(PresetKind kind);

// The base URL as requests use it: trimmed, without trailing slashes, and without a pasted
// "/chat/completions" suffix.
std::string normalizeBaseUrl(std::string_view base_url);

// ---------------------------------------------------------------------------------------------
// Messages
// ---------------------------------------------------------------------------------------------

struct ChatMessage {
    std::string role;  // "system", "user" or "assistant"
    std::string content;
};

// The first request of a project: the system prompt and what the user asked for.
std::vector<ChatMessage> firstPromptMessages(std::string_view system_prompt, std::string_view prompt);

// A follow-up: the system prompt, then one user message with the current code and the
// instruction (one message, because some chat templates refuse two user turns in a row).
std::vector<ChatMessage> followUpMessages(std::string_view system_prompt, std::string_view code,
                                          std::string_view instruction);

// The automatic second try after edit blocks failed to apply: the follow-up, plus why the blocks
// failed and a request for the whole updated file.
std::vector<ChatMessage> wholeFileRetryMessages(std::string_view system_prompt, std::string_view code,
                                                std::string_view instruction, std::string_view why_edits_failed);

// ---------------------------------------------------------------------------------------------
// HTTP requests
// ---------------------------------------------------------------------------------------------

struct GenerationOptions {
    std::optional<double> temperature;  // left out of the request when empty (the model's default)
    std::optional<int64_t> max_tokens;  // likewise
    bool stream = true;
};

struct HttpRequest {
    std::string method;
    std::string url;
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;  // empty for GET
    // Set when the request carries a key (Authorization): the origin the key was saved for. The
    // HTTP client sends the request only to that origin, and without following redirects.
    std::string key_origin;
};

// The chat-completions request for messages: POST <base>/chat/completions with the JSON body
// (model, messages, stream, stream_options.include_usage when streaming, temperature and max
// tokens when set) and the endpoint's headers. Text that is not valid UTF-8 is sent with
// U+FFFD in its place rather than failing.
HttpRequest chatRequest(const Endpoint& endpoint, const std::vector<ChatMessage>& messages,
                        const GenerationOptions& options);

// GET <base>/models, with the same headers (for "Test connection" and the model list).
HttpRequest modelsRequest(const Endpoint& endpoint);

// The model ids in a /models answer ({"data": [{"id": ...}, ...]}), sorted; empty when the body
// is not such a list.
std::vector<std::string> parseModelList(std::string_view body);

// ---------------------------------------------------------------------------------------------
// Failures, in words with a next step
// ---------------------------------------------------------------------------------------------

// Why a request answered with a status that is not 2xx. body is the response body (an OpenAI-
// style error JSON, another JSON shape, an HTML page from a proxy, plain text, or empty);
// retry_after_seconds is the Retry-After header, parsed, when there was one.
std::string httpErrorMessage(int status, std::string_view body, std::optional<int64_t> retry_after_seconds = {});

// Parses a Retry-After header value: delta-seconds ("120") or an IMF-fixdate ("Wed, 21 Oct 2015
// 07:28:00 GMT", compared with now_unix_ms, wall-clock milliseconds since 1970). Returns the
// seconds to wait (0 for a date in the past), or nothing for a value it cannot read.
std::optional<int64_t> parseRetryAfter(std::string_view value, int64_t now_unix_ms);

// A short, one-line description of what an error body says, for messages: the error message of
// a JSON body, `a web page titled "..."` for HTML, or the first line of text, quoted. At most
// about 300 bytes, valid UTF-8, no control characters; "an empty answer" for an empty body.
std::string errorBodyDetail(std::string_view body);

enum class ConnectionFailure {
    Unreachable,  // fetch failed with no response: host down, DNS, CORS refused (browsers don't say which)
    Dropped,      // the connection broke while the answer streamed
    Stalled,      // no bytes arrived for the configured time
};

// Why a request failed without an HTTP status, with what to do for this kind of endpoint (for
// Ollama, the OLLAMA_ORIGINS setting that lets kiln_origin call it). stalled_seconds is the
// stall timeout, for Stalled.
std::string connectionErrorMessage(ConnectionFailure failure, const Endpoint& endpoint, std::string_view kiln_origin,
                                   int64_t stalled_seconds = 0);

}  // namespace kiln::codegen
