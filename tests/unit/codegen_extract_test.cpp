// Finding the app's code in a model's answer.
#include <gtest/gtest.h>

#include "core/codegen/extract.h"

using kiln::codegen::extractCode;
using kiln::codegen::ExtractedCode;

namespace {

const std::string kDocument = "<!DOCTYPE html>\n<html>\n<body><p>Hi</p></body>\n</html>\n";

}  // namespace

TEST(ExtractCode, TakesTheHtmlBlockAndDropsTheProseAroundIt) {
    const ExtractedCode code = extractCode("Here is your app:\n\n```html\n" + kDocument + "```\n\nEnjoy!\n");
    EXPECT_TRUE(code.found);
    EXPECT_TRUE(code.complete);
    EXPECT_EQ(code.code, kDocument);
}

TEST(ExtractCode, SkipsBlocksInOtherLanguages) {
    const ExtractedCode code =
        extractCode("First the styles:\n```css\np { color: red; }\n```\nThen the page:\n```HTML\n<p>x</p>\n```\n");
    EXPECT_EQ(code.code, "<p>x</p>\n");
    EXPECT_TRUE(code.complete);
}

TEST(ExtractCode, TakesAnUnlabelledBlockThatHoldsADocument) {
    EXPECT_EQ(extractCode("```\n" + kDocument + "```").code, kDocument);
    EXPECT_EQ(extractCode("```text\nnot code\n```\n~~~\n<HTML>\n</HTML>\n~~~\n").code, "<HTML>\n</HTML>\n");
}

TEST(ExtractCode, AnUnclosedBlockIsWhatArrivedMarkedIncomplete) {
    const ExtractedCode code = extractCode("Sure.\n```html\n<!DOCTYPE html>\n<html>\n<bo");
    EXPECT_TRUE(code.found);
    EXPECT_FALSE(code.complete);
    EXPECT_EQ(code.code, "<!DOCTYPE html>\n<html>\n<bo");
    // The moment the fence opens, while streaming, there is already an (empty) block.
    const ExtractedCode opening = extractCode("```html\n");
    EXPECT_TRUE(opening.found);
    EXPECT_EQ(opening.code, "");
}

TEST(ExtractCode, ALongerFenceHoldsShorterOnes) {
    const std::string inner = "<script>\nconst md = `\n```js\nx()\n```\n`;\n</script>\n";
    const ExtractedCode code = extractCode("````html\n" + inner + "````\n");
    EXPECT_EQ(code.code, inner);
    EXPECT_TRUE(code.complete);
}

TEST(ExtractCode, FencesFollowCommonMarkIndentationAndClosingRules) {
    EXPECT_EQ(extractCode("   ```html\n<p>a</p>\n   ```   \n").code, "<p>a</p>\n");
    // Four spaces make an indented code line, not a fence; a closing fence takes no info string.
    EXPECT_FALSE(extractCode("    ```html\n<p>a</p>\n").found);
    const ExtractedCode code = extractCode("```html\n<p>a</p>\n```js\n<p>b</p>\n```\n");
    EXPECT_EQ(code.code, "<p>a</p>\n```js\n<p>b</p>\n");
}

TEST(ExtractCode, TakesABareDocumentFromItsFirstLineToTheLastClosingTag) {
    const ExtractedCode code = extractCode("Here it is:\n\n" + kDocument + "\nHope it helps.");
    EXPECT_TRUE(code.found);
    EXPECT_TRUE(code.complete);
    EXPECT_EQ(code.code, kDocument);
    EXPECT_EQ(extractCode("  <html lang=\"en\"><body></body></html>").code, "<html lang=\"en\"><body></body></html>\n");
}

TEST(ExtractCode, ABareDocumentWithoutItsClosingTagIsIncomplete) {
    const ExtractedCode code = extractCode("<!doctype html>\n<html>\n<body>");
    EXPECT_TRUE(code.found);
    EXPECT_FALSE(code.complete);
    EXPECT_EQ(code.code, "<!doctype html>\n<html>\n<body>");
}

TEST(ExtractCode, FindsNothingInProseOrFragmentsOutsideBlocks) {
    for (const char* answer : {"", "I can't help with that.", "Use the <html> element.", "<p>just a fragment</p>",
                               "```python\nprint('<html>')\n```", "<htmlish>"}) {
        const ExtractedCode code = extractCode(answer);
        EXPECT_FALSE(code.found) << answer;
        EXPECT_EQ(code.code, "") << answer;
    }
}

TEST(ExtractCode, AcceptsCrlfAnswers) {
    const ExtractedCode code = extractCode("Here:\r\n```html\r\n<p>a</p>\r\n```\r\n");
    EXPECT_EQ(code.code, "<p>a</p>\r\n");
    EXPECT_TRUE(code.complete);
}
