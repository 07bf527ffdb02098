// The code panel's HTML tokenizer, as a spec. Each line of a document is shown as its tokens,
// "Kind:text" separated by spaces (whitespace-only Text tokens left out), lines joined by " | ".
#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "core/syntax/html_tokenizer.h"

using namespace kiln::syntax;

namespace {

const char* kindName(TokenKind kind) {
    static const char* const kNames[kTokenKindCount] = {
        "Text",     "Tag",      "AttrName", "AttrValue", "Comment",  "Doctype",   "Entity",
        "Selector", "Property", "CssValue", "CssNumber", "AtRule",   "CssString", "CssPunct",
        "Keyword",  "Ident",    "JsString", "Template",  "JsNumber", "Regex",     "JsPunct",
    };
    return kNames[static_cast<int>(kind)];
}

std::vector<std::string> splitLines(const std::string& text) {
    std::vector<std::string> lines(1);
    for (char c : text) {
        if (c == '\n') {
            lines.emplace_back();
        } else {
            lines.back() += c;
        }
    }
    return lines;
}

std::string describe(std::string_view line, const std::vector<Token>& tokens) {
    std::string out;
    for (const Token& token : tokens) {
        std::string_view text = line.substr(token.begin, token.end - token.begin);
        if (token.kind == TokenKind::Text && text.find_first_not_of(" \t\r") == std::string_view::npos) continue;
        if (!out.empty()) out += ' ';
        out += kindName(token.kind);
        out += ':';
        out += text;
    }
    return out;
}

// The document's tokens, line by line, through HtmlTokenizer.
std::string colour(const std::string& text) {
    HtmlTokenizer tokenizer;
    tokenizer.reset(text);
    std::vector<Token> tokens;
    std::string out;
    for (size_t i = 0; i < tokenizer.lineCount(); ++i) {
        tokenizer.tokens(text, i, tokens);
        if (i > 0) out += " | ";
        out += describe(tokenizer.line(text, i), tokens);
    }
    return out;
}

// The same, with tokenizeLine alone: the state handed from line to line by hand.
std::vector<std::vector<Token>> tokenizeByHand(const std::vector<std::string>& lines, LineState& state) {
    std::vector<std::vector<Token>> result;
    for (const std::string& line : lines) {
        result.emplace_back();
        state = tokenizeLine(line, state, &result.back());
    }
    return result;
}

bool sameTokens(const std::vector<Token>& a, const std::vector<Token>& b) {
    if (a.size() != b.size()) return false;
    for (size_t i = 0; i < a.size(); ++i) {
        if (a[i].begin != b[i].begin || a[i].end != b[i].end || a[i].kind != b[i].kind) return false;
    }
    return true;
}

}  // namespace

// --- HTML -----------------------------------------------------------------------------------

TEST(HtmlTokenizer, ColoursTagsAttributesAndText) {
    EXPECT_EQ(
        colour(R"~(<p class="lead" hidden>Hi &amp; bye</p>)~"),
        R"~(Tag:<p AttrName:class Text:= AttrValue:"lead" AttrName:hidden Tag:> Text:Hi  Entity:&amp; Text: bye Tag:</p>)~");
}

TEST(HtmlTokenizer, ColoursDoctypeCommentsAndEntities) {
    EXPECT_EQ(colour("<!DOCTYPE html><!-- note -->&#169;&#x1F600;&nope"),
              "Doctype:<!DOCTYPE html> Comment:<!-- note --> Entity:&#169;&#x1F600; Text:&nope");
}

TEST(HtmlTokenizer, AttributesMaySpanLinesAndBeUnquoted) {
    EXPECT_EQ(colour("<a href=/x\n  title='a\nb'>"),
              "Tag:<a AttrName:href Text:= AttrValue:/x | AttrName:title Text:= AttrValue:'a | AttrValue:b' Tag:>");
}

TEST(HtmlTokenizer, CommentsSpanLines) {
    EXPECT_EQ(colour("a<!-- one\n<b>two</b>\n-->c"),
              "Text:a Comment:<!-- one | Comment:<b>two</b> | Comment:--> Text:c");
}

TEST(HtmlTokenizer, ALoneLessThanIsText) {
    EXPECT_EQ(colour("1 < 2 <3 </ >"), "Text:1 < 2 <3 </ >");
}

// --- Switching into and out of CSS and JavaScript ------------------------------------------------

