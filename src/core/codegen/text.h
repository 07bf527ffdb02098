// Kiln: small text helpers shared by the parsers of model answers and endpoint replies.
// Lines end at "\n"; a "\r" before it belongs to the line end, not to the line.
#pragma once

#include <cctype>
#include <cstddef>
#include <string_view>

namespace kiln::codegen {

struct Line {
    std::string_view text;  // without its line end
    size_t begin = 0;       // where the line starts in the whole text
    size_t next = 0;        // where the next line starts (the size of the text after the last line)
};

// The line that starts at pos (pos < text.size()).
inline Line lineAt(std::string_view text, size_t pos) {
    const size_t newline = text.find('\n', pos);
    const size_t end = newline == std::string_view::npos ? text.size() : newline;
    std::string_view line = text.substr(pos, end - pos);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    return {line, pos, newline == std::string_view::npos ? text.size() : newline + 1};
}

inline bool isSpace(char c) {
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v';
}

inline std::string_view trimRight(std::string_view text) {
    while (!text.empty() && isSpace(text.back())) text.remove_suffix(1);
    return text;
}

inline std::string_view trim(std::string_view text) {
    while (!text.empty() && isSpace(text.front())) text.remove_prefix(1);
    return trimRight(text);
}

// text == literal, compared inline: in wasm a call to memcmp costs more than these few bytes,
// and the parsers compare a handful of short names per event.
template <size_t N>
bool equals(std::string_view text, const char (&literal)[N]) {
    if (text.size() != N - 1) return false;
    for (size_t i = 0; i + 1 < N; ++i)
        if (text[i] != literal[i]) return false;
    return true;
}

inline char asciiLower(char c) {
    return static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
}

// Whether text starts with lowercase_prefix, ignoring ASCII case in text.
inline bool startsWithNoCase(std::string_view text, std::string_view lowercase_prefix) {
    if (text.size() < lowercase_prefix.size()) return false;
    for (size_t i = 0; i < lowercase_prefix.size(); ++i)
        if (asciiLower(text[i]) != lowercase_prefix[i]) return false;
    return true;
}

// Where lowercase_needle first occurs in text at or after from, ignoring ASCII case; npos if not.
inline size_t findNoCase(std::string_view text, std::string_view lowercase_needle, size_t from = 0) {
    for (size_t i = from; i + lowercase_needle.size() <= text.size(); ++i)
        if (startsWithNoCase(text.substr(i), lowercase_needle)) return i;
    return std::string_view::npos;
}

}  // namespace kiln::codegen
