// JavaScript, as it appears in <script> and on*="..." attributes: keywords, identifiers,
// numbers, strings, template literals with their ${ } substitutions, regular expressions (told
// from division by the token before them), comments and punctuation.
#include <iterator>

#include "core/syntax/tokenizer_cursor.h"

namespace kiln::syntax::detail {

namespace {

constexpr int kMaxSubstitutions = 4;  // = size of LineState::js_braces

constexpr std::string_view kJsKeywords[] = {
    "Infinity", "NaN",      "async",   "await",     "break",  "case",   "catch",  "class",      "const",
    "continue", "debugger", "default", "delete",    "do",     "else",   "export", "extends",    "false",
    "finally",  "for",      "from",    "function",  "if",     "import", "in",     "instanceof", "let",
    "new",      "null",     "of",      "return",    "static", "super",  "switch", "this",       "throw",
    "true",     "try",      "typeof",  "undefined", "var",    "void",   "while",  "with",       "yield",
};
// After these a '/' starts a regular expression (`return /x/.test(s)`); after other words it divides.
constexpr std::string_view kJsKeywordsBeforeExpression[] = {
    "await", "case", "delete", "do",    "else",   "in",   "instanceof",
    "new",   "of",   "return", "throw", "typeof", "void", "yield",
};

constexpr bool keywordsSorted() {
    for (size_t i = 1; i < std::size(kJsKeywords); ++i) {
        if (!(kJsKeywords[i - 1] < kJsKeywords[i])) return false;
    }
    return true;
}
static_assert(keywordsSorted(), "kJsKeywords is searched by bisection");

bool isJsKeyword(std::string_view word) {
    return std::binary_search(std::begin(kJsKeywords), std::end(kJsKeywords), word);
}

bool keywordPrecedesExpression(std::string_view word) {
    return std::find(std::begin(kJsKeywordsBeforeExpression), std::end(kJsKeywordsBeforeExpression), word) !=
           std::end(kJsKeywordsBeforeExpression);
}

// The length of the regular expression literal starting at the '/' at c.pos (flags included),
// or 0 if none closes on this line (then the '/' is division).
size_t regexLength(const Cursor& c) {
    bool in_class = false;
    for (size_t i = c.pos + 1; i < c.end; ++i) {
        char ch = c.text[i];
        if (ch == '\\') {
            ++i;
        } else if (ch == '[') {
            in_class = true;
        } else if (ch == ']') {
            in_class = false;
        } else if (ch == '/' && !in_class) {
            size_t stop = i + 1;
            while (stop < c.end && isAlpha(c.text[stop])) ++stop;
            return stop - c.pos;
        }
    }
    return 0;
}

size_t numberLength(const Cursor& c) {
    size_t i = c.pos;
    if (c.at() == '0' && (lower(c.at(1)) == 'x' || lower(c.at(1)) == 'b' || lower(c.at(1)) == 'o')) {
        i += 2;
        while (i < c.end && (isHex(c.text[i]) || c.text[i] == '_')) ++i;
    } else {
        while (i < c.end && (isDigit(c.text[i]) || c.text[i] == '_' || c.text[i] == '.')) ++i;
        if (i < c.end && lower(c.text[i]) == 'e') {
            size_t exponent = i + 1;
            if (exponent < c.end && (c.text[exponent] == '+' || c.text[exponent] == '-')) ++exponent;
            if (exponent < c.end && isDigit(c.text[exponent])) {
                i = exponent;
                while (i < c.end && isDigit(c.text[i])) ++i;
            }
        }
    }
    if (i < c.end && c.text[i] == 'n') ++i;  // BigInt
    return i - c.pos;
}

void jsCode(Cursor& c, LineState& s) {
    const char ch = c.at();
    if (isSpace(ch)) {
        c.takeSpaces();
    } else if (c.startsWith("//")) {
        c.take(c.end - c.pos, TokenKind::Comment);
    } else if (openCommentOrString(c, s.js, TokenKind::JsString)) {
        if (s.js != static_cast<uint8_t>(Mode::BlockComment)) s.js_regex_allowed = 0;  // after a string, '/' divides
    } else if (ch == '`') {
        c.take(1, TokenKind::JsTemplate);
        s.js = static_cast<uint8_t>(Mode::Template);
    } else if (isDigit(ch) || (ch == '.' && isDigit(c.at(1)))) {
        c.take(numberLength(c), TokenKind::JsNumber);
        s.js_regex_allowed = 0;
    } else if (isJsWord(ch)) {
        size_t length = 0;
        while (c.pos + length < c.end && isJsWord(c.text[c.pos + length])) ++length;
        const std::string_view word = c.text.substr(c.pos, length);
        // A word after '.' is a property, never a keyword (`promise.catch`, `x.default`).
        const bool keyword = isJsKeyword(word) && !(c.pos > 0 && c.text[c.pos - 1] == '.');
        s.js_regex_allowed = keyword && keywordPrecedesExpression(word);
        c.take(length, keyword ? TokenKind::JsKeyword : TokenKind::JsIdentifier);
    } else if (ch == '/' && s.js_regex_allowed && regexLength(c) > 0) {
        c.take(regexLength(c), TokenKind::JsRegex);
        s.js_regex_allowed = 0;
    } else if (ch == '}' && s.js_substitutions > 0 && s.js_braces[s.js_substitutions - 1] == 0) {
        // The end of a template ${ } substitution: back into the template's text.
        c.take(1, TokenKind::JsPunctuation);
        --s.js_substitutions;
        s.js = static_cast<uint8_t>(Mode::Template);
    } else {
        if (s.js_substitutions > 0) {
            uint8_t& braces = s.js_braces[s.js_substitutions - 1];
            if (ch == '{' && braces < 255) ++braces;
            if (ch == '}') --braces;
        }
        c.take(1, TokenKind::JsPunctuation);
        s.js_regex_allowed = ch != ')' && ch != ']';
    }
}

void jsTemplate(Cursor& c, LineState& s) {
    size_t i = c.pos;
    while (i < c.end) {
        const char ch = c.text[i];
        if (ch == '\\') {
            i += 2;
        } else if (ch == '`') {
            c.take(i + 1 - c.pos, TokenKind::JsTemplate);
            s.js = static_cast<uint8_t>(Mode::Code);
            s.js_regex_allowed = 0;
            return;
        } else if (ch == '$' && i + 1 < c.end && c.text[i + 1] == '{' && s.js_substitutions < kMaxSubstitutions) {
            c.take(i - c.pos, TokenKind::JsTemplate);
            c.take(2, TokenKind::JsPunctuation);
            s.js_braces[s.js_substitutions++] = 0;
            s.js = static_cast<uint8_t>(Mode::Code);
            s.js_regex_allowed = 1;
            return;
        } else {
            ++i;
        }
    }
    c.take(c.end - c.pos, TokenKind::JsTemplate);  // templates go on across lines
}

}  // namespace

void enterJavascript(LineState& s) {
    s.js = static_cast<uint8_t>(Mode::Code);
    s.js_regex_allowed = 1;
}

// JavaScript up to c.end.
void javascript(Cursor& c, LineState& s) {
    while (!c.done()) {
        if (continueCommentOrString(c, s.js, TokenKind::JsString)) continue;
        if (s.js == static_cast<uint8_t>(Mode::Template)) {
            jsTemplate(c, s);
        } else {
            jsCode(c, s);
        }
    }
}

}  // namespace kiln::syntax::detail