TEST(HtmlTokenizer, ScriptContentIsJavascript) {
    EXPECT_EQ(colour("<script>let x = 1;</script><p>"),
              "Tag:<script> Keyword:let Ident:x JsPunct:= JsNumber:1 JsPunct:; Tag:</script><p>");
}

TEST(HtmlTokenizer, StyleContentIsCss) {
    EXPECT_EQ(colour("<style>\nbody > p { color: #fff; margin: 0 1.5em !important }\n</style>"),
              "Tag:<style> | Selector:body Selector:> Selector:p CssPunct:{ Property:color CssPunct:: "
              "CssNumber:#fff CssPunct:; Property:margin CssPunct:: CssNumber:0 CssNumber:1.5em AtRule:!important "
              "CssPunct:} | Tag:</style>");
}

TEST(HtmlTokenizer, StyleAttributeHoldsDeclarations) {
    EXPECT_EQ(colour(R"~(<div style="color: red; width: 10px">)~"),
              R"~(Tag:<div AttrName:style Text:= AttrValue:" Property:color CssPunct:: CssValue:red CssPunct:; )~"
              R"~(Property:width CssPunct:: CssNumber:10px AttrValue:" Tag:>)~");
}

TEST(HtmlTokenizer, EventAttributesHoldJavascript) {
    EXPECT_EQ(colour(R"~(<button onclick="go('a', 2)">)~"),
              R"~(Tag:<button AttrName:onclick Text:= AttrValue:" Ident:go JsPunct:( JsString:'a' JsPunct:, )~"
              R"~(JsNumber:2 JsPunct:) AttrValue:" Tag:>)~");
}

TEST(HtmlTokenizer, TheAttributeQuoteEndsTheCodeInsideIt) {
    // As in a browser: the attribute ends at its quote even inside a JavaScript string.
    EXPECT_EQ(colour(R"~(<a onclick='alert("it's')" id=x>)~"),
              R"~(Tag:<a AttrName:onclick Text:= AttrValue:' Ident:alert JsPunct:( JsString:"it AttrValue:' )~"
              R"~(AttrName:s')" AttrName:id Text:= AttrValue:x Tag:>)~");
}

TEST(HtmlTokenizer, EndScriptTagInsideAJavascriptStringEndsTheScript) {
    EXPECT_EQ(colour("<script>var s = \"</script>\";</script>"),
              "Tag:<script> Keyword:var Ident:s JsPunct:= JsString:\" Tag:</script> Text:\"; Tag:</script>");
}

TEST(HtmlTokenizer, EndScriptTagInsideAJavascriptCommentEndsTheScript) {
    EXPECT_EQ(colour("<script>/* a\n</SCRIPT >b"), "Tag:<script> Comment:/* a | Tag:</SCRIPT Tag:> Text:b");
}

TEST(HtmlTokenizer, ScriptNameMustEndForTheTagToEndTheScript) {
    EXPECT_EQ(colour("<script>a</scripts>"), "Tag:<script> Ident:a JsPunct:</ Ident:scripts JsPunct:>");
}

TEST(HtmlTokenizer, SelfClosingScriptStillHoldsScript) {
    EXPECT_EQ(colour("<script src=a.js/>x</script>"),
              "Tag:<script AttrName:src Text:= AttrValue:a.js/ Tag:> Ident:x Tag:</script>");
    EXPECT_EQ(colour("<script/>x</script>"), "Tag:<script/> Ident:x Tag:</script>");
}

// --- JavaScript --------------------------------------------------------------------------------

TEST(HtmlTokenizer, JavascriptStringsWithEscapes) {
    EXPECT_EQ(colour(R"~(<script>f('it\'s', "a\"b\\", 'x\\'))~"),
              R"~(Tag:<script> Ident:f JsPunct:( JsString:'it\'s' JsPunct:, JsString:"a\"b\\" JsPunct:, )~"
              R"~(JsString:'x\\' JsPunct:))~");
}

TEST(HtmlTokenizer, AStringEndsAtTheLineUnlessItsEndIsEscaped) {
    EXPECT_EQ(colour("<script>'open\nx 'go on\\\nstill' y"),
              "Tag:<script> JsString:'open | Ident:x JsString:'go on\\ | JsString:still' Ident:y");
}

TEST(HtmlTokenizer, TemplateLiteralsSpanLinesAndNest) {
    EXPECT_EQ(colour("<script>`a ${b + `c${d}`} e\nf ${ {g: 1}.g } h` / 2"),
              "Tag:<script> Template:`a  JsPunct:${ Ident:b JsPunct:+ Template:`c JsPunct:${ Ident:d "
              "JsPunct:} Template:` JsPunct:} Template: e | Template:f  JsPunct:${ JsPunct:{ Ident:g JsPunct:: "
              "JsNumber:1 JsPunct:}. Ident:g JsPunct:} Template: h` JsPunct:/ JsNumber:2");
}

