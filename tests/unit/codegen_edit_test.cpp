// Search/replace edit blocks: parsed from an answer, applied all or nothing.
#include <gtest/gtest.h>

#include "core/codegen/edit_blocks.h"

using namespace kiln::codegen;

namespace {

const std::string kCode =
    "<!DOCTYPE html>\n"
    "<html>\n"
    "<body>\n"
    "  <h1>Todo</h1>\n"
    "  <ul id=\"list\"></ul>\n"
    "  <button>Add</button>\n"
    "  <button>Add</button>\n"
    "</body>\n"
    "</html>\n";

std::string block(const std::string& search, const std::string& replace) {
    return "<<<<<<< SEARCH\n" + search + "=======\n" + replace + ">>>>>>> REPLACE\n";
}

}  // namespace

TEST(EditBlocks, ParsesEveryBlockAndIgnoresProseAndFencesAroundThem) {
    const std::string answer = "I'll rename the title.\n\n```html\n" +
                               block("  <h1>Todo</h1>\n", "  <h1>Tasks</h1>\n") + "```\n\nAnd the list:\n" +
                               block("  <ul id=\"list\"></ul>\n", "") + "Done.\n";
    ASSERT_TRUE(hasEditBlocks(answer));
    const ParsedEdits parsed = parseEditBlocks(answer);
    EXPECT_EQ(parsed.error, "");
    ASSERT_EQ(parsed.blocks.size(), 2u);
    EXPECT_EQ(parsed.blocks[0].search, "  <h1>Todo</h1>\n");
    EXPECT_EQ(parsed.blocks[0].replace, "  <h1>Tasks</h1>\n");
    EXPECT_EQ(parsed.blocks[0].answer_line, 4u);
    EXPECT_EQ(parsed.blocks[1].replace, "");
}

TEST(EditBlocks, AcceptsMarkerVariantsModelsWrite) {
    const ParsedEdits parsed = parseEditBlocks("<<<<< SEARCH  \r\na\r\n=========\r\nb\r\n>>>>>>>>> REPLACE\r\n");
    ASSERT_EQ(parsed.blocks.size(), 1u) << parsed.error;
    EXPECT_EQ(parsed.blocks[0].search, "a\n");
    EXPECT_EQ(parsed.blocks[0].replace, "b\n");
    EXPECT_FALSE(hasEditBlocks("<<<< SEARCH\n"));
    EXPECT_FALSE(hasEditBlocks("<<<<<<< SEARCH for it\n"));
}

TEST(EditBlocks, AppliesBlocksInOrderEachToTheResultOfTheOnesBefore) {
    const EditResult result =
        applyEditAnswer(kCode, block("  <h1>Todo</h1>\n", "  <h1>Tasks</h1>\n  <p>Plan the day</p>\n") +
                                   block("  <p>Plan the day</p>\n  <ul id=\"list\"></ul>\n",
                                         "  <p>Plan the week</p>\n  <ol id=\"list\"></ol>\n"));
    ASSERT_TRUE(result.ok) << result.message;
    EXPECT_EQ(result.code,
              "<!DOCTYPE html>\n<html>\n<body>\n  <h1>Tasks</h1>\n  <p>Plan the week</p>\n  <ol id=\"list\"></ol>\n"
              "  <button>Add</button>\n  <button>Add</button>\n</body>\n</html>\n");
    EXPECT_EQ(result.failure, EditFailure::None);
}

TEST(EditBlocks, DeletesAndInsertsLines) {
    EXPECT_EQ(applyEditAnswer(kCode, block("  <ul id=\"list\"></ul>\n", "")).code,
              "<!DOCTYPE html>\n<html>\n<body>\n  <h1>Todo</h1>\n  <button>Add</button>\n  <button>Add</button>\n"
              "</body>\n</html>\n");
    EXPECT_EQ(applyEditAnswer("a\nb", block("b\n", "b\nc\n")).code, "a\nb\nc");  // no newline at the end stays so
    EXPECT_EQ(applyEditAnswer("a\nb\n", block("a\n", "")).code, "b\n");
}

TEST(EditBlocks, ToleratesTrailingWhitespaceDifferencesOnly) {
    const EditResult result =
        applyEditAnswer("<p>a</p>   \n<p>b</p>\n", block("<p>a</p>\n<p>b</p>  \t\n", "<p>c</p>\n"));
    ASSERT_TRUE(result.ok) << result.message;
    EXPECT_EQ(result.code, "<p>c</p>\n");
    EXPECT_EQ(result.tolerant_matches, 1u);
    // Leading whitespace is part of the line.
    const EditResult indented = applyEditAnswer("  <p>a</p>\n", block("<p>a</p>\n", "<p>c</p>\n"));
    EXPECT_FALSE(indented.ok);
    EXPECT_EQ(indented.failure, EditFailure::NotFound);
}

