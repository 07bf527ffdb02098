// Kiln: turns the body of a chat-completions response into the answer, as its bytes arrive.
//
// Index
//   StreamStatus, StreamResult   what the decoder knows so far: text, reasoning, finish, usage, stats
//   outputTokens, tokensPerSecond
//   StreamDecoder                feed bytes, then finish (or fail); result() at any time
//
// The body is usually an OpenAI-style event stream ("data: {chunk}" events, then "data: [DONE]").
// Endpoints that ignore stream:true answer with one JSON object instead; the decoder tells the two
// apart by the first byte that is not whitespace, so the caller need not know which it asked for.
// Times come from the caller (milliseconds on any monotonic clock), so tests control them.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "core/codegen/chunk_json.h"
#include "core/codegen/sse_parser.h"

namespace kiln::codegen {

enum class StreamStatus {
    Streaming,  // more may come
    Done,       // the endpoint ended the answer: [DONE], or a finish_reason and the end of the body
    Truncated,  // the body ended before the answer did (no finish_reason, no [DONE])
    Failed,     // the endpoint reported an error, sent something unreadable, or the caller failed it
};

NLOHMANN_JSON_SERIALIZE_ENUM(StreamStatus, {{StreamStatus::Streaming, "streaming"},
                                            {StreamStatus::Done, "done"},
                                            {StreamStatus::Truncated, "truncated"},
                                            {StreamStatus::Failed, "failed"}})

struct StreamResult {
    StreamStatus status = StreamStatus::Streaming;
    std::string text;           // the answer's content, as it arrived
    std::string reasoning;      // the model's reasoning (delta.reasoning / reasoning_content), kept apart
    std::string finish_reason;  // "stop", "length" (the output was cut at max tokens), ... or empty
    std::string model;          // the model that answered, as the endpoint named it (may differ from the request)
    std::optional<int64_t> prompt_tokens;  // usage, when the endpoint reported it
    std::optional<int64_t> completion_tokens;
    std::string error;               // Failed: what happened and what to do. Truncated: why it counts as cut.
    std::optional<int64_t> ttft_ms;  // time to the first token of text or reasoning
    int64_t elapsed_ms = 0;          // time from the start until the status settled (or the latest bytes)
    int64_t token_chunks = 0;        // chunks that carried text or reasoning (about one token each)
};

void to_json(nlohmann::json& j, const StreamResult& result);

// The output token count: the endpoint's usage when it gave one, else the chunks counted.
int64_t outputTokens(const StreamResult& result);

// Output tokens per second of generation (from the first token to the last bytes); 0 until that
// span reaches kMinRateSpanMs: tokens that arrive in a burst (a cached answer, the first few) have
// no rate worth showing.
constexpr int64_t kMinRateSpanMs = 500;
double tokensPerSecond(const StreamResult& result);

class StreamDecoder {
public:
    explicit StreamDecoder(int64_t started_at_ms = 0) : started_at_ms_(started_at_ms) {}

    // Decodes the next bytes of the body, split anywhere, received at now_ms. Does nothing once
    // the status is no longer Streaming (bytes after [DONE] or after an error are ignored).
    void feed(std::string_view bytes, int64_t now_ms);

    // The body ended normally at now_ms. Settles the status: Done if the answer was finished,
    // else Truncated (or Failed for a body that was not a completion at all).
    void finish(int64_t now_ms);

    // The transfer failed at now_ms (network drop, stall, abort): marks the result Failed with
    // message, unless it already settled. The text received so far stays in the result.
    void fail(std::string message, int64_t now_ms);

    const StreamResult& result() const { return result_; }

private:
    enum class BodyKind { Undecided, EventStream, Json, Html };

    void decideBodyKind(std::string_view bytes);
    void onEvent(const SseEvent& event);
    // Applies one scanned chunk (or whole response); false when it carried an error.
    bool applyChunk(const ChunkScan& scan);
    void finishWholeBody();
    void settle(StreamStatus status, std::string error);
    void touch(int64_t now_ms);

    StreamResult result_;
    int64_t started_at_ms_;
    int64_t now_ms_ = 0;
    BodyKind body_kind_ = BodyKind::Undecided;
    std::string held_;        // the leading whitespace while undecided; the whole body for Json/Html
    std::string body_start_;  // the first bytes of an event stream, to quote if it holds no event
    SseParser parser_;
    ChunkScan scan_;
    int64_t events_ = 0;
    bool finish_seen_ = false;
};

}  // namespace kiln::codegen
