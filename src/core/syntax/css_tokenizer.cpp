// CSS, as it appears in <style> and style="..." attributes: selectors, at-rules, properties,
// values, numbers with units, strings, comments, and nested blocks of rules or declarations.
#include "core/syntax/tokenizer_cursor.h"

namespace kiln::syntax::detail {

namespace {

enum class CssContext : uint8_t { Selector, AtRulePrelude, Property, Value };

constexpr int kRuleLevelBits = 32;  // = bits of LineState::css_rule_levels

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

}  // namespace

void enterCss(LineState& s, bool declarations_only) {
    s.css = static_cast<uint8_t>(Mode::Code);
    s.css_rule_levels = declarations_only ? 0u : 1u;
    setCssContextForLevel(s);
}

// CSS up to c.end.
void css(Cursor& c, LineState& s) {
    while (!c.done()) {
        if (!continueCommentOrString(c, s.css, TokenKind::CssString)) cssNormal(c, s);
    }
}

}  // namespace kiln::syntax::detail
