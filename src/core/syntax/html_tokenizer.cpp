// Index
//   Modes and the line cursor
//   JavaScript
//   CSS
//   HTML: text, tags, attributes, and the way into and out of CSS and JavaScript
//   tokenizeLine, findEdit
//   HtmlTokenizer: line index and cached states
#include "core/syntax/html_tokenizer.h"

#include <algorithm>
#include <cstring>
#include <iterator>
#include <tuple>

namespace kiln::syntax {

// ---------------------------------------------------------------------------------------------
// Modes and the line cursor
// ---------------------------------------------------------------------------------------------

namespace {

enum class Html : uint8_t { Text, Tag, AttributeValue, Comment, Bogus, Script, Style };
enum class TagKind : uint8_t { None, Script, Style, Other };
enum class AttributeKind : uint8_t { None, Style, Event, Other };
// What is open in JavaScript (LineState::js) or CSS (LineState::css); only JavaScript has templates.
enum class Mode : uint8_t { Code, BlockComment, SingleQuoted, DoubleQuoted, Template };
enum class CssContext : uint8_t { Selector, AtRulePrelude, Property, Value };

constexpr int kMaxSubstitutions = 4;  // = size of LineState::js_braces
constexpr int kRuleLevelBits = 32;    // = bits of LineState::css_rule_levels

bool isSpace(char c) {
    return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}
bool isDigit(char c) {
    return c >= '0' && c <= '9';
}
bool isAlpha(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
bool isAlnum(char c) {
    return isAlpha(c) || isDigit(c);
}
bool isHex(char c) {
    return isDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}
// Identifier bytes: ASCII letters, digits, _ and $, and every byte of a multi-byte UTF-8
// character (JavaScript allows Unicode letters; the exact set does not matter for colour).
bool isJsWord(char c) {
    return isAlnum(c) || c == '_' || c == '$' || static_cast<unsigned char>(c) >= 0x80;
}
bool isCssWord(char c) {
    return isAlnum(c) || c == '-' || c == '_' || static_cast<unsigned char>(c) >= 0x80;
}
char lower(char c) {
    return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

bool equalsNoCase(std::string_view a, std::string_view b) {
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

// ---------------------------------------------------------------------------------------------
// JavaScript
// ---------------------------------------------------------------------------------------------

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

// ---------------------------------------------------------------------------------------------
// CSS
// ---------------------------------------------------------------------------------------------

// At-rules whose block holds rules rather than declarations.
constexpr std::string_view kCssAtRulesOfRules[] = {
    "container", "document", "layer", "media", "scope", "starting-style", "supports",
};

bool cssLevelHoldsRules(const LineState& s, unsigned depth) {
    return depth < kRuleLevelBits && (s.css_rule_levels >> depth) & 1u;
}

void setCssContextForLevel(LineState& s) {
    s.css_context =
        static_cast<uint8_t>(cssLevelHoldsRules(s, s.css_depth) ? CssContext::Selector : CssContext::Property);
}

// Inside a block of declarations, a word followed on its line by '{' before any ';' or '}' is a
// nested rule's selector (`&:hover {`, `.card .title {`), not a property.
bool nestedRuleAhead(const Cursor& c) {
    for (size_t i = c.pos; i < c.end; ++i) {
        const char ch = c.text[i];
        if (ch == '{') return true;
        if (ch == ';' || ch == '}') return false;
    }
    return false;
}

void cssBrace(Cursor& c, LineState& s) {
    const char ch = c.at();
    c.take(1, TokenKind::CssPunctuation);
    if (ch == '{') {
        const bool rules =
            static_cast<CssContext>(s.css_context) == CssContext::AtRulePrelude ? s.css_block_of_rules != 0 : false;
        if (s.css_depth < 255) ++s.css_depth;
        if (s.css_depth < kRuleLevelBits) {
            const uint32_t bit = 1u << s.css_depth;
            s.css_rule_levels = rules ? (s.css_rule_levels | bit) : (s.css_rule_levels & ~bit);
        }
    } else if (s.css_depth > 0) {
        if (s.css_depth < kRuleLevelBits) s.css_rule_levels &= ~(1u << s.css_depth);
        --s.css_depth;
    }
    s.css_block_of_rules = 0;
    setCssContextForLevel(s);
}

void cssValueToken(Cursor& c) {
    const char ch = c.at();
    if (isDigit(ch) ||
        ((ch == '.' || ch == '-' || ch == '+') && (isDigit(c.at(1)) || (c.at(1) == '.' && isDigit(c.at(2)))))) {
        size_t length = 1;
        while (c.pos + length < c.end && (isDigit(c.text[c.pos + length]) || c.text[c.pos + length] == '.')) ++length;
        while (c.pos + length < c.end && (isAlpha(c.text[c.pos + length]) || c.text[c.pos + length] == '%')) ++length;
        c.take(length, TokenKind::CssNumber);
    } else if (ch == '#' && isHex(c.at(1))) {
        size_t length = 1;
        while (c.pos + length < c.end && isCssWord(c.text[c.pos + length])) ++length;
        c.take(length, TokenKind::CssNumber);
    } else if (ch == '!' && c.startsWithNoCase("!important")) {
        c.take(10, TokenKind::CssAtRule);
    } else if (isCssWord(ch)) {
        c.takeUntil([](char b) { return !isCssWord(b); }, TokenKind::CssValue);
    } else {
        c.take(1, TokenKind::CssPunctuation);
    }
}

void cssNormal(Cursor& c, LineState& s) {
    const char ch = c.at();
    const auto context = static_cast<CssContext>(s.css_context);
    if (isSpace(ch)) {
        c.takeSpaces();
    } else if (openCommentOrString(c, s.css, TokenKind::CssString)) {
        // opened: css() reads on in the new mode
    } else if (ch == '{' || ch == '}') {
        cssBrace(c, s);
    } else if (ch == ';') {
        c.take(1, TokenKind::CssPunctuation);
        s.css_block_of_rules = 0;
        setCssContextForLevel(s);
    } else if (ch == '@' && context != CssContext::Value) {
        size_t length = 1;
        while (c.pos + length < c.end && isCssWord(c.text[c.pos + length])) ++length;
        const std::string_view name = c.text.substr(c.pos + 1, length - 1);
        s.css_block_of_rules = std::any_of(std::begin(kCssAtRulesOfRules), std::end(kCssAtRulesOfRules),
                                           [&](std::string_view rule) { return equalsNoCase(rule, name); });
        c.take(length, TokenKind::CssAtRule);
        s.css_context = static_cast<uint8_t>(CssContext::AtRulePrelude);
    } else if (context == CssContext::Property && ch == ':') {
        c.take(1, TokenKind::CssPunctuation);
        s.css_context = static_cast<uint8_t>(CssContext::Value);
    } else if (context == CssContext::Property && !(isCssWord(ch) && !nestedRuleAhead(c))) {
        s.css_context = static_cast<uint8_t>(CssContext::Selector);  // a nested rule; read it as a selector
    } else if (context == CssContext::Property) {
        c.takeUntil([](char b) { return !isCssWord(b); }, TokenKind::CssProperty);
    } else if (context == CssContext::Selector) {
        c.takeUntil(
            [](char b) { return isSpace(b) || b == '{' || b == '}' || b == ';' || b == '"' || b == '\'' || b == '/'; },
            TokenKind::CssSelector);
        if (ch == '/') c.take(1, TokenKind::CssSelector);  // a lone '/' (not a comment) in a selector
    } else if (context == CssContext::Value || context == CssContext::AtRulePrelude) {
        if (ch == ':' && context == CssContext::AtRulePrelude) {
            c.take(1, TokenKind::CssPunctuation);
        } else {
            cssValueToken(c);
        }
    }
}

// CSS up to c.end.
void css(Cursor& c, LineState& s) {
    while (!c.done()) {
        if (!continueCommentOrString(c, s.css, TokenKind::CssString)) cssNormal(c, s);
    }
}

// ---------------------------------------------------------------------------------------------
// HTML
// ---------------------------------------------------------------------------------------------

void enterJavascript(LineState& s) {
    s.js = static_cast<uint8_t>(Mode::Code);
    s.js_regex_allowed = 1;
}

void enterCss(LineState& s, bool declarations_only) {
    s.css = static_cast<uint8_t>(Mode::Code);
    s.css_rule_levels = declarations_only ? 0u : 1u;
    setCssContextForLevel(s);
}

// Forgets the embedded language's state, so that states that will read the same are equal.
void leaveEmbedded(LineState& s) {
    LineState cleared;
    cleared.html = s.html;
    cleared.tag = s.tag;
    cleared.attribute = s.attribute;
    cleared.expect_value = s.expect_value;
    cleared.quote = s.quote;
    s = cleared;
}

size_t entityLength(const Cursor& c) {
    size_t i = c.pos + 1;
    const bool numeric = i < c.end && c.text[i] == '#';
    const bool hex = numeric && i + 1 < c.end && lower(c.text[i + 1]) == 'x';
    i += numeric ? (hex ? 2 : 1) : 0;
    const size_t digits_start = i;
    while (i < c.end && i - digits_start < 32 &&
           (hex       ? isHex(c.text[i])
            : numeric ? isDigit(c.text[i])
                      : isAlnum(c.text[i])))
        ++i;
    if (i == digits_start || i >= c.end || c.text[i] != ';') return 0;
    return i + 1 - c.pos;
}

// Text or a quoted attribute value, with its entities, up to the first byte `stop` accepts.
template <typename Predicate>
void textWithEntities(Cursor& c, TokenKind kind, Predicate stop) {
    while (!c.done() && !stop(c.at())) {
        if (c.at() == '&' && entityLength(c) > 0) {
            c.take(entityLength(c), TokenKind::Entity);
        } else {
            c.take(1, kind);
            c.takeUntil([&](char b) { return b == '&' || stop(b); }, kind);
        }
    }
}

void htmlText(Cursor& c, LineState& s) {
    if (c.at() != '<') {
        textWithEntities(c, TokenKind::Text, [](char b) { return b == '<'; });
        return;
    }
    const char next = c.at(1);
    if (c.startsWith("<!--")) {
        c.take(4, TokenKind::Comment);
        s.html = static_cast<uint8_t>(Html::Comment);
    } else if (next == '!' || next == '?') {
        c.take(2, TokenKind::Doctype);
        s.html = static_cast<uint8_t>(Html::Bogus);
    } else if (isAlpha(next) || (next == '/' && isAlpha(c.at(2)))) {
        const bool end_tag = next == '/';
        c.take(end_tag ? 2 : 1, TokenKind::Tag);
        size_t length = 0;
        while (c.pos + length < c.end &&
               (isAlnum(c.text[c.pos + length]) || c.text[c.pos + length] == '-' || c.text[c.pos + length] == ':')) {
            ++length;
        }
        const std::string_view name = c.text.substr(c.pos, length);
        TagKind tag = TagKind::Other;
        if (!end_tag && equalsNoCase(name, "script")) tag = TagKind::Script;
        if (!end_tag && equalsNoCase(name, "style")) tag = TagKind::Style;
        c.take(length, TokenKind::Tag);
        s.html = static_cast<uint8_t>(Html::Tag);
        s.tag = static_cast<uint8_t>(tag);
    } else {
        c.take(1, TokenKind::Text);
    }
}

void htmlTag(Cursor& c, LineState& s) {
    const char ch = c.at();
    if (isSpace(ch)) {
        c.takeSpaces();
    } else if (ch == '>' || c.startsWith("/>")) {
        // Browsers ignore the self-closing slash on <script/> and <style/>: their content follows.
        c.take(ch == '>' ? 1 : 2, TokenKind::Tag);
        const auto tag = static_cast<TagKind>(s.tag);
        s.html = static_cast<uint8_t>(tag == TagKind::Script  ? Html::Script
                                      : tag == TagKind::Style ? Html::Style
                                                              : Html::Text);
        s.tag = s.attribute = s.expect_value = 0;
        if (tag == TagKind::Script) enterJavascript(s);
        if (tag == TagKind::Style) enterCss(s, false);
    } else if (ch == '=' && !s.expect_value) {
        c.take(1, TokenKind::Text);
        s.expect_value = 1;
    } else if (s.expect_value && (ch == '"' || ch == '\'')) {
        c.take(1, TokenKind::AttributeValue);
        s.html = static_cast<uint8_t>(Html::AttributeValue);
        s.quote = static_cast<uint8_t>(ch);
        s.expect_value = 0;
        if (s.attribute == static_cast<uint8_t>(AttributeKind::Style)) enterCss(s, true);
        if (s.attribute == static_cast<uint8_t>(AttributeKind::Event)) enterJavascript(s);
    } else if (s.expect_value) {
        c.takeUntil([](char b) { return isSpace(b) || b == '>'; }, TokenKind::AttributeValue);
        s.expect_value = 0;
        s.attribute = static_cast<uint8_t>(AttributeKind::None);
    } else if (ch == '/') {
        c.take(1, TokenKind::Text);
    } else {
        size_t length = 1;  // the first byte may be anything (a stray '=' or quote is part of the name)
        while (c.pos + length < c.end) {
            const char b = c.text[c.pos + length];
            if (isSpace(b) || b == '/' || b == '>' || b == '=') break;
            ++length;
        }
        const std::string_view name = c.text.substr(c.pos, length);
        AttributeKind kind = AttributeKind::Other;
        if (equalsNoCase(name, "style")) kind = AttributeKind::Style;
        if (name.size() > 2 && equalsNoCase(name.substr(0, 2), "on")) kind = AttributeKind::Event;
        s.attribute = static_cast<uint8_t>(kind);
        c.take(length, TokenKind::AttributeName);
    }
}

// Where the embedded language that starts at c.pos stops on this line: at `</name` followed by
// a space, '/', '>' or the line end, as browsers end a raw-text element; c.end if not there.
size_t endTagPosition(const Cursor& c, std::string_view name) {
    for (size_t i = c.pos; i + 2 + name.size() <= c.end; ++i) {
        if (c.text[i] != '<' || c.text[i + 1] != '/') continue;
        if (!equalsNoCase(c.text.substr(i + 2, name.size()), name)) continue;
        const size_t after = i + 2 + name.size();
        if (after == c.end || isSpace(c.text[after]) || c.text[after] == '/' || c.text[after] == '>') return i;
    }
    return c.end;
}

// Runs the script or style element's language up to its end tag, then reads the end tag.
void htmlRawText(Cursor& c, LineState& s, bool script) {
    const size_t line_end = c.end;
    const size_t stop = endTagPosition(c, script ? "script" : "style");
    c.end = stop;
    if (script) {
        javascript(c, s);
    } else {
        css(c, s);
    }
    c.end = line_end;
    if (stop == line_end) return;
    leaveEmbedded(s);
    c.take(2, TokenKind::Tag);
    c.take(script ? 6 : 5, TokenKind::Tag);
    s.html = static_cast<uint8_t>(Html::Tag);
    s.tag = static_cast<uint8_t>(TagKind::Other);
}

void htmlAttributeValue(Cursor& c, LineState& s) {
    const char quote = static_cast<char>(s.quote);
    const auto kind = static_cast<AttributeKind>(s.attribute);
    if (kind == AttributeKind::Style || kind == AttributeKind::Event) {
        const size_t line_end = c.end;
        const size_t found = c.text.substr(0, line_end).find(quote, c.pos);
        c.end = found == std::string_view::npos ? line_end : found;
        if (kind == AttributeKind::Style) {
            css(c, s);
        } else {
            javascript(c, s);
        }
        c.end = line_end;
    } else {
        textWithEntities(c, TokenKind::AttributeValue, [quote](char b) { return b == quote; });
    }
    if (c.done()) return;
    leaveEmbedded(s);
    c.take(1, TokenKind::AttributeValue);
    s.html = static_cast<uint8_t>(Html::Tag);
    s.attribute = s.quote = 0;
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// tokenizeLine, findEdit
// ---------------------------------------------------------------------------------------------

bool LineState::operator==(const LineState& o) const {
    auto fields = [](const LineState& s) {
        return std::tie(s.html, s.tag, s.attribute, s.expect_value, s.quote, s.js, s.js_regex_allowed,
                        s.js_substitutions, s.js_braces[0], s.js_braces[1], s.js_braces[2], s.js_braces[3], s.css,
                        s.css_context, s.css_block_of_rules, s.css_depth, s.css_rule_levels);
    };
    return fields(*this) == fields(o);
}

LineState tokenizeLine(std::string_view line, LineState state, std::vector<Token>* out) {
    Cursor c{line, 0, line.size(), out};
    LineState& s = state;
    while (!c.done()) {
        switch (static_cast<Html>(s.html)) {
            case Html::Text:
                htmlText(c, s);
                break;
            case Html::Tag:
                htmlTag(c, s);
                break;
            case Html::AttributeValue:
                htmlAttributeValue(c, s);
                break;
            case Html::Comment:
                if (c.takeThrough("-->", TokenKind::Comment)) s.html = static_cast<uint8_t>(Html::Text);
                break;
            case Html::Bogus:
                if (c.takeThrough(">", TokenKind::Doctype)) s.html = static_cast<uint8_t>(Html::Text);
                break;
            case Html::Script:
            case Html::Style:
                htmlRawText(c, s, s.html == static_cast<uint8_t>(Html::Script));
                break;
        }
    }
    // Only template literals, comments and escaped line ends carry a string to the next line.
    return state;
}

TextEdit findEdit(std::string_view before, std::string_view after) {
    const size_t shorter = std::min(before.size(), after.size());
    size_t prefix = 0;
    // memcmp in blocks finds the first difference fast; the byte loop pins it down.
    constexpr size_t kBlock = 64;
    while (prefix + kBlock <= shorter && std::memcmp(before.data() + prefix, after.data() + prefix, kBlock) == 0) {
        prefix += kBlock;
    }
    while (prefix < shorter && before[prefix] == after[prefix]) ++prefix;
    size_t suffix = 0;
    const size_t suffix_limit = shorter - prefix;
    while (suffix + kBlock <= suffix_limit && std::memcmp(before.data() + before.size() - suffix - kBlock,
                                                          after.data() + after.size() - suffix - kBlock, kBlock) == 0) {
        suffix += kBlock;
    }
    while (suffix < suffix_limit && before[before.size() - 1 - suffix] == after[after.size() - 1 - suffix]) ++suffix;
    return {prefix, before.size() - prefix - suffix, after.size() - prefix - suffix};
}

// ---------------------------------------------------------------------------------------------
// HtmlTokenizer
// ---------------------------------------------------------------------------------------------

void HtmlTokenizer::reset(std::string_view text) {
    line_starts_.clear();
    line_starts_.push_back(0);
    for (size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '\n') line_starts_.push_back(i + 1);
    }
    states_.assign(line_starts_.size(), LineState{});
    text_size_ = text.size();
    valid_ = 1;
    reuse_begin_ = reuse_end_ = 0;
}

size_t HtmlTokenizer::applyEdit(std::string_view text, const TextEdit& edit) {
    if (edit.offset + edit.removed > text_size_ || text_size_ - edit.removed + edit.inserted != text.size()) {
        reset(text);  // not an edit of the text we know: start over rather than read out of bounds
        return 0;
    }
    // Line starts in (offset, offset + removed] went with the removed bytes; a newline inserted
    // at offset + i starts a line at offset + i + 1; starts after the edit move by the difference.
    const auto first_removed = std::upper_bound(line_starts_.begin(), line_starts_.end(), edit.offset);
    const auto after_removed = std::upper_bound(first_removed, line_starts_.end(), edit.offset + edit.removed);
    const size_t first = static_cast<size_t>(first_removed - line_starts_.begin());  // first line start gone
    const size_t old_after = static_cast<size_t>(after_removed - line_starts_.begin());

    std::vector<size_t> inserted_starts;
    for (size_t i = 0; i < edit.inserted; ++i) {
        if (text[edit.offset + i] == '\n') inserted_starts.push_back(edit.offset + i + 1);
    }
    const size_t new_after = first + inserted_starts.size();
    for (auto it = after_removed; it != line_starts_.end(); ++it) *it = *it - edit.removed + edit.inserted;
    line_starts_.erase(first_removed, after_removed);
    line_starts_.insert(line_starts_.begin() + static_cast<std::ptrdiff_t>(first), inserted_starts.begin(),
                        inserted_starts.end());

    states_.erase(states_.begin() + static_cast<std::ptrdiff_t>(first),
                  states_.begin() + static_cast<std::ptrdiff_t>(old_after));
    states_.insert(states_.begin() + static_cast<std::ptrdiff_t>(first), inserted_starts.size(), LineState{});

    // States of lines after the edit keep following from each other: their text is the same.
    // Keep the longest such run, shifted to the lines' new numbers.
    const auto shift = [&](size_t old_index) { return old_index - old_after + new_after; };
    size_t begin = 0, end = 0;
    if (valid_ > old_after) {
        begin = shift(old_after);
        end = shift(valid_);
    } else if (reuse_end_ > old_after) {
        begin = shift(std::max(reuse_begin_, old_after));
        end = shift(reuse_end_);
    }
    reuse_begin_ = begin;
    reuse_end_ = end;
    text_size_ = text.size();
    valid_ = std::min(valid_, first);  // the edited line's own start state still holds
    return first - 1;
}

std::string_view HtmlTokenizer::line(std::string_view text, size_t line) const {
    const size_t begin = line_starts_[line];
    const size_t end = line + 1 < line_starts_.size() ? line_starts_[line + 1] - 1 : text.size();
    return text.substr(begin, end - begin);
}

size_t HtmlTokenizer::lineOf(size_t offset) const {
    return static_cast<size_t>(std::upper_bound(line_starts_.begin(), line_starts_.end(), offset) -
                               line_starts_.begin()) -
           1;
}

const LineState& HtmlTokenizer::stateAt(std::string_view text, size_t line) {
    while (valid_ <= line) {
        const size_t next = valid_;
        const LineState state = tokenizeLine(this->line(text, next - 1), states_[next - 1], nullptr);
        ++lines_tokenized_;
        if (next >= reuse_begin_ && next < reuse_end_) {
            if (states_[next] == state) {
                valid_ = reuse_end_;  // from here on, nothing changed
                reuse_begin_ = reuse_end_ = 0;
                continue;
            }
            reuse_begin_ = next + 1;  // states_[next] no longer leads to states_[next + 1]
        }
        states_[next] = state;
        valid_ = next + 1;
    }
    return states_[line];
}

void HtmlTokenizer::tokens(std::string_view text, size_t line, std::vector<Token>& out) {
    out.clear();
    tokenizeLine(this->line(text, line), stateAt(text, line), &out);
}

}  // namespace kiln::syntax
