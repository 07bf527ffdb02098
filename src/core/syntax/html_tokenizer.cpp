// Index
//   HTML: text, tags, attributes, and the way into and out of CSS (css_tokenizer.cpp) and
//         JavaScript (js_tokenizer.cpp)
//   tokenizeLine, findEdit
//   HtmlTokenizer: line index and cached states
#include "core/syntax/html_tokenizer.h"

#include "core/syntax/tokenizer_cursor.h"

#include <algorithm>
#include <cstring>
#include <iterator>
#include <tuple>

namespace kiln::syntax {

// ---------------------------------------------------------------------------------------------
// HTML
// ---------------------------------------------------------------------------------------------

namespace {

using namespace detail;

enum class Html : uint8_t { Text, Tag, AttributeValue, Comment, Bogus, Script, Style };
enum class TagKind : uint8_t { None, Script, Style, Other };
enum class AttributeKind : uint8_t { None, Style, Event, Other };

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
