// Index
//   Messages        the words for failures found in the body (errors in a 200 stream, not JSON, ...)
//   StreamResult    to_json, token counts and rates
//   StreamDecoder   telling the body's kind apart, events, chunks, the end of the body
#include "core/codegen/stream_decoder.h"

#include "core/codegen/request.h"
#include "core/codegen/text.h"

namespace kiln::codegen {

// ---------------------------------------------------------------------------------------------
// Messages
// ---------------------------------------------------------------------------------------------

namespace {

constexpr size_t kBodyStartLength = 200;  // what messages quote of a body that is not a stream

constexpr char kCheckBaseUrl[] =
    "Check the base URL in Settings: it should be an OpenAI-compatible API, usually ending in /v1.";

const JsonMember* firstString(const ChunkScan& scan, std::initializer_list<ChunkMember> members) {
    for (ChunkMember member : members)
        if (scan.isString(member)) return &scan[member];
    return nullptr;
}

std::string decoded(const JsonMember& member) {
    std::string text;
    appendJsonString(member, text);
    return text;
}

// An error object inside a 200 answer. OpenAI, OpenRouter and Ollama send {"error": {...}} (or
// {"error": "..."}); vLLM sends {"object": "error", "message": ...}.
bool carriesError(const ChunkScan& scan) {
    const JsonKind kind = scan[ChunkMember::Error].kind;
    return kind == JsonKind::Object || kind == JsonKind::String ||
           (scan.isString(ChunkMember::Object) && equals(scan[ChunkMember::Object].raw, "error"));
}

// Whether text starts with a line an event stream could hold (a comment or a known field), as
// opposed to plain text that happens not to start with "{" or "<".
bool startsLikeAnEventStream(std::string_view text) {
    for (std::string_view start : {":", "data", "event", "id", "retry"})
        if (text.substr(0, start.size()) == start) return true;
    return false;
}

std::string streamErrorMessage(const ChunkScan& scan) {
    std::string message;
    if (const JsonMember* text =
            firstString(scan, {ChunkMember::ErrorMessage, ChunkMember::Error, ChunkMember::Message}))
        message = decoded(*text);
    std::string kind;
    if (scan.isString(ChunkMember::ErrorType))
        kind = decoded(scan[ChunkMember::ErrorType]);
    else if (scan.isString(ChunkMember::ErrorCode))
        kind = decoded(scan[ChunkMember::ErrorCode]);
    else if (scan[ChunkMember::ErrorCode].kind == JsonKind::Number)
        kind = std::string(scan[ChunkMember::ErrorCode].raw);
    std::string out = "The endpoint reported an error in the middle of the answer";
    if (!message.empty()) out += ": " + message;
    if (!kind.empty()) out += " (" + kind + ")";
    out += ". Try again; if it keeps happening, try another model.";
    return out;
}

std::string notJsonMessage(const ChunkScan& scan, std::string_view data) {
    return std::string("The endpoint sent something that is not a JSON completion chunk (") + scan.error + " at byte " +
           std::to_string(scan.error_offset) + "): " + errorBodyDetail(data) + ". " + kCheckBaseUrl;
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// StreamResult
// ---------------------------------------------------------------------------------------------

void to_json(nlohmann::json& j, const StreamResult& result) {
    j = {{"status", result.status},
         {"text", result.text},
         {"reasoning", result.reasoning},
         {"finish_reason", result.finish_reason},
         {"model", result.model},
         {"prompt_tokens", result.prompt_tokens ? nlohmann::json(*result.prompt_tokens) : nullptr},
         {"completion_tokens", result.completion_tokens ? nlohmann::json(*result.completion_tokens) : nullptr},
         {"error", result.error},
         {"ttft_ms", result.ttft_ms ? nlohmann::json(*result.ttft_ms) : nullptr},
         {"elapsed_ms", result.elapsed_ms},
         {"token_chunks", result.token_chunks}};
}

int64_t outputTokens(const StreamResult& result) {
    return result.completion_tokens.value_or(result.token_chunks);
}

double tokensPerSecond(const StreamResult& result) {
    if (!result.ttft_ms) return 0;
    const int64_t span_ms = result.elapsed_ms - *result.ttft_ms;
    return span_ms >= kMinRateSpanMs ? static_cast<double>(outputTokens(result)) * 1000.0 / static_cast<double>(span_ms)
                                     : 0;
}

// ---------------------------------------------------------------------------------------------
// StreamDecoder
// ---------------------------------------------------------------------------------------------

void StreamDecoder::feed(std::string_view bytes, int64_t now_ms) {
    touch(now_ms);
    if (result_.status != StreamStatus::Streaming) return;
    switch (body_kind_) {
        case BodyKind::Undecided:
            decideBodyKind(bytes);
            break;
        case BodyKind::EventStream:
            if (body_start_.size() < kBodyStartLength)
                body_start_.append(bytes.substr(0, kBodyStartLength - body_start_.size()));
            parser_.feed(bytes, [this](const SseEvent& event) { onEvent(event); });
            break;
        case BodyKind::Json:
        case BodyKind::Html:
            held_.append(bytes);
            break;
    }
}

void StreamDecoder::decideBodyKind(std::string_view bytes) {
    held_.append(bytes);
    // The first byte that is not a byte order mark or whitespace tells an event stream ("data:",
    // ":", "event:") from a JSON answer ("{") or a web page ("<").
    size_t pos = 0;
    static constexpr std::string_view kBom = "\xEF\xBB\xBF";
    while (pos < kBom.size() && pos < held_.size() && held_[pos] == kBom[pos]) ++pos;
    if (pos == held_.size()) return;  // perhaps a BOM still arriving
    if (pos < kBom.size()) pos = 0;
    while (pos < held_.size() && isSpace(held_[pos])) ++pos;
    if (pos == held_.size()) return;
    const char first = held_[pos];
    if (first == '{' || first == '[') {
        body_kind_ = BodyKind::Json;
    } else if (first == '<') {
        body_kind_ = BodyKind::Html;
    } else {
        body_kind_ = BodyKind::EventStream;
        body_start_ = held_.substr(pos, kBodyStartLength);
        // No local strings alive around the parsing: with Emscripten's exceptions, calls made
        // while a destructor is pending go through a costly trampoline.
        parser_.feed(held_, [this](const SseEvent& event) { onEvent(event); });
        held_.clear();
        held_.shrink_to_fit();
    }
}

void StreamDecoder::onEvent(const SseEvent& event) {
    if (result_.status != StreamStatus::Streaming) return;  // after [DONE] or an error
    ++events_;
    // Not std::string's operator== with a literal: it calls a function that Emscripten's
    // exceptions route through JavaScript, a cost paid for every event.
    const std::string_view data = event.data;
    const bool error_event = equals(event.type, "error");
    if (equals(data, "[DONE]")) {
        settle(StreamStatus::Done, {});
        return;
    }
    if (data.empty() && !error_event) return;  // an empty keep-alive event
    if (!scanChunk(data, scan_)) {
        if (error_event) {
            settle(StreamStatus::Failed, "The endpoint reported an error in the middle of the answer: " +
                                             errorBodyDetail(data) + ". Try again.");
        } else {
            settle(StreamStatus::Failed, notJsonMessage(scan_, data));
        }
        return;
    }
    if (applyChunk(scan_) && error_event) {
        settle(StreamStatus::Failed,
               "The endpoint reported an error in the middle of the answer: " + errorBodyDetail(data) + ". Try again.");
    }
}

bool StreamDecoder::applyChunk(const ChunkScan& scan) {
    if (carriesError(scan)) {
        settle(StreamStatus::Failed, streamErrorMessage(scan));
        return false;
    }
    bool token = false;
    if (const JsonMember* content = firstString(scan, {ChunkMember::DeltaContent, ChunkMember::MessageContent});
        content && !content->raw.empty()) {
        appendJsonString(*content, result_.text);
        token = true;
    }
    // One of the two names, never both: some servers send the same text under each.
    if (const JsonMember* reasoning =
            firstString(scan, {ChunkMember::DeltaReasoningContent, ChunkMember::DeltaReasoning,
                               ChunkMember::MessageReasoningContent, ChunkMember::MessageReasoning});
        reasoning && !reasoning->raw.empty()) {
        appendJsonString(*reasoning, result_.reasoning);
        token = true;
    }
    if (token) {
        ++result_.token_chunks;
        if (!result_.ttft_ms) result_.ttft_ms = now_ms_ - started_at_ms_;
    }
    if (scan.isString(ChunkMember::FinishReason) && !scan[ChunkMember::FinishReason].raw.empty()) {
        result_.finish_reason = decoded(scan[ChunkMember::FinishReason]);
        finish_seen_ = true;
    }
    if (scan[ChunkMember::PromptTokens].integer >= 0) result_.prompt_tokens = scan[ChunkMember::PromptTokens].integer;
    if (scan[ChunkMember::CompletionTokens].integer >= 0)
        result_.completion_tokens = scan[ChunkMember::CompletionTokens].integer;
    if (result_.model.empty() && scan.isString(ChunkMember::Model)) result_.model = decoded(scan[ChunkMember::Model]);
    return true;
}

void StreamDecoder::finish(int64_t now_ms) {
    touch(now_ms);
    if (result_.status != StreamStatus::Streaming) return;
    switch (body_kind_) {
        case BodyKind::Undecided:
            settle(StreamStatus::Truncated,
                   "The endpoint closed the connection without sending an answer. Try again; if it keeps "
                   "happening, check the base URL and the model in Settings.");
            break;
        case BodyKind::EventStream: {
            const bool cut_inside_event = parser_.finish();
            if (finish_seen_) {
                settle(StreamStatus::Done, {});
            } else if (events_ == 0 && !startsLikeAnEventStream(body_start_)) {
                settle(StreamStatus::Failed, "The endpoint answered with " + errorBodyDetail(body_start_) +
                                                 ", which is not a stream of completion chunks. " + kCheckBaseUrl);
            } else if (events_ == 0) {
                settle(StreamStatus::Truncated,
                       "The endpoint ended the stream without sending an answer. Try again; if it keeps "
                       "happening, check the model in Settings.");
            } else {
                settle(StreamStatus::Truncated, cut_inside_event
                                                    ? "The connection closed in the middle of the answer."
                                                    : "The answer ended without a finish reason: the connection was "
                                                      "probably cut.");
            }
            break;
        }
        case BodyKind::Json:
        case BodyKind::Html:
            finishWholeBody();
            break;
    }
}

void StreamDecoder::finishWholeBody() {
    if (body_kind_ == BodyKind::Html) {
        settle(StreamStatus::Failed,
               "The endpoint answered with " + errorBodyDetail(held_) + " instead of a completion. " + kCheckBaseUrl);
        return;
    }
    if (!scanChunk(held_, scan_)) {
        settle(StreamStatus::Failed, notJsonMessage(scan_, held_));
        return;
    }
    if (!applyChunk(scan_)) return;
    if (result_.text.empty() && result_.reasoning.empty() && !finish_seen_) {
        settle(StreamStatus::Failed,
               "The endpoint answered with JSON that holds no completion (no choices[0].message.content). " +
                   std::string(kCheckBaseUrl));
        return;
    }
    settle(StreamStatus::Done, {});
}

void StreamDecoder::fail(std::string message, int64_t now_ms) {
    touch(now_ms);
    if (result_.status != StreamStatus::Streaming) return;
    // A finished answer whose connection broke before [DONE] (or the usage chunk) is complete.
    if (finish_seen_ && body_kind_ == BodyKind::EventStream) {
        settle(StreamStatus::Done, {});
        return;
    }
    settle(StreamStatus::Failed, std::move(message));
}

void StreamDecoder::settle(StreamStatus status, std::string error) {
    result_.status = status;
    result_.error = std::move(error);
}

void StreamDecoder::touch(int64_t now_ms) {
    now_ms_ = now_ms;
    if (result_.status == StreamStatus::Streaming) result_.elapsed_ms = now_ms - started_at_ms_;
}

}  // namespace kiln::codegen