TEST(HtmlTokenizer, CommentsInJavascript) {
    EXPECT_EQ(colour("<script>a // b\n/* c\nd */ e"),
              "Tag:<script> Ident:a Comment:// b | Comment:/* c | Comment:d */ Ident:e");
}

TEST(HtmlTokenizer, RegexOrDivisionByWhatComesBefore) {
    EXPECT_EQ(colour("<script>x = a / b / c; y = /a[/]b/gi.test(s); return /z/\n(a) / 2"),
              "Tag:<script> Ident:x JsPunct:= Ident:a JsPunct:/ Ident:b JsPunct:/ Ident:c JsPunct:; Ident:y "
              "JsPunct:= Regex:/a[/]b/gi JsPunct:. Ident:test JsPunct:( Ident:s JsPunct:); Keyword:return Regex:/z/ "
              "| JsPunct:( Ident:a JsPunct:) JsPunct:/ JsNumber:2");
}

TEST(HtmlTokenizer, ARegexMustCloseOnItsLine) {
    EXPECT_EQ(colour("<script>x(/ 2"), "Tag:<script> Ident:x JsPunct:(/ JsNumber:2");
}

TEST(HtmlTokenizer, KeywordsNumbersAndProperties) {
    EXPECT_EQ(colour("<script>const n = 0x1F + 1e-3 + 10n; p.catch(); await null"),
              "Tag:<script> Keyword:const Ident:n JsPunct:= JsNumber:0x1F JsPunct:+ JsNumber:1e-3 JsPunct:+ "
              "JsNumber:10n JsPunct:; Ident:p JsPunct:. Ident:catch JsPunct:(); Keyword:await Keyword:null");
}

// --- CSS ---------------------------------------------------------------------------------------

TEST(HtmlTokenizer, AtRulesWithBlocksOfRules) {
    EXPECT_EQ(colour("<style>@media (max-width: 600px) {\n  .a:hover { top: 0 }\n}\n@import 'x.css';"),
              "Tag:<style> AtRule:@media CssPunct:( CssValue:max-width CssPunct:: CssNumber:600px CssPunct:) "
              "CssPunct:{ | Selector:.a:hover CssPunct:{ Property:top CssPunct:: CssNumber:0 CssPunct:} | CssPunct:} | "
              "AtRule:@import CssString:'x.css' CssPunct:;");
}

TEST(HtmlTokenizer, NestedRulesInsideDeclarations) {
    EXPECT_EQ(colour("<style>.card { color: red;\n  &:hover { color: blue }\n  .title { margin: 0 } }"),
              "Tag:<style> Selector:.card CssPunct:{ Property:color CssPunct:: CssValue:red CssPunct:; | "
              "Selector:&:hover CssPunct:{ Property:color CssPunct:: CssValue:blue CssPunct:} | Selector:.title "
              "CssPunct:{ Property:margin CssPunct:: CssNumber:0 CssPunct:} CssPunct:}");
}

TEST(HtmlTokenizer, CssCommentsAndStringsSpanLines) {
    EXPECT_EQ(colour("<style>/* a\nb */ p { content: \"x\\\ny\" }"),
              "Tag:<style> Comment:/* a | Comment:b */ Selector:p CssPunct:{ Property:content CssPunct:: "
              "CssString:\"x\\ | CssString:y\" CssPunct:}");
}

TEST(HtmlTokenizer, EndStyleTagEndsCssAnywhere) {
    EXPECT_EQ(colour("<style>p { content: '</style>"),
              "Tag:<style> Selector:p CssPunct:{ Property:content "
              "CssPunct:: CssString:' Tag:</style>");
}

// --- Lines and states --------------------------------------------------------------------------

TEST(HtmlTokenizer, TokensCoverEveryByteInOrder) {
    const std::string line = "<p a=\"&amp;\" style='x:1'>t<script>`${1}`/ 2</script><!-- --> &#1;";
    std::vector<Token> tokens;
    tokenizeLine(line, LineState{}, &tokens);
    uint32_t at = 0;
    for (size_t i = 0; i < tokens.size(); ++i) {
        EXPECT_EQ(tokens[i].begin, at);
        EXPECT_LT(tokens[i].begin, tokens[i].end);
        if (i > 0) {
            EXPECT_NE(tokens[i].kind, tokens[i - 1].kind) << "neighbours of one kind are merged";
        }
        at = tokens[i].end;
    }
    EXPECT_EQ(at, line.size());
}

