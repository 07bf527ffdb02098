// Kiln: code generation as app state and actions. A prompt goes out as a chat request through an
// HttpClient (the browser's fetch in the app, a fake in tests); the answer's bytes come back
// through its callbacks and become streamed code, live stats, and in the end a new version, or a
// draft with a message that says what happened.
//
// Index
//   HttpClient           the HTTP stream the platform provides
//   OriginOf             the URL parser the platform provides (the browser's)
//   EndpointSettings     the endpoint, options and keys (one per origin), kept in the settings table
//   Generation, Draft    what is running, and what a failed or cut answer left behind
//   Settings actions     load, save, the key's origin, test connection
//   Generation actions   send (and the Retry-After wait), stop, continue, keep or discard the
//                        draft, stall checks
//   generationSnapshot   JSON for tests
//
// Keys are kept per origin (scheme, host, port) of the base URL they were entered for, and origins
// come from the browser's URL parser (new URL(url).origin), never from string handling of Kiln's
// own: a key goes only with requests to its origin, and the fetch that sends it checks that again
// (web/js/fetch_stream.js). Moving the base URL to another origin uses that origin's key, if one
// was saved for it, else none.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/codegen/request.h"
#include "core/codegen/stream_decoder.h"

namespace kiln::app {

struct App;

// ---- HttpClient ------------------------------------------------------------------------------

using HttpHeaders = std::vector<std::pair<std::string, std::string>>;

enum class HttpFailure {
    Unreachable,  // no response at all: host down, DNS, CORS refused (the browser does not say which)
    Dropped,      // the body broke off after the response started
    Refused,      // not sent: it carries a key and its URL is not on the key's origin (detail says so)
};

// One request's events, in this order: response (once), data (any number), then end or failed.
struct HttpCallbacks {
    std::function<void(int status, const HttpHeaders& headers)> response;  // names in lower case
    std::function<void(std::string_view bytes)> data;
    std::function<void()> end;
    std::function<void(HttpFailure failure, const std::string& detail)> failed;
};

class HttpClient {
public:
    virtual ~HttpClient() = default;
    // Starts request; returns its id. Callbacks come later, never from inside send(). A request
    // with a key_origin (one that carries a key) goes only if its URL's origin is that one, and
    // never follows a redirect; otherwise it fails with Refused.
    virtual uint64_t send(const codegen::HttpRequest& request, HttpCallbacks callbacks) = 0;
    // Aborts a request: no callback of it is called from then on.
    virtual void abort(uint64_t id) = 0;
};

// ---- OriginOf ------------------------------------------------------------------------------

// The origin of a URL as the browser's URL parser has it (new URL(url).origin: "https://host" or
// "http://host:port"), or "" for a string that is not an absolute http: or https: URL. The
// platform provides it (src/platform/web/url_origin.h); tests give a fake. Without one, no URL
// has an origin and no key is ever sent.
using OriginOf = std::function<std::string(const std::string& url)>;

// ---- Settings --------------------------------------------------------------------------------

struct EndpointSettings {
    codegen::Endpoint endpoint;  // api_key: the key in the key field, for key_origin
    std::optional<double> temperature;
    std::optional<int64_t> max_tokens;
    int64_t stall_seconds = 60;
    // The origin the key field belongs to: the base URL's, or "" while the base URL has none (a
    // key typed then is bound to the origin the base URL has when the settings are saved).
    std::string key_origin;
    std::map<std::string, std::string> keys;  // origin -> key: every key saved, the field's aside
    bool saved = false;                       // the user has set an endpoint up (else sending asks them to)
};

// The settings keys that hold secrets: left out of exports unless the user asks for them.
const std::vector<std::string>& secretSettingKeys();

// The origin of url by app.origin_of; "" without one.
std::string originOf(const App& app, const std::string& url);
// Moves the key field to the base URL's origin when that changed: the key in the field stays
// with the origin it was for, and the field takes the key saved for the new origin (or none).
// A key typed while the base URL had no origin stays in the field. Call after each edit of
// the base URL (the Settings popup does, each frame).
void followKeyOrigin(const App& app, EndpointSettings& settings);
// Whether the settings' key may be sent to their base URL: it is saved for that URL's origin.
bool keyUsable(const App& app, const EndpointSettings& settings);
// The endpoint as requests use it: without the key when the key is not usable there.
codegen::Endpoint requestEndpoint(const App& app, const EndpointSettings& settings);

// What "Test connection" found.
struct ConnectionTest {
    // None: not tried (or its message cleared); Passed: the endpoint answered and has the model.
    enum class Outcome { None, Running, Passed, Failed };
    Outcome outcome = Outcome::None;
    std::string message;
    uint64_t request_id = 0;
    uint64_t serial = 0;
};

// ---- Generation ------------------------------------------------------------------------------

// An answer is cut once the body of one request passes kMaxAnswerBodyBytes, or the text decoded
// from it (answer and reasoning, with what earlier requests of a continuation answered) passes
// kMaxAnswerTextBytes: the request is aborted, what arrived is kept as a draft, and the message
// says why. An endpoint that never ends, or sends megabytes, cannot fill memory. A real app is
// tens of kilobytes; a streamed token costs about 150 bytes of body.
constexpr size_t kMaxAnswerBodyBytes = 16 * 1024 * 1024;
constexpr size_t kMaxAnswerTextBytes = 1024 * 1024;

enum class GenerationPhase { Idle, Running, Finished, Failed, Stopped, Truncated };

NLOHMANN_JSON_SERIALIZE_ENUM(GenerationPhase, {{GenerationPhase::Idle, "idle"},
                                               {GenerationPhase::Running, "running"},
                                               {GenerationPhase::Finished, "finished"},
                                               {GenerationPhase::Failed, "failed"},
                                               {GenerationPhase::Stopped, "stopped"},
                                               {GenerationPhase::Truncated, "truncated"}})

struct Generation {
    GenerationPhase phase = GenerationPhase::Idle;
    uint64_t request_id = 0;
    std::string instruction;  // the prompt as the user typed it
    std::string base_code;    // the code a follow-up changes; empty for a first prompt
    std::optional<int64_t> base_version_id;
    int base_number = 0;                         // the number of that version
    std::vector<codegen::ChatMessage> messages;  // as sent (a continuation adds to them)
    std::string earlier_answer;                  // what earlier requests of a continuation answered
    bool whole_file_retry = false;               // edit blocks failed: this request asks for the whole file
    std::string retry_reason;                    // why, shown while the retry runs
    codegen::Endpoint endpoint;                  // the endpoint it went to (without the key)
    codegen::StreamDecoder decoder;
    int http_status = 0;
    size_t body_bytes = 0;  // of this request's body, so far
    std::optional<int64_t> retry_after_seconds;
    std::string error_body;  // a refusal's body, collected to explain it
    uint64_t serial = 0;     // which request the callbacks belong to (older ones are ignored)
    int64_t project_id = 0;
    int64_t started_ms = 0;
    int64_t last_bytes_ms = 0;
    std::string code;     // the code so far, extracted from the answer as it arrives
    std::string message;  // what happened, when it did not finish well
    int new_version = 0;  // the version it made, when finished
};

// What a failed, stopped or cut answer left: kept until the user keeps or discards it.
struct Draft {
    std::string instruction;
    std::string code;
    std::string reason;         // the message that went with it
    bool can_continue = false;  // the answer was cut: asking for the rest may finish it
};

// ---- Settings actions ------------------------------------------------------------------------

// Reads the endpoint settings and key from the store (defaults when none are kept).
void loadEndpointSettings(App& app);
// Keeps edited settings (after followKeyOrigin): the key field is saved for the base URL's origin
// (an empty field forgets that origin's key), with every other origin's key as edited. A key
// for a base URL with no origin (not an http(s) URL) is not kept.
// Stored as `endpoint`, `api_keys` ({origin: key}) and, for readers of earlier versions,
// `api_key` ({key, origin}: the base URL's key). A library with only `api_key` is read as one
// key for its origin.
void saveEndpointSettings(App& app, const EndpointSettings& edited);
// Forgets the key saved for origin.
void forgetKey(App& app, const std::string& origin);
// Asks the endpoint of `edited` for its models: fills app.models and app.connection_test.
void testConnection(App& app, const EndpointSettings& edited);

// ---- Generation actions ----------------------------------------------------------------------

// Sends the prompt box: a first prompt of the open project (creating one if none is open) asks
// for a whole app; a follow-up sends the shown code and the instruction. Refused with a message
// while another generation runs, without an endpoint, or before a Retry-After has passed.
void sendPrompt(App& app);
// The same for `instruction` instead of the prompt box, which keeps what is typed in it.
void sendInstruction(App& app, const std::string& instruction);

// What is left at now_ms of the wait a 429 or 503 asked for with Retry-After: the whole seconds
// (rounded up; 0 once a prompt may be sent), and the milliseconds until that number goes down
// (0 when it is 0), when a countdown shown on screen must be drawn again.
struct RetryWait {
    int64_t seconds = 0;
    int64_t next_change_ms = 0;
};
RetryWait retryWait(const App& app, int64_t now_ms);
// Aborts the running generation; what arrived becomes a draft.
void stopGeneration(App& app);
// Asks the endpoint to go on from where the draft's answer was cut.
void continueDraft(App& app);
// Stores the draft as a new version ("Draft: <instruction>").
void keepDraft(App& app);
void discardDraft(App& app);
// Checks the running generation for a stall (no bytes for the stall timeout). Call now and then.
void checkGenerationStall(App& app);
// The live figures in a few words for the status bar: time to first token, elapsed time (until
// now_ms while running), tokens in and out, tokens per second; empty when no token arrived.
std::string generationStatsLine(const Generation& generation, int64_t now_ms);

nlohmann::json generationSnapshot(const App& app);

}  // namespace kiln::app
