// Kiln: what the HTML, CSS and JavaScript tokenizers (html_tokenizer.cpp, css_tokenizer.cpp,
// js_tokenizer.cpp) share: the line cursor, byte classes, the comment and string modes of CSS and
// JavaScript, and each embedded language's entry points. Internal to src/core/syntax.
#pragma once

#include <algorithm>
#include <cstdint>
#include <string_view>
#include <vector>

#include "core/syntax/html_tokenizer.h"

namespace kiln::syntax::detail {

// What is open in JavaScript (LineState::js) or CSS (LineState::css); only JavaScript has templates.
enum class Mode : uint8_t { Code, BlockComment, SingleQuoted, DoubleQuoted, Template };

inline bool isSpace(char c) {
    return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}
inline bool isDigit(char c) {
    return c >= '0' && c <= '9';
}
inline bool isAlpha(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
inline bool isAlnum(char c) {
    return isAlpha(c) || isDigit(c);
}
inline bool isHex(char c) {
    return isDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}
// Identifier bytes: ASCII letters, digits, _ and $, and every byte of a multi-byte UTF-8
// character (JavaScript allows Unicode letters; the exact set does not matter for colour).
inline bool isJsWord(char c) {
    return isAlnum(c) || c == '_' || c == '$' || static_cast<unsigned char>(c) >= 0x80;
}
inline bool isCssWord(char c) {
    return isAlnum(c) || c == '-' || c == '_' || static_cast<unsigned char>(c) >= 0x80;
}
inline char lower(char c) {
    return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

inline bool equalsNoCase(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (size_t i = 0; i < a.size(); ++i) {
        if (lower(a[i]) != lower(b[i])) return false;
    }
    return true;
}

// A line being tokenized: the bytes [pos, end) are still to read. `end` is the end of the line,
// or the place where an embedded language stops (`</script`, the quote closing an attribute).
struct Cursor {
    std::string_view text;
    size_t pos;
    size_t end;
    std::vector<Token>* out;

    bool done() const { return pos >= end; }
    char at(size_t offset = 0) const { return pos + offset < end ? text[pos + offset] : '\0'; }
    bool startsWith(std::string_view s) const { return end - pos >= s.size() && text.compare(pos, s.size(), s) == 0; }
    bool startsWithNoCase(std::string_view s) const {
        return end - pos >= s.size() && equalsNoCase(text.substr(pos, s.size()), s);
    }

    // Emits [pos, pos + length) as `kind` and moves past it.
    void take(size_t length, TokenKind kind) {
        const size_t stop = std::min(pos + length, end);
        if (out && stop > pos) {
            if (!out->empty() && out->back().kind == kind && out->back().end == pos) {
                out->back().end = static_cast<uint32_t>(stop);
            } else {
                out->push_back({static_cast<uint32_t>(pos), static_cast<uint32_t>(stop), kind});
            }
        }
        pos = stop;
    }
    // Emits up to (not including) the first byte for which `stop` is true, or the end.
    template <typename Predicate>
    void takeUntil(Predicate stop, TokenKind kind) {
        size_t length = 0;
        while (pos + length < end && !stop(text[pos + length])) ++length;
        take(length, kind);
    }
    // Emits through the first `closer` (included), or to the end. Returns whether it was found.
    bool takeThrough(std::string_view closer, TokenKind kind) {
        const size_t found = text.substr(0, end).find(closer, pos);
        if (found == std::string_view::npos) {
            take(end - pos, kind);
            return false;
        }
        take(found + closer.size() - pos, kind);
        return true;
    }
    void takeSpaces() {
        takeUntil([](char c) { return !isSpace(c); }, TokenKind::Text);
    }
};

// Opens a block comment or a quoted string if one starts at c.pos, setting `mode` (a JavaScript
// or CSS mode); returns whether it did.
bool openCommentOrString(Cursor& c, uint8_t& mode, TokenKind string_kind);

// Goes on with the block comment or quoted string that `mode` says is open (a JavaScript or CSS
// mode), returning true; returns false, having read nothing, when none is.
bool continueCommentOrString(Cursor& c, uint8_t& mode, TokenKind string_kind);

// JavaScript (js_tokenizer.cpp): sets up `s` for a script that starts, then reads up to c.end.
void enterJavascript(LineState& s);
void javascript(Cursor& c, LineState& s);

// CSS (css_tokenizer.cpp): sets up `s` for a style sheet (or, with `declarations_only`, a style
// attribute's declarations) that starts, then reads up to c.end.
void enterCss(LineState& s, bool declarations_only);
void css(Cursor& c, LineState& s);

}  // namespace kiln::syntax::detail