TEST(EditBlocks, AnEmptySearchLineMatchesAWhitespaceOnlyLine) {
    // Met by the edit blocks fuzz target: a last line of spaces, without a line end, is a line
    // like any other for the tolerant match, and stays without a line end when replaced.
    const EditResult result = applyEditAnswer("a\n  ", block("\n", "b\n"));
    ASSERT_TRUE(result.ok) << result.message;
    EXPECT_EQ(result.code, "a\nb");
    EXPECT_EQ(result.tolerant_matches, 1u);
}

TEST(EditBlocks, KeepsTheCodesCrlfLineEnds) {
    const EditResult result = applyEditAnswer("a\r\nb\r\nc\r\n", block("b\n", "x\ny\n"));
    ASSERT_TRUE(result.ok) << result.message;
    EXPECT_EQ(result.code, "a\r\nx\r\ny\r\nc\r\n");
    EXPECT_EQ(result.tolerant_matches, 0u);  // "\r\n" and "\n" are the same line end
}

TEST(EditBlocks, ASearchThatIsNotInTheCodeFailsNamingTheBlockAndTheFirstDifference) {
    const EditResult result =
        applyEditAnswer(kCode, block("  <h1>Todo</h1>\n", "  <h1>Tasks</h1>\n") +
                                   block("<body>\n  <h1>Todo</h1>\n  <ul id=\"items\"></ul>\n", "<body>\n"));
    EXPECT_FALSE(result.ok);
    EXPECT_EQ(result.code, "");  // never half-applied
    EXPECT_EQ(result.failure, EditFailure::NotFound);
    EXPECT_EQ(result.failed_block, 1u);
    EXPECT_EQ(result.message,
              "Edit block 2 of 2 (line 6 of the answer) does not match the code: only its first SEARCH line "
              "matches (line 3 of the code), then its line \"  <h1>Todo</h1>\" differs from the code's "
              "\"  <h1>Tasks</h1>\".");
    const EditResult missing = applyEditAnswer(kCode, block("<footer>\n", ""));
    EXPECT_EQ(missing.message,
              "Edit block 1 of 1 (line 1 of the answer) does not match the code: its first SEARCH line "
              "\"<footer>\" is not in the code.");
}

TEST(EditBlocks, ASearchThatMatchesTwoPlacesFails) {
    const EditResult result =
        applyEditAnswer(kCode, block("  <button>Add</button>\n", "  <button>Add item</button>\n"));
    EXPECT_FALSE(result.ok);
    EXPECT_EQ(result.failure, EditFailure::Ambiguous);
    EXPECT_NE(result.message.find("matches 2 places (lines 6 and 7 of the code)"), std::string::npos) << result.message;
    // Quoting one more line makes it unique.
    EXPECT_TRUE(applyEditAnswer(kCode, block("  <button>Add</button>\n</body>\n", "</body>\n")).ok);
}

TEST(EditBlocks, ACutOrMisorderedBlockIsMalformedAndNothingApplies) {
    const std::string good = block("  <h1>Todo</h1>\n", "  <h1>Tasks</h1>\n");
    for (const std::string& answer :
         {good + "<<<<<<< SEARCH\n  <ul id=\"list\"></ul>\n=======\n  <ol>",      // cut off
          good + "<<<<<<< SEARCH\nx\n>>>>>>> REPLACE\n",                          // no divider
          good + "<<<<<<< SEARCH\nx\n=======\ny\n=======\nz\n>>>>>>> REPLACE\n",  // two dividers
          good + "<<<<<<< SEARCH\nx\n<<<<<<< SEARCH\n",                           // two searches
          std::string(">>>>>>> REPLACE\n")}) {                                    // a stray end
        const EditResult result = applyEditAnswer(kCode, answer);
        EXPECT_FALSE(result.ok) << answer;
        EXPECT_EQ(result.failure, EditFailure::Malformed) << answer;
        EXPECT_EQ(result.code, "");
        EXPECT_NE(result.message.find("Edit block"), std::string::npos) << result.message;
    }
    EXPECT_EQ(parseEditBlocks(good + "<<<<<<< SEARCH\nx\n=======\n").error,
              "Edit block 2 (line 6 of the answer) is cut off: the answer ended before its >>>>>>> REPLACE line.");
}

TEST(EditBlocks, AnEmptySearchOrNoBlockAtAllFails) {
    EXPECT_EQ(applyEditAnswer(kCode, block("", "x\n")).failure, EditFailure::EmptySearch);
    const EditResult none = applyEditAnswer(kCode, "Sure, here is the whole file instead.");
    EXPECT_EQ(none.failure, EditFailure::NoBlocks);
    EXPECT_FALSE(hasEditBlocks("Sure, here is the whole file instead."));
}

TEST(EditBlocks, AStrayDividerOutsideABlockIsProse) {
    const EditResult result =
        applyEditAnswer(kCode, "Title\n=======\n\n" + block("  <h1>Todo</h1>\n", "  <h1>Tasks</h1>\n"));
    EXPECT_TRUE(result.ok) << result.message;
}
