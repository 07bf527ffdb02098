#include "core/codegen/sse_parser.h"

#include <algorithm>
#include <cstring>

#include "core/codegen/text.h"
#include "core/codegen/utf8.h"

namespace kiln::codegen {

namespace {

constexpr char kByteOrderMark[] = "\xEF\xBB\xBF";
constexpr int kByteOrderMarkLength = 3;
constexpr int64_t kMaxRetryMs = int64_t{1} << 53;  // more than any sane value; keeps the number exact

// The first CR or LF in bytes at or after pos, or bytes.size(). Sets high_bytes when the bytes
// before it include one >= 0x80 (so the line may need UTF-8 repair).
size_t findLineEnd(std::string_view bytes, size_t pos, bool& high_bytes) {
    uint64_t seen = 0;
    while (pos + 8 <= bytes.size()) {
        uint64_t word;
        std::memcpy(&word, bytes.data() + pos, 8);
        if (const uint64_t ends = bytesEqual(word, '\n') | bytesEqual(word, '\r')) {
            const int length = firstMarkedByte(ends);
            seen |= word & ((uint64_t{1} << (8 * length)) - 1);  // the bytes before the line end
            pos += length;
            high_bytes |= (seen & kHighBits) != 0;
            return pos;
        }
        seen |= word;
        pos += 8;
    }
    while (pos < bytes.size() && bytes[pos] != '\n' && bytes[pos] != '\r')
        seen |= static_cast<unsigned char>(bytes[pos++]);
    high_bytes |= (seen & kHighBits) != 0;
    return pos;
}

}  // namespace

bool SseParser::nextEvent(std::string_view bytes, size_t& pos) {
    while (pos < bytes.size()) {
        if (!bom_checked_) {
            // The spec's decoder drops one BOM at the start of the stream. It may arrive split.
            if (bytes[pos] == kByteOrderMark[bom_matched_]) {
                ++pos;
                if (++bom_matched_ == kByteOrderMarkLength) bom_checked_ = true;
                continue;
            }
            // Not a BOM after all: the bytes held back start the first line.
            line_.append(kByteOrderMark, bom_matched_);
            line_has_high_bytes_ = bom_matched_ > 0;
            bom_checked_ = true;
        }
        if (after_cr_) {
            after_cr_ = false;
            if (bytes[pos] == '\n') {
                ++pos;
                continue;
            }
        }
        const size_t start = pos;
        pos = findLineEnd(bytes, pos, line_has_high_bytes_);
        if (pos == bytes.size()) {
            line_.append(bytes.data() + start, pos - start);
            return false;
        }
        after_cr_ = bytes[pos] == '\r';
        std::string_view line = bytes.substr(start, pos - start);
        ++pos;
        if (!line_.empty()) {
            line_.append(line);
            line = line_;
        }
        if (line_has_high_bytes_ && !isValidUtf8(line)) {
            repaired_.clear();
            appendReplacingInvalidUtf8(line, repaired_);
            line = repaired_;
        }
        const bool dispatched = takeLine(line);
        line_.clear();
        line_has_high_bytes_ = false;
        if (dispatched) return true;
    }
    return false;
}

bool SseParser::takeLine(std::string_view line) {
    if (line.empty()) return dispatch();
    if (line.front() == ':') return false;  // a comment, such as ": keep-alive"
    const size_t colon = line.find(':');
    const std::string_view field = line.substr(0, colon);
    std::string_view value;
    if (colon != std::string_view::npos) {
        value = line.substr(colon + 1);
        if (!value.empty() && value.front() == ' ') value.remove_prefix(1);
    }
    if (equals(field, "data")) {
        data_.append(value);
        data_.push_back('\n');
    } else if (equals(field, "event")) {
        type_.assign(value);
    } else if (equals(field, "id")) {
        if (value.find('\0') == std::string_view::npos) last_event_id_.assign(value);
    } else if (equals(field, "retry")) {
        if (!value.empty() && value.find_first_not_of("0123456789") == std::string_view::npos) {
            int64_t ms = 0;
            for (char digit : value) ms = std::min(kMaxRetryMs, ms * 10 + (digit - '0'));
            retry_ms_ = ms;
        }
    }
    // Any other field is ignored, as the spec says.
    return false;
}

bool SseParser::dispatch() {
    if (data_.empty()) {
        type_.clear();
        return false;
    }
    data_.pop_back();  // the "\n" after the last data line
    event_.data.swap(data_);
    data_.clear();
    if (type_.empty()) {
        event_.type.assign("message");
    } else {
        event_.type.swap(type_);
        type_.clear();
    }
    event_.id.assign(last_event_id_);
    return true;
}

bool SseParser::finish() {
    const bool discarded = !data_.empty() || !line_.empty() || (!bom_checked_ && bom_matched_ > 0);
    line_.clear();
    line_has_high_bytes_ = false;
    data_.clear();
    type_.clear();
    after_cr_ = false;
    bom_matched_ = 0;
    bom_checked_ = false;
    return discarded;
}

}  // namespace kiln::codegen