TEST(HtmlTokenizer, LinesAndOffsets) {
    HtmlTokenizer tokenizer;
    const std::string text = "ab\n\ncd\n";
    tokenizer.reset(text);
    ASSERT_EQ(tokenizer.lineCount(), 4u);
    EXPECT_EQ(tokenizer.line(text, 0), "ab");
    EXPECT_EQ(tokenizer.line(text, 1), "");
    EXPECT_EQ(tokenizer.line(text, 2), "cd");
    EXPECT_EQ(tokenizer.line(text, 3), "");
    EXPECT_EQ(tokenizer.lineOf(0), 0u);
    EXPECT_EQ(tokenizer.lineOf(2), 0u) << "a newline belongs to the line it ends";
    EXPECT_EQ(tokenizer.lineOf(3), 1u);
    EXPECT_EQ(tokenizer.lineOf(7), 3u);
    EXPECT_EQ(tokenizer.lineOf(100), 3u);
}

TEST(HtmlTokenizer, FindEditIsTheShortestReplacement) {
    auto check = [](const std::string& before, const std::string& after, size_t offset, size_t removed,
                    size_t inserted) {
        TextEdit edit = findEdit(before, after);
        EXPECT_EQ(edit.offset, offset) << before << " -> " << after;
        EXPECT_EQ(edit.removed, removed) << before << " -> " << after;
        EXPECT_EQ(edit.inserted, inserted) << before << " -> " << after;
    };
    check("abc", "abc", 3, 0, 0);
    check("abc", "abXc", 2, 0, 1);
    check("abc", "ac", 1, 1, 0);
    check("", "xyz", 0, 0, 3);
    check("aaaa", "aa", 2, 2, 0);
    check(std::string(200, 'a') + "b" + std::string(200, 'c'), std::string(200, 'a') + "XY" + std::string(200, 'c'),
          200, 1, 2);
}

TEST(HtmlTokenizer, AnEditNearTheTopRetokenizesOnlyUntilTheStatesAgreeAgain) {
    std::string text;
    for (int i = 0; i < 2000; ++i) text += "<p class=\"row\">line " + std::to_string(i) + "</p>\n";
    HtmlTokenizer tokenizer;
    tokenizer.reset(text);
    std::vector<Token> tokens;
    tokenizer.tokens(text, 1000, tokens);
    EXPECT_EQ(tokenizer.linesTokenized(), 1000u);

    // A word typed on line 3: the state at line 4's start is the one cached, so the rest holds.
    const std::string before = text;
    text.insert(tokenizer.lineStart(3) + 5, "xyz");
    EXPECT_EQ(tokenizer.applyEdit(text, findEdit(before, text)), 3u);
    tokenizer.tokens(text, 1000, tokens);
    EXPECT_EQ(tokenizer.linesTokenized(), 1001u);
    EXPECT_EQ(describe(tokenizer.line(text, 1000), tokens),
              "Tag:<p AttrName:class Text:= AttrValue:\"row\" Tag:> Text:line 1000 Tag:</p>");

    // Opening a comment changes every line after it: they are re-tokenized, but only up to the line asked for.
    const std::string before_comment = text;
    text.insert(0, "<!--");
    tokenizer.applyEdit(text, findEdit(before_comment, text));
    tokenizer.tokens(text, 1000, tokens);
    EXPECT_EQ(tokenizer.linesTokenized(), 2001u);
    EXPECT_EQ(describe(tokenizer.line(text, 1000), tokens), "Comment:<p class=\"row\">line 1000</p>");
}

TEST(HtmlTokenizer, AnEditThatDoesNotFitStartsOver) {
    HtmlTokenizer tokenizer;
    tokenizer.reset("abc");
    EXPECT_EQ(tokenizer.applyEdit("a\nb", TextEdit{10, 5, 1}), 0u);
    EXPECT_EQ(tokenizer.lineCount(), 2u);
}

// --- Properties --------------------------------------------------------------------------------

