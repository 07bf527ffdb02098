// The comment and string modes that CSS and JavaScript share (tokenizer_cursor.h).
#include "core/syntax/tokenizer_cursor.h"

namespace kiln::syntax::detail {

namespace {

// Reads a quoted string from just after its opening quote. A backslash escapes the next byte;
// a backslash that ends the line continues the string on the next one. Returns whether the
// string goes on to the next line (the closing quote was not found).
bool takeQuoted(Cursor& c, char quote, TokenKind kind) {
    size_t i = c.pos;
    while (i < c.end) {
        char ch = c.text[i];
        if (ch == '\\') {
            const bool escapes_line_end = i + 1 >= c.end || (c.text[i + 1] == '\r' && i + 2 >= c.end);
            if (escapes_line_end && c.end == c.text.size()) {
                c.take(c.end - c.pos, kind);
                return true;
            }
            i += 2;
            continue;
        }
        if (ch == quote) {
            c.take(i + 1 - c.pos, kind);
            return false;
        }
        ++i;
    }
    // Unterminated on its line: the string ends here (a syntax error the browser reports).
    c.take(c.end - c.pos, kind);
    return false;
}

}  // namespace

// Opens a block comment or a quoted string if one starts at c.pos, setting `mode` (a JavaScript
// or CSS mode); returns whether it did.
bool openCommentOrString(Cursor& c, uint8_t& mode, TokenKind string_kind) {
    const char ch = c.at();
    if (c.startsWith("/*")) {
        c.take(2, TokenKind::Comment);
        mode = static_cast<uint8_t>(Mode::BlockComment);
    } else if (ch == '"' || ch == '\'') {
        c.take(1, string_kind);
        mode = static_cast<uint8_t>(ch == '"' ? Mode::DoubleQuoted : Mode::SingleQuoted);
    } else {
        return false;
    }
    return true;
}

// Goes on with the block comment or quoted string that `mode` says is open (a JavaScript or CSS
// mode), returning true; returns false, having read nothing, when none is.
bool continueCommentOrString(Cursor& c, uint8_t& mode, TokenKind string_kind) {
    switch (static_cast<Mode>(mode)) {
        case Mode::BlockComment:
            if (c.takeThrough("*/", TokenKind::Comment)) mode = static_cast<uint8_t>(Mode::Code);
            return true;
        case Mode::SingleQuoted:
        case Mode::DoubleQuoted:
            if (!takeQuoted(c, static_cast<Mode>(mode) == Mode::DoubleQuoted ? '"' : '\'', string_kind)) {
                mode = static_cast<uint8_t>(Mode::Code);
            }
            return true;
        default:
            return false;
    }
}

}  // namespace kiln::syntax::detail
