// Kiln: syntax colouring of HTML with its inline CSS (<style>, style="...") and JavaScript
// (<script>, on*="..."), line by line and incrementally, for the code panel.
//
// Two layers:
//   tokenizeLine()   a pure function: one line and the state at its start in, the line's tokens
//                    and the state at the start of the next line out.
//   HtmlTokenizer    a document's line index and the state at the start of every line, cached.
//                    An edit invalidates the states from the edited line on; colouring a line
//                    re-tokenizes lazily only up to that line, and stops early when the state at
//                    a line start comes out equal to the one cached before the edit (the text
//                    after an edit has not changed, so neither has anything from there on).
//
// It colours like a browser reads: `</script` ends a script even inside a JavaScript string or
// comment, and a quote ends an attribute even inside the CSS or JavaScript it holds. Regular
// expression literals are told from division by the token before them (a heuristic, as in every
// editor). Any bytes are accepted; malformed input is coloured as well as it goes, never an error.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

namespace kiln::syntax {

enum class TokenKind : uint8_t {
    Text,  // HTML text, whitespace, and anything without a colour of its own
    Tag,   // tag names with their < </ > />
    AttributeName,
    AttributeValue,  // with its quotes
    Comment,         // <!-- -->, and CSS and JavaScript comments
    Doctype,         // <!DOCTYPE ...>, <?...>, <![CDATA[...]>
    Entity,          // &amp; &#169; &#x1F600;
    CssSelector,
    CssProperty,
    CssValue,
    CssNumber,  // numbers with their unit, and #hex colours
    CssAtRule,  // @media, @import..., and !important
    CssString,
    CssPunctuation,
    JsKeyword,
    JsIdentifier,
    JsString,
    JsTemplate,  // template literal text with its backticks (the ${ } around code are punctuation)
    JsNumber,
    JsRegex,
    JsPunctuation,
};
constexpr int kTokenKindCount = static_cast<int>(TokenKind::JsPunctuation) + 1;

// Bytes [begin, end) of a line.
struct Token {
    uint32_t begin;
    uint32_t end;
    TokenKind kind;
};

// Where the tokenizer stands at a line start: all it needs to go on from there. Opaque to
// callers: copy it and compare it, nothing else. Fields that the current mode does not use are
// always zero, so equal states mean equal futures.
struct LineState {
    uint8_t html = 0;                // what HTML construct is open (text, tag, comment, ...)
    uint8_t tag = 0;                 // the kind of tag being read (script, style, other)
    uint8_t attribute = 0;           // the kind of the last attribute name read in that tag
    uint8_t expect_value = 0;        // an '=' was read: an attribute value comes next
    uint8_t quote = 0;               // the quote that closes the attribute value being read
    uint8_t js = 0;                  // code, block comment, string, template
    uint8_t js_regex_allowed = 0;    // a '/' here would start a regular expression
    uint8_t js_substitutions = 0;    // how many template ${ } are open
    uint8_t js_braces[4] = {};       // open { } inside each of them
    uint8_t css = 0;                 // normal, comment, string
    uint8_t css_context = 0;         // selector, at-rule prelude, property, value
    uint8_t css_block_of_rules = 0;  // the at-rule being read opens a block of rules (@media)
    uint8_t css_depth = 0;           // open { }
    uint32_t css_rule_levels = 0;    // bit i: the block at depth i holds rules, not declarations

    bool operator==(const LineState& other) const;
    bool operator!=(const LineState& other) const { return !(*this == other); }
};

// Tokenizes `line` (without its '\n') from `state`, appends its tokens to `out` (when not null)
// and returns the state at the start of the next line. The tokens appended are in order and cover
// the line exactly: every byte is in one token, and two tokens side by side differ in kind.
LineState tokenizeLine(std::string_view line, LineState state, std::vector<Token>* out);

// The single replacement that turns `before` into `after`: bytes [offset, offset + removed) of
// `before` became `inserted` bytes. The shortest one: common prefix and suffix are left out.
struct TextEdit {
    size_t offset = 0;
    size_t removed = 0;
    size_t inserted = 0;
};
TextEdit findEdit(std::string_view before, std::string_view after);

// A document's lines and the tokenizer state at each line start, kept across edits. Methods
// that take `text` need the document as it is after the last reset() or applyEdit().
class HtmlTokenizer {
public:
    HtmlTokenizer() { reset({}); }

    // Starts over on `text`: nothing cached is kept.
    void reset(std::string_view text);

    // `text` is the document after `edit` (against the text of the last reset or edit). Updates
    // the line index in O(lines + edit) and drops the states from the edited line on, keeping
    // those after the edit to compare against. Returns the first line the edit touched. An edit
    // that does not fit the text it knows (sizes disagree) makes it start over on `text`.
    size_t applyEdit(std::string_view text, const TextEdit& edit);

    // Lines are separated by '\n': a text of n newlines has n + 1 lines.
    size_t lineCount() const { return line_starts_.size(); }
    // Byte offset of line `line` (< lineCount()).
    size_t lineStart(size_t line) const { return line_starts_[line]; }
    // The bytes of line `line`, without its '\n'.
    std::string_view line(std::string_view text, size_t line) const;
    // The line holding byte `offset` (a newline belongs to the line it ends); offsets past the
    // end give the last line.
    size_t lineOf(size_t offset) const;

    // Clears `out` and fills it with the tokens of line `line` (< lineCount()). Tokenizes first
    // the lines before it whose start state is not known yet.
    void tokens(std::string_view text, size_t line, std::vector<Token>& out);

    // The state at the start of line `line` (< lineCount()), tokenizing up to it as needed.
    const LineState& stateAt(std::string_view text, size_t line);

    // Lines tokenized to learn states, since construction: what an edit cost (tests, benchmarks).
    size_t linesTokenized() const { return lines_tokenized_; }

private:
    std::vector<size_t> line_starts_;
    size_t text_size_ = 0;
    std::vector<LineState> states_;  // states_[i]: the state at the start of line i
    size_t valid_ = 1;               // states_[0, valid_) are right
    // states_[reuse_begin_, reuse_end_) follow from each other line by line (they were right
    // before the last edit, for lines the edit did not touch): once the state computed at one
    // of those lines equals the cached one, all the rest of them are right again.
    size_t reuse_begin_ = 0;
    size_t reuse_end_ = 0;
    size_t lines_tokenized_ = 0;
};

}  // namespace kiln::syntax
