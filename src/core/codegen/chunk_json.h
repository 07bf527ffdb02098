// Kiln: reads the JSON of chat-completions answers (a stream chunk, a whole response, an error)
// in one validating pass that records only the members Kiln uses, as views into the text,
// without building a document. A generation is thousands of chunks; a JSON DOM per chunk costs
// about ten times the whole per-token budget in wasm, this costs a small fraction of it.
//
// It accepts RFC 8259 JSON, as nlohmann::json does (a leading UTF-8 BOM is skipped, like there),
// except that it also takes numbers too large for a double and refuses nesting deeper than
// kMaxJsonDepth. The chunk_json fuzz target holds it to nlohmann::json's verdicts and values.
//
// For duplicate names the last one wins, as in nlohmann::json: a later "choices" replaces all
// that an earlier one recorded.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace kiln::codegen {

constexpr int kMaxJsonDepth = 64;

// The members Kiln reads. The order matters: each object's members are contiguous, so that a
// value replacing an object clears a range.
enum class ChunkMember : uint8_t {
    DeltaContent,             // choices[0].delta.content
    DeltaReasoning,           // choices[0].delta.reasoning (OpenRouter, Ollama)
    DeltaReasoningContent,    // choices[0].delta.reasoning_content (DeepSeek, vLLM, LM Studio)
    MessageContent,           // choices[0].message.content (an answer that was not streamed)
    MessageReasoning,         // choices[0].message.reasoning
    MessageReasoningContent,  // choices[0].message.reasoning_content
    FinishReason,             // choices[0].finish_reason
    PromptTokens,             // usage.prompt_tokens
    CompletionTokens,         // usage.completion_tokens
    Error,                    // error: an object, or (Ollama, LM Studio) a string
    ErrorMessage,             // error.message
    ErrorType,                // error.type
    ErrorCode,                // error.code
    Model,                    // model
    Object,                   // object: "chat.completion.chunk", or "error" for vLLM-style errors
    Message,                  // message (vLLM-style errors)
};
constexpr size_t kChunkMemberCount = 16;

enum class JsonKind : uint8_t { Absent, Null, Boolean, Number, String, Object, Array };

struct JsonMember {
    JsonKind kind = JsonKind::Absent;
    bool escaped = false;  // a string with backslash escapes: read it with appendJsonString
    std::string_view raw;  // a string: the text between its quotes; a number: its literal
    int64_t integer = -1;  // a number written as at most 18 digits (no sign, fraction, exponent)
};

struct ChunkScan {
    std::array<JsonMember, kChunkMemberCount> members;  // valid where present has their bit
    uint32_t present = 0;         // bit i set: members[i] was found (so clearing them is one store)
    const char* error = nullptr;  // why the text is not JSON; nullptr when it is
    size_t error_offset = 0;      // the byte where that was found

    const JsonMember& operator[](ChunkMember member) const {
        static const JsonMember kAbsent;
        const auto i = static_cast<size_t>(member);
        return (present >> i) & 1 ? members[i] : kAbsent;
    }
    bool isString(ChunkMember member) const { return (*this)[member].kind == JsonKind::String; }
};

// Scans one complete JSON text. Returns true when it is valid JSON, with scan.members holding
// the members present (views into json: keep json alive while using them). Returns false when
// it is not, with scan.error and scan.error_offset saying why and where.
bool scanChunk(std::string_view json, ChunkScan& scan);

// Appends the decoded text of a string member (escapes resolved, \u pairs joined) to out.
// The member must come from a successful scanChunk whose text is still alive.
void appendJsonString(const JsonMember& member, std::string& out);

}  // namespace kiln::codegen