namespace {

// Pieces that open and close every construct, spliced at random into documents.
const char* const kPieces[] = {
    "<script>",    "</script>", "<style>", "</style>", "<!--",     "-->",     "<!DOCTYPE html>",
    "<p class=\"", "\"",        "'",       "`",        "${",       "}",       "{",
    "/*",          "*/",        "//",      "\\",       "/",        "/x/g",    " style='",
    " onclick=\"", "&amp;",     "&#x",     ";",        ":",        "@media ", "\n",
    "\n",          "\n",        "a",       " ",        "1.5em",    "let ",    "return ",
    "<",           ">",         "=",       "\r\n",     "\xE2\x82", "\xFF",
};

std::string randomDocument(std::mt19937& random, int pieces) {
    std::string text;
    std::uniform_int_distribution<size_t> pick(0, std::size(kPieces) - 1);
    for (int i = 0; i < pieces; ++i) text += kPieces[pick(random)];
    return text;
}

}  // namespace

TEST(HtmlTokenizerProperty, AnySplitOfTheLinesTokenizesLikeTheWhole) {
    std::mt19937 random(1234);
    for (int round = 0; round < 300; ++round) {
        const std::string text = randomDocument(random, 60);
        HtmlTokenizer whole;
        whole.reset(text);
        const std::vector<std::string> lines = splitLines(text);
        ASSERT_EQ(lines.size(), whole.lineCount());

        // The lines cut into random runs, each run tokenized on its own from the state the
        // previous one ended in.
        LineState state;
        std::vector<std::vector<Token>> pieces;
        for (size_t at = 0; at < lines.size();) {
            const size_t length = std::uniform_int_distribution<size_t>(1, lines.size() - at)(random);
            std::vector<std::string> run(lines.begin() + static_cast<long>(at),
                                         lines.begin() + static_cast<long>(at + length));
            for (auto& line_tokens : tokenizeByHand(run, state)) pieces.push_back(std::move(line_tokens));
            at += length;
        }
        std::vector<Token> tokens;
        for (size_t i = 0; i < lines.size(); ++i) {
            whole.tokens(text, i, tokens);
            ASSERT_TRUE(sameTokens(tokens, pieces[i])) << "round " << round << ", line " << i;
        }
    }
}

TEST(HtmlTokenizerProperty, IncrementalEditsTokenizeLikeAFreshStart) {
    std::mt19937 random(99);
    for (int round = 0; round < 200; ++round) {
        std::string text = randomDocument(random, 80);
        HtmlTokenizer incremental;
        incremental.reset(text);
        std::vector<Token> tokens, expected;
        for (int edit = 0; edit < 12; ++edit) {
            // Look at a random line (so some states are cached), then edit anywhere.
            incremental.tokens(text, std::uniform_int_distribution<size_t>(0, incremental.lineCount() - 1)(random),
                               tokens);
            const std::string before = text;
            const size_t offset = std::uniform_int_distribution<size_t>(0, text.size())(random);
            const size_t removed =
                std::uniform_int_distribution<size_t>(0, std::min<size_t>(text.size() - offset, 12))(random);
            text.replace(offset, removed, randomDocument(random, std::uniform_int_distribution<int>(0, 3)(random)));
            incremental.applyEdit(text, findEdit(before, text));

            HtmlTokenizer fresh;
            fresh.reset(text);
            ASSERT_EQ(incremental.lineCount(), fresh.lineCount());
            // Lines in a random order, so that the lazy tokenizing is caught out if it can be.
            std::vector<size_t> order(fresh.lineCount());
            for (size_t i = 0; i < order.size(); ++i) order[i] = i;
            std::shuffle(order.begin(), order.end(), random);
            for (size_t line : order) {
                ASSERT_EQ(incremental.line(text, line), fresh.line(text, line));
                incremental.tokens(text, line, tokens);
                fresh.tokens(text, line, expected);
                ASSERT_TRUE(sameTokens(tokens, expected))
                    << "round " << round << ", edit " << edit << ", line " << line;
            }
        }
    }
}

TEST(HtmlTokenizerProperty, MalformedInputNeverCrashesAndIsCoveredExactly) {
    std::mt19937 random(7);
    std::vector<Token> tokens;
    for (int round = 0; round < 2000; ++round) {
        std::string line(std::uniform_int_distribution<size_t>(0, 64)(random), '\0');
        for (char& c : line) c = static_cast<char>(std::uniform_int_distribution<int>(0, 255)(random));
        LineState state;
        state = tokenizeLine(randomDocument(random, 5), state, nullptr);  // from some random state
        tokens.clear();
        tokenizeLine(line, state, &tokens);
        size_t covered = 0;
        for (const Token& token : tokens) {
            ASSERT_EQ(token.begin, covered);
            covered = token.end;
        }
        ASSERT_EQ(covered, line.size());
    }
}
