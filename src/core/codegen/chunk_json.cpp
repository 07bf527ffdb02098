// Index
//   Targets   where a value lands: which member it fills, which frame it opens, what it clears
//   Scanner   the validating pass (iterative, with a fixed stack: no recursion, no allocation)
//   Strings   decoding a recorded string
#include "core/codegen/chunk_json.h"

#include <cstring>

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

constexpr uint8_t index(ChunkMember member) { return static_cast<uint8_t>(member); }

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
        if (name == "choices") return {Frame::Ignore, Frame::Choices, -1, kChoice.clear_begin, kChoice.clear_end};
        if (name == "usage")
            return {Frame::Usage, Frame::Ignore, -1, index(ChunkMember::PromptTokens),
                    index(ChunkMember::CompletionTokens) + 1};
        if (name == "error")
            return {Frame::Error, Frame::Ignore, index(ChunkMember::Error), index(ChunkMember::Error),
                    index(ChunkMember::ErrorCode) + 1};
        if (name == "model") return leaf(ChunkMember::Model);
        if (name == "object") return leaf(ChunkMember::Object);
        if (name == "message") return leaf(ChunkMember::Message);
        break;
    case Frame::Choice:
        if (name == "delta")
            return {Frame::Delta, Frame::Ignore, -1, index(ChunkMember::DeltaContent),
                    index(ChunkMember::DeltaReasoningContent) + 1};
        if (name == "message")
            return {Frame::Message, Frame::Ignore, -1, index(ChunkMember::MessageContent),
                    index(ChunkMember::MessageReasoningContent) + 1};
        if (name == "finish_reason") return leaf(ChunkMember::FinishReason);
        break;
    case Frame::Delta:
        if (name == "content") return leaf(ChunkMember::DeltaContent);
        if (name == "reasoning") return leaf(ChunkMember::DeltaReasoning);
        if (name == "reasoning_content") return leaf(ChunkMember::DeltaReasoningContent);
        break;
    case Frame::Message:
        if (name == "content") return leaf(ChunkMember::MessageContent);
        if (name == "reasoning") return leaf(ChunkMember::MessageReasoning);
        if (name == "reasoning_content") return leaf(ChunkMember::MessageReasoningContent);
        break;
    case Frame::Usage:
        if (name == "prompt_tokens") return leaf(ChunkMember::PromptTokens);
        if (name == "completion_tokens") return leaf(ChunkMember::CompletionTokens);
        break;
    case Frame::Error:
        if (name == "message") return leaf(ChunkMember::ErrorMessage);
        if (name == "type") return leaf(ChunkMember::ErrorType);
        if (name == "code") return leaf(ChunkMember::ErrorCode);
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

