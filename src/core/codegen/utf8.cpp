#include "core/codegen/utf8.h"

namespace kiln::codegen {

int utf8SequenceLength(std::string_view text, size_t pos, int* subpart) {
    const auto byteAt = [&](size_t i) { return static_cast<unsigned char>(text[i]); };
    const unsigned char lead = byteAt(pos);
    if (lead < 0x80) return 1;
    int needed = 0;
    // The second byte's range is narrower after some lead bytes: that is what excludes overlong
    // forms, surrogates and code points above U+10FFFF.
    unsigned char low = 0x80;
    unsigned char high = 0xBF;
    if (lead >= 0xC2 && lead <= 0xDF) {
        needed = 1;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
        needed = 2;
        if (lead == 0xE0) low = 0xA0;
        if (lead == 0xED) high = 0x9F;
    } else if (lead >= 0xF0 && lead <= 0xF4) {
        needed = 3;
        if (lead == 0xF0) low = 0x90;
        if (lead == 0xF4) high = 0x8F;
    } else {
        if (subpart) *subpart = 1;
        return 0;
    }
    for (int i = 1; i <= needed; ++i) {
        if (pos + i >= text.size() || byteAt(pos + i) < low || byteAt(pos + i) > high) {
            if (subpart) *subpart = i;
            return 0;
        }
        low = 0x80;
        high = 0xBF;
    }
    return needed + 1;
}

size_t utf8CutPoint(std::string_view text, size_t max_bytes) {
    if (text.size() <= max_bytes) return text.size();
    size_t cut = max_bytes;
    while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
    return cut;
}

bool isValidUtf8(std::string_view text) {
    size_t pos = 0;
    while (pos < text.size()) {
        if (static_cast<unsigned char>(text[pos]) < 0x80) {
            ++pos;
            continue;
        }
        const int length = utf8SequenceLength(text, pos);
        if (length == 0) return false;
        pos += length;
    }
    return true;
}

void appendReplacingInvalidUtf8(std::string_view text, std::string& out) {
    size_t pos = 0;
    size_t clean_from = 0;  // start of the run of valid bytes not yet copied
    while (pos < text.size()) {
        if (static_cast<unsigned char>(text[pos]) < 0x80) {
            ++pos;
            continue;
        }
        int subpart = 0;
        const int length = utf8SequenceLength(text, pos, &subpart);
        if (length > 0) {
            pos += length;
            continue;
        }
        out.append(text, clean_from, pos - clean_from);
        out.append("\xEF\xBF\xBD");
        pos += subpart;
        clean_from = pos;
    }
    out.append(text, clean_from, text.size() - clean_from);
}

void appendUtf8(uint32_t cp, std::string& out) {
    if (cp < 0x80) {
        out.push_back(static_cast<char>(cp));
    } else if (cp < 0x800) {
        out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
        out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else {
        out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    }
}

}  // namespace kiln::codegen
