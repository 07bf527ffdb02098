// Index
//   Targets   where a value lands: which member it fills, which frame it opens, what it clears
//   Scanner   the validating pass (iterative, with a fixed stack: no recursion, no allocation)
//   Strings   decoding a recorded string
#include "core/codegen/chunk_json.h"

#include <cstring>

#include "core/codegen/text.h"
#include "core/codegen/utf8.h"

namespace kiln::codegen {

namespace {

// ---------------------------------------------------------------------------------------------
// Targets
// ---------------------------------------------------------------------------------------------

// The objects and arrays Kiln looks into; everything else is only validated.
enum class Frame : uint8_t { Ignore, Root, Choices, Choice, Delta, Message, Usage, Error };

struct Target {
    Frame object_frame = Frame::Ignore;  // what an object value here opens
    Frame array_frame = Frame::Ignore;   // what an array value here opens
    int member = -1;                     // the member a value here is recorded as, if any
    uint8_t clear_begin = 0;             // a value here replaces members [clear_begin, clear_end)
    uint8_t clear_end = 0;
};

constexpr uint8_t index(ChunkMember member) {
    return static_cast<uint8_t>(member);
}

constexpr Target leaf(ChunkMember member) {
    return {Frame::Ignore, Frame::Ignore, index(member), index(member), static_cast<uint8_t>(index(member) + 1)};
}

constexpr Target kIgnored{};
constexpr Target kRoot{Frame::Root, Frame::Ignore, -1, 0, 0};
constexpr Target kChoice{Frame::Choice, Frame::Ignore, -1, index(ChunkMember::DeltaContent),
                         index(ChunkMember::FinishReason) + 1};

Target memberTarget(Frame parent, std::string_view name) {
    switch (parent) {
        case Frame::Root:
            if (equals(name, "choices"))
                return {Frame::Ignore, Frame::Choices, -1, kChoice.clear_begin, kChoice.clear_end};
            if (equals(name, "usage"))
                return {Frame::Usage, Frame::Ignore, -1, index(ChunkMember::PromptTokens),
                        index(ChunkMember::CompletionTokens) + 1};
            if (equals(name, "error"))
                return {Frame::Error, Frame::Ignore, index(ChunkMember::Error), index(ChunkMember::Error),
                        index(ChunkMember::ErrorCode) + 1};
            if (equals(name, "model")) return leaf(ChunkMember::Model);
            if (equals(name, "object")) return leaf(ChunkMember::Object);
            if (equals(name, "message")) return leaf(ChunkMember::Message);
            break;
        case Frame::Choice:
            if (equals(name, "delta"))
                return {Frame::Delta, Frame::Ignore, -1, index(ChunkMember::DeltaContent),
                        index(ChunkMember::DeltaReasoningContent) + 1};
            if (equals(name, "message"))
                return {Frame::Message, Frame::Ignore, -1, index(ChunkMember::MessageContent),
                        index(ChunkMember::MessageReasoningContent) + 1};
            if (equals(name, "finish_reason")) return leaf(ChunkMember::FinishReason);
            break;
        case Frame::Delta:
            if (equals(name, "content")) return leaf(ChunkMember::DeltaContent);
            if (equals(name, "reasoning")) return leaf(ChunkMember::DeltaReasoning);
            if (equals(name, "reasoning_content")) return leaf(ChunkMember::DeltaReasoningContent);
            break;
        case Frame::Message:
            if (equals(name, "content")) return leaf(ChunkMember::MessageContent);
            if (equals(name, "reasoning")) return leaf(ChunkMember::MessageReasoning);
            if (equals(name, "reasoning_content")) return leaf(ChunkMember::MessageReasoningContent);
            break;
        case Frame::Usage:
            if (equals(name, "prompt_tokens")) return leaf(ChunkMember::PromptTokens);
            if (equals(name, "completion_tokens")) return leaf(ChunkMember::CompletionTokens);
            break;
        case Frame::Error:
            if (equals(name, "message")) return leaf(ChunkMember::ErrorMessage);
            if (equals(name, "type")) return leaf(ChunkMember::ErrorType);
            if (equals(name, "code")) return leaf(ChunkMember::ErrorCode);
            break;
        case Frame::Ignore:
        case Frame::Choices:
            break;
    }
    return kIgnored;
}

Target elementTarget(Frame parent, uint32_t element) {
    return parent == Frame::Choices && element == 0 ? kChoice : kIgnored;
}

// ---------------------------------------------------------------------------------------------
// Scanner
// ---------------------------------------------------------------------------------------------

// The scanner keeps its position in locals and passes it by value (each step returns where it
// stopped, or nullptr on failure): in wasm, state kept in memory costs a load and a store per use.

struct Failure {
    const char* why = nullptr;
    const char* at = nullptr;
};

const char* failAt(Failure& failure, const char* why, const char* at) {
    failure = {why, at};
    return nullptr;
}

int hexValue(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

// The four hex digits at p, or -1.
int32_t hex4(const char* p, const char* end) {
    if (end - p < 4) return -1;
    int32_t value = 0;
    for (int i = 0; i < 4; ++i) {
        const int digit = hexValue(p[i]);
        if (digit < 0) return -1;
        value = value * 16 + digit;
    }
    return value;
}

bool isDigit(char c) {
    return c >= '0' && c <= '9';
}

const char* skipWhitespace(const char* p, const char* end) {
    if (p<end&& static_cast<unsigned char>(*p)> ' ') return p;  // the usual case
    while (p < end && (*p == ' ' || *p == '\n' || *p == '\r' || *p == '\t')) ++p;
    return p;
}

// The first byte at or after p that is not plain ASCII text inside a string (a quote, a
// backslash, a control character or a byte >= 0x80), or end.
const char* skipPlainText(const char* p, const char* end) {
    // Plain runs are the common case: skip them eight bytes at a time.
    while (end - p >= 8) {
        uint64_t word;
        std::memcpy(&word, p, 8);
        const uint64_t special =
            bytesEqual(word, '"') | bytesEqual(word, '\\') | bytesBelow(word, 0x20) | (word & kHighBits);
        if (special) return p + firstMarkedByte(special);
        p += 8;
    }
    while (p < end) {
        const auto c = static_cast<unsigned char>(*p);
        if (c < 0x20 || c == '"' || c == '\\' || c >= 0x80) return p;
        ++p;
    }
    return end;
}

// The escape at p (a backslash), validated; returns what follows it.
const char* scanEscape(const char* p, const char* end, Failure& failure) {
    if (end - p < 2) return failAt(failure, "unterminated string", end);
    switch (p[1]) {
        case '"':
        case '\\':
        case '/':
        case 'b':
        case 'f':
        case 'n':
        case 'r':
        case 't':
            return p + 2;
        case 'u':
            break;
        default:
            return failAt(failure, "invalid escape in a string", p);
    }
    const int32_t unit = hex4(p + 2, end);
    if (unit < 0) return failAt(failure, "invalid \\u escape in a string", p);
    p += 6;
    if (unit >= 0xDC00 && unit <= 0xDFFF) return failAt(failure, "unpaired surrogate in a string", p);
    if (unit < 0xD800 || unit > 0xDBFF) return p;
    if (end - p < 2 || p[0] != '\\' || p[1] != 'u') return failAt(failure, "unpaired surrogate in a string", p);
    const int32_t low = hex4(p + 2, end);
    if (low < 0xDC00 || low > 0xDFFF) return failAt(failure, "unpaired surrogate in a string", p);
    return p + 6;
}

// The string whose opening quote is just before p; returns what follows its closing quote.
const char* scanString(const char* p, const char* end, JsonMember& value, Failure& failure) {
    const char* const start = p;
    value.kind = JsonKind::String;
    for (;;) {
        p = skipPlainText(p, end);
        if (p == end) return failAt(failure, "unterminated string", p);
        const auto c = static_cast<unsigned char>(*p);
        if (c == '"') {
            value.raw = std::string_view(start, static_cast<size_t>(p - start));
            return p + 1;
        }
        if (c == '\\') {
            value.escaped = true;
            p = scanEscape(p, end, failure);
            if (!p) return nullptr;
        } else if (c < 0x20) {
            return failAt(failure, "control character in a string", p);
        } else {
            const int length = utf8SequenceLength(std::string_view(p, static_cast<size_t>(end - p)), 0);
            if (length == 0) return failAt(failure, "invalid UTF-8 in a string", p);
            p += length;
        }
    }
}

const char* scanDigits(const char* p, const char* end) {
    while (p < end && isDigit(*p)) ++p;
    return p;
}

// The number at p. Converts it to value.integer only when wanted: the numbers Kiln reads are
// few ("created", in every chunk, is not one of them).
const char* scanNumber(const char* p, const char* end, JsonMember& value, bool wanted, Failure& failure) {
    const char* const start = p;
    bool plain = true;  // digits only
    if (*p == '-') {
        plain = false;
        ++p;
    }
    if (p < end && *p == '0') {
        ++p;
    } else if (p < end && isDigit(*p)) {
        p = scanDigits(p, end);
    } else {
        return failAt(failure, "invalid number", p);
    }
    if (p < end && *p == '.') {
        plain = false;
        const char* const digits = p + 1;
        p = scanDigits(digits, end);
        if (p == digits) return failAt(failure, "invalid number", p);
    }
    if (p < end && (*p == 'e' || *p == 'E')) {
        plain = false;
        ++p;
        if (p < end && (*p == '+' || *p == '-')) ++p;
        const char* const digits = p;
        p = scanDigits(digits, end);
        if (p == digits) return failAt(failure, "invalid number", p);
    }
    value.kind = JsonKind::Number;
    value.raw = std::string_view(start, static_cast<size_t>(p - start));
    if (wanted && plain && value.raw.size() <= 18) {
        value.integer = 0;
        for (char digit : value.raw) value.integer = value.integer * 10 + (digit - '0');
    }
    return p;
}

const char* scanLiteral(const char* p, const char* end, JsonMember& value, Failure& failure) {
    const std::string_view rest(p, static_cast<size_t>(end - p));
    if (equals(rest.substr(0, 4), "null")) {
        value.kind = JsonKind::Null;
        return p + 4;
    }
    if (equals(rest.substr(0, 4), "true")) {
        value.kind = JsonKind::Boolean;
        return p + 4;
    }
    if (equals(rest.substr(0, 5), "false")) {
        value.kind = JsonKind::Boolean;
        return p + 5;
    }
    return failAt(failure, "expected a value", p);
}

// Reads `"name" :` inside an object of the given frame and sets target to where its value goes.
const char* scanName(const char* p, const char* end, Frame frame, Target& target, Failure& failure) {
    p = skipWhitespace(p, end);
    if (p == end || *p != '"') return failAt(failure, "expected a member name", p);
    JsonMember name;
    p = scanString(p + 1, end, name, failure);
    if (!p) return nullptr;
    p = skipWhitespace(p, end);
    if (p == end || *p != ':') return failAt(failure, "expected ':'", p);
    if (frame == Frame::Ignore) {
        target = kIgnored;
    } else if (!name.escaped) {
        target = memberTarget(frame, name.raw);
    } else {
        // Rare ("\u0063ontent"), but it names the same member.
        std::string decoded;
        appendJsonString(name, decoded);
        target = memberTarget(frame, decoded);
    }
    return p + 1;
}

void record(ChunkScan& scan, const Target& target, const JsonMember& value) {
    scan.present &= ~(((uint32_t{1} << target.clear_end) - 1) & ~((uint32_t{1} << target.clear_begin) - 1));
    if (target.member < 0) return;
    scan.members[target.member] = value;
    scan.present |= uint32_t{1} << target.member;
}

struct Level {
    Frame frame = Frame::Ignore;
    bool is_array = false;
    uint32_t element = 0;
};

}  // namespace

bool scanChunk(std::string_view json, ChunkScan& scan) {
    scan.present = 0;
    scan.error = nullptr;
    scan.error_offset = 0;
    const char* const begin = json.data();
    const char* const end = begin + json.size();
    Failure failure;
    const auto fail = [&](const char* why, const char* at) {
        scan.error = why;
        scan.error_offset = static_cast<size_t>(at - begin);
        return false;
    };
    const char* p = begin;
    if (equals(json.substr(0, 3), "\xEF\xBB\xBF")) p += 3;
    std::array<Level, kMaxJsonDepth> stack;
    int depth = 0;
    Target target = kRoot;
    for (;;) {
        // A value for target.
        p = skipWhitespace(p, end);
        if (p == end) return fail("expected a value", p);
        JsonMember value;
        const char c = *p;
        if (c == '{' || c == '[') {
            if (depth == kMaxJsonDepth) return fail("nested too deeply", p);
            const bool is_array = c == '[';
            value.kind = is_array ? JsonKind::Array : JsonKind::Object;
            record(scan, target, value);
            stack[depth++] = {is_array ? target.array_frame : target.object_frame, is_array, 0};
            p = skipWhitespace(p + 1, end);
            if (p < end && *p == (is_array ? ']' : '}')) {
                ++p;
                --depth;
            } else if (is_array) {
                target = elementTarget(stack[depth - 1].frame, 0);
                continue;
            } else {
                p = scanName(p, end, stack[depth - 1].frame, target, failure);
                if (!p) return fail(failure.why, failure.at);
                continue;
            }
        } else {
            if (c == '"')
                p = scanString(p + 1, end, value, failure);
            else if (c == '-' || isDigit(c))
                p = scanNumber(p, end, value, target.member >= 0, failure);
            else
                p = scanLiteral(p, end, value, failure);
            if (!p) return fail(failure.why, failure.at);
            record(scan, target, value);
        }
        // After a value: close what ends here, then find where the next value goes.
        for (;;) {
            p = skipWhitespace(p, end);
            if (depth == 0) return p == end || fail("unexpected text after the JSON value", p);
            if (p == end) return fail("unexpected end of text", p);
            Level& top = stack[depth - 1];
            if (*p == (top.is_array ? ']' : '}')) {
                ++p;
                --depth;
                continue;
            }
            if (*p != ',') return fail(top.is_array ? "expected ',' or ']'" : "expected ',' or '}'", p);
            if (top.is_array) {
                ++p;
                target = elementTarget(top.frame, ++top.element);
            } else {
                p = scanName(p + 1, end, top.frame, target, failure);
                if (!p) return fail(failure.why, failure.at);
            }
            break;
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Strings
// ---------------------------------------------------------------------------------------------

void appendJsonString(const JsonMember& member, std::string& out) {
    const std::string_view raw = member.raw;
    if (!member.escaped) {
        out.append(raw);
        return;
    }
    size_t pos = 0;
    while (pos < raw.size()) {
        const size_t backslash = raw.find('\\', pos);
        if (backslash == std::string_view::npos) {
            out.append(raw, pos);
            return;
        }
        out.append(raw, pos, backslash - pos);
        const char kind = raw[backslash + 1];
        pos = backslash + 2;
        switch (kind) {
            case 'b':
                out.push_back('\b');
                break;
            case 'f':
                out.push_back('\f');
                break;
            case 'n':
                out.push_back('\n');
                break;
            case 'r':
                out.push_back('\r');
                break;
            case 't':
                out.push_back('\t');
                break;
            case 'u': {
                uint32_t cp = static_cast<uint32_t>(hex4(raw.data() + pos, raw.data() + raw.size()));
                pos += 4;
                if (cp >= 0xD800 && cp <= 0xDBFF) {
                    const auto low = static_cast<uint32_t>(hex4(raw.data() + pos + 2, raw.data() + raw.size()));
                    cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
                    pos += 6;
                }
                appendUtf8(cp, out);
                break;
            }
            default:
                out.push_back(kind);
                break;  // " \ /
        }
    }
}

}  // namespace kiln::codegen