int hexValue(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

// The four hex digits at text[pos], or -1.
int32_t hex4(std::string_view text, size_t pos) {
    if (pos + 4 > text.size()) return -1;
    int32_t value = 0;
    for (size_t i = pos; i < pos + 4; ++i) {
        const int digit = hexValue(text[i]);
        if (digit < 0) return -1;
        value = value * 16 + digit;
    }
    return value;
}

bool isDigit(char c) { return c >= '0' && c <= '9'; }

class Scanner {
public:
    Scanner(std::string_view text, ChunkScan& scan) : text_(text), scan_(scan) {}

    bool run() {
        for (JsonMember& member : scan_.members) member = JsonMember{};
        scan_.error = nullptr;
        scan_.error_offset = 0;
        if (text_.substr(0, 3) == "\xEF\xBB\xBF") pos_ = 3;
        Target target = kRoot;
        for (;;) {
            // A value for target.
            skipWhitespace();
            if (pos_ >= text_.size()) return fail("expected a value");
            const char c = text_[pos_];
            if (c == '{' || c == '[') {
                if (depth_ == kMaxJsonDepth) return fail("nested too deeply");
                const bool is_array = c == '[';
                JsonMember container;
                container.kind = is_array ? JsonKind::Array : JsonKind::Object;
                record(target, container);
                stack_[depth_++] = {is_array ? target.array_frame : target.object_frame, is_array, 0};
                ++pos_;
                skipWhitespace();
                if (pos_ < text_.size() && text_[pos_] == (is_array ? ']' : '}')) {
                    ++pos_;
                    --depth_;
                } else if (is_array) {
                    target = elementTarget(stack_[depth_ - 1].frame, 0);
                    continue;
                } else {
                    if (!name(target)) return false;
                    continue;
                }
            } else if (!scalar(target)) {
                return false;
            }
            // After a value: close what ends here, then find where the next value goes.
            for (;;) {
                skipWhitespace();
                if (depth_ == 0) return pos_ == text_.size() || fail("unexpected text after the JSON value");
                if (pos_ >= text_.size()) return fail("unexpected end of text");
                Level& top = stack_[depth_ - 1];
                const char next = text_[pos_];
                if (next == (top.is_array ? ']' : '}')) {
                    ++pos_;
                    --depth_;
                    continue;
                }
                if (next != ',') return fail(top.is_array ? "expected ',' or ']'" : "expected ',' or '}'");
                ++pos_;
                if (top.is_array) {
                    target = elementTarget(top.frame, ++top.element);
                } else if (!name(target)) {
                    return false;
                }
                break;
            }
        }
    }

private:
    struct Level {
        Frame frame = Frame::Ignore;
        bool is_array = false;
        uint32_t element = 0;
    };

    bool fail(const char* why) {
        scan_.error = why;
        scan_.error_offset = pos_;
        return false;
    }

    void skipWhitespace() {
        if (pos_ < text_.size() && static_cast<unsigned char>(text_[pos_]) > ' ') return;  // the usual case
        while (pos_ < text_.size()) {
            const char c = text_[pos_];
            if (c != ' ' && c != '\n' && c != '\r' && c != '\t') return;
            ++pos_;
        }
    }

    void record(const Target& target, const JsonMember& value) {
        for (uint8_t i = target.clear_begin; i < target.clear_end; ++i) scan_.members[i] = JsonMember{};
        if (target.member >= 0) scan_.members[target.member] = value;
    }

    // Reads `"name" :` inside an object and sets target to where its value goes.
    bool name(Target& target) {
        skipWhitespace();
        if (pos_ >= text_.size() || text_[pos_] != '"') return fail("expected a member name");
        JsonMember key;
        if (!string(key)) return false;
        skipWhitespace();
        if (pos_ >= text_.size() || text_[pos_] != ':') return fail("expected ':'");
        ++pos_;
        const Frame frame = stack_[depth_ - 1].frame;
        if (frame == Frame::Ignore) {
            target = kIgnored;
        } else if (!key.escaped) {
            target = memberTarget(frame, key.raw);
        } else {
            // Rare ("\u0063ontent"), but it names the same member. Names Kiln reads are short.
            std::string decoded;
            appendJsonString(key, decoded);
            target = memberTarget(frame, decoded);
        }
        return true;
    }

    bool scalar(const Target& target) {
        JsonMember value;
        const char c = text_[pos_];
        if (c == '"') {
            if (!string(value)) return false;
        } else if (c == '-' || isDigit(c)) {
            if (!number(value)) return false;
            // Only numbers Kiln reads are worth converting ("created" in every chunk is not).
            if (target.member >= 0 && plain_ && value.raw.size() <= 18) {
                value.integer = 0;
                for (char digit : value.raw) value.integer = value.integer * 10 + (digit - '0');
            }
        } else if (!literal(value)) {
            return false;
        }
        record(target, value);
        return true;
    }

    bool literal(JsonMember& value) {
        const std::string_view rest = text_.substr(pos_);
        if (rest.substr(0, 4) == "null") {
            value.kind = JsonKind::Null;
            pos_ += 4;
        } else if (rest.substr(0, 4) == "true") {
            value.kind = JsonKind::Boolean;
            pos_ += 4;
        } else if (rest.substr(0, 5) == "false") {
            value.kind = JsonKind::Boolean;
            pos_ += 5;
        } else {
            return fail("expected a value");
        }
        return true;
    }

    bool number(JsonMember& value) {
        const size_t start = pos_;
        bool plain = true;  // digits only
        if (text_[pos_] == '-') {
            plain = false;
            ++pos_;
        }
        if (pos_ < text_.size() && text_[pos_] == '0') {
            ++pos_;
        } else if (pos_ < text_.size() && isDigit(text_[pos_])) {
            while (pos_ < text_.size() && isDigit(text_[pos_])) ++pos_;
        } else {
            return fail("invalid number");
        }
        if (pos_ < text_.size() && text_[pos_] == '.') {
            plain = false;
            ++pos_;
            if (!digits()) return fail("invalid number");
        }
        if (pos_ < text_.size() && (text_[pos_] == 'e' || text_[pos_] == 'E')) {
            plain = false;
            ++pos_;
            if (pos_ < text_.size() && (text_[pos_] == '+' || text_[pos_] == '-')) ++pos_;
            if (!digits()) return fail("invalid number");
        }
        value.kind = JsonKind::Number;
        value.raw = std::string_view(text_.data() + start, pos_ - start);
        plain_ = plain;
        return true;
    }

    bool digits() {
        const size_t start = pos_;
        while (pos_ < text_.size() && isDigit(text_[pos_])) ++pos_;
        return pos_ > start;
    }

    bool string(JsonMember& value) {
        const size_t start = ++pos_;
        value.kind = JsonKind::String;
        for (;;) {
            if (!skipPlainText()) return fail("unterminated string");
            const auto c = static_cast<unsigned char>(text_[pos_]);
            if (c == '"') {
                value.raw = std::string_view(text_.data() + start, pos_ - start);
                ++pos_;
                return true;
            }
            if (c == '\\') {
                value.escaped = true;
                if (!escape()) return false;
            } else if (c < 0x20) {
                return fail("control character in a string");
            } else {
                const int length = utf8SequenceLength(text_, pos_);
                if (length == 0) return fail("invalid UTF-8 in a string");
                pos_ += length;
            }
        }
    }

    // Moves to the next byte in a string that is not plain ASCII text: a quote, a backslash, a
    // control character or a byte >= 0x80. False when the text ends first.
    bool skipPlainText() {
        // Plain runs are the common case: skip them eight bytes at a time.
        while (pos_ + 8 <= text_.size()) {
            uint64_t word;
            std::memcpy(&word, text_.data() + pos_, 8);
            const uint64_t special =
                bytesEqual(word, '"') | bytesEqual(word, '\\') | bytesBelow(word, 0x20) | (word & kHighBits);
            if (special) {
                pos_ += firstMarkedByte(special);
                return true;
            }
            pos_ += 8;
        }
        for (; pos_ < text_.size(); ++pos_) {
            const auto c = static_cast<unsigned char>(text_[pos_]);
            if (c < 0x20 || c == '"' || c == '\\' || c >= 0x80) return true;
        }
        return false;
    }

    bool escape() {
        if (pos_ + 1 >= text_.size()) return fail("unterminated string");
        switch (text_[pos_ + 1]) {
        case '"': case '\\': case '/': case 'b': case 'f': case 'n': case 'r': case 't':
            pos_ += 2;
            return true;
        case 'u':
            break;
        default:
            return fail("invalid escape in a string");
        }
        const int32_t unit = hex4(text_, pos_ + 2);
        if (unit < 0) return fail("invalid \\u escape in a string");
        pos_ += 6;
        if (unit >= 0xDC00 && unit <= 0xDFFF) return fail("unpaired surrogate in a string");
        if (unit < 0xD800 || unit > 0xDBFF) return true;
        if (text_.substr(pos_, 2) != "\\u") return fail("unpaired surrogate in a string");
        const int32_t low = hex4(text_, pos_ + 2);
        if (low < 0xDC00 || low > 0xDFFF) return fail("unpaired surrogate in a string");
        pos_ += 6;
        return true;
    }

    std::string_view text_;
    ChunkScan& scan_;
    size_t pos_ = 0;
    bool plain_ = false;  // the last number was written as digits only
    std::array<Level, kMaxJsonDepth> stack_;
    int depth_ = 0;
};

}  // namespace

bool scanChunk(std::string_view json, ChunkScan& scan) { return Scanner(json, scan).run(); }

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
        case 'b': out.push_back('\b'); break;
        case 'f': out.push_back('\f'); break;
        case 'n': out.push_back('\n'); break;
        case 'r': out.push_back('\r'); break;
        case 't': out.push_back('\t'); break;
        case 'u': {
            uint32_t cp = static_cast<uint32_t>(hex4(raw, pos));
            pos += 4;
            if (cp >= 0xD800 && cp <= 0xDBFF) {
                const auto low = static_cast<uint32_t>(hex4(raw, pos + 2));
                cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
                pos += 6;
            }
            appendUtf8(cp, out);
            break;
        }
        default: out.push_back(kind); break;  // " \ /
        }
    }
}

}  // namespace kiln::codegen
