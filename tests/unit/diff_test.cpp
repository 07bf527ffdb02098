// The Changes view's line diff: shortest scripts, replaced blocks read old-then-new, unchanged
// stretches folded around a few lines of context, and huge rewrites still shown correctly.
#include <gtest/gtest.h>

#include <random>

#include "core/diff/line_diff.h"

using namespace kiln::diff;

namespace {

constexpr int kNoFolding = 1 << 20;

std::vector<std::string_view> views(const std::vector<std::string>& lines) {
    return {lines.begin(), lines.end()};
}

// The old and new texts read back from the rows (with no folding, every line has a row).
std::pair<std::vector<std::string>, std::vector<std::string>> sides(const LineDiff& diff,
                                                                    const std::vector<std::string>& before,
                                                                    const std::vector<std::string>& after) {
    std::vector<std::string> old_side, new_side;
    for (const Row& row : diff.rows) {
        EXPECT_NE(row.kind, RowKind::Folded);
        if (row.kind != RowKind::Added) old_side.push_back(before.at(row.old_line));
        if (row.kind != RowKind::Removed) new_side.push_back(after.at(row.new_line));
    }
    return {old_side, new_side};
}

size_t longestCommonSubsequence(const std::vector<std::string>& a, const std::vector<std::string>& b) {
    std::vector<std::vector<size_t>> table(a.size() + 1, std::vector<size_t>(b.size() + 1, 0));
    for (size_t i = 1; i <= a.size(); ++i) {
        for (size_t j = 1; j <= b.size(); ++j) {
            table[i][j] = a[i - 1] == b[j - 1] ? table[i - 1][j - 1] + 1 : std::max(table[i - 1][j], table[i][j - 1]);
        }
    }
    return table[a.size()][b.size()];
}

std::string kinds(const LineDiff& diff) {
    std::string out;
    for (const Row& row : diff.rows) {
        switch (row.kind) {
            case RowKind::Same:
                out += '=';
                break;
            case RowKind::Removed:
                out += '-';
                break;
            case RowKind::Added:
                out += '+';
                break;
            case RowKind::Folded:
                out += "[" + std::to_string(row.count) + "]";
                break;
        }
    }
    return out;
}

std::vector<std::string> numberedLines(int count) {
    std::vector<std::string> lines;
    for (int i = 0; i < count; ++i) lines.push_back("line " + std::to_string(i));
    return lines;
}

}  // namespace

TEST(LineDiff, SplitsLinesAsAnEditorCountsThem) {
    EXPECT_TRUE(splitLines("").empty());
    EXPECT_EQ(splitLines("a"), (std::vector<std::string_view>{"a"}));
    EXPECT_EQ(splitLines("a\n"), (std::vector<std::string_view>{"a"}));
    EXPECT_EQ(splitLines("a\n\nb"), (std::vector<std::string_view>{"a", "", "b"}));
}

TEST(LineDiff, IdenticalTextsHaveNoChangesAndFoldWhole) {
    const std::vector<std::string> lines = numberedLines(10);
    const LineDiff diff = diffLines(views(lines), views(lines));
    EXPECT_EQ(diff.added, 0);
    EXPECT_EQ(diff.removed, 0);
    EXPECT_EQ(kinds(diff), "[10]");
    EXPECT_TRUE(diffLines({}, {}).rows.empty());
}

TEST(LineDiff, AChangedLineShowsOldThenNewWithContextAndFoldsTheRest) {
    std::vector<std::string> before = numberedLines(20);
    std::vector<std::string> after = before;
    after[10] = "line ten, changed";
    const LineDiff diff = diffLines(views(before), views(after));
    EXPECT_EQ(kinds(diff), "[7]===-+===[6]");
    EXPECT_EQ(diff.removed, 1);
    EXPECT_EQ(diff.added, 1);
    const Row& removed = diff.rows[4];
    const Row& added = diff.rows[5];
    EXPECT_EQ(removed.old_line, 10);
    EXPECT_EQ(added.new_line, 10);
    EXPECT_EQ(diff.rows[0].count, 7);
    EXPECT_EQ(diff.rows.back().old_line, 14);
    EXPECT_EQ(diff.rows.back().new_line, 14);
}

TEST(LineDiff, ASingleHiddenLineIsShownRatherThanFolded) {
    std::vector<std::string> before = numberedLines(9);
    std::vector<std::string> after = before;
    after[0] = "first";
    after[8] = "last";
    EXPECT_EQ(kinds(diffLines(views(before), views(after))), "-+=======-+");
}

TEST(LineDiff, InsertionsAndDeletionsKeepLineNumbersOfTheirSide) {
    const std::vector<std::string> before = {"<html>", "<body>", "<p>old</p>", "</body>", "</html>"};
    const std::vector<std::string> after = {"<!DOCTYPE html>", "<html>", "<body>", "</body>", "</html>", ""};
    const LineDiff diff = diffLines(views(before), views(after), kNoFolding);
    EXPECT_EQ(kinds(diff), "+==-==+");
    EXPECT_EQ(diff.rows[0].new_line, 0);
    EXPECT_EQ(diff.rows[3].old_line, 2);
    EXPECT_EQ(diff.rows[6].new_line, 5);
    auto [old_side, new_side] = sides(diff, before, after);
    EXPECT_EQ(old_side, before);
    EXPECT_EQ(new_side, after);
}

TEST(LineDiff, ScriptsAreShortestAndRebuildBothTexts) {
    std::mt19937 random(7);
    for (int round = 0; round < 300; ++round) {
        std::vector<std::string> before, after;
        const int alphabet = 2 + round % 5;
        for (int i = 0, n = static_cast<int>(random() % 30); i < n; ++i)
            before.push_back(std::to_string(random() % alphabet));
        for (int i = 0, n = static_cast<int>(random() % 30); i < n; ++i)
            after.push_back(std::to_string(random() % alphabet));
        const LineDiff diff = diffLines(views(before), views(after), kNoFolding);
        SCOPED_TRACE("round " + std::to_string(round));
        ASSERT_FALSE(diff.approximate);
        auto [old_side, new_side] = sides(diff, before, after);
        EXPECT_EQ(old_side, before);
        EXPECT_EQ(new_side, after);
        const size_t common = longestCommonSubsequence(before, after);
        EXPECT_EQ(static_cast<size_t>(diff.removed), before.size() - common);
        EXPECT_EQ(static_cast<size_t>(diff.added), after.size() - common);
    }
}

TEST(LineDiff, AHugeRewriteIsShownAsRemovedThenAdded) {
    std::vector<std::string> before = numberedLines(700);
    std::vector<std::string> after;
    for (int i = 0; i < 700; ++i) after.push_back("other " + std::to_string(i));
    before.insert(before.begin(), "<!DOCTYPE html>");
    after.insert(after.begin(), "<!DOCTYPE html>");
    const LineDiff diff = diffLines(views(before), views(after), kNoFolding);
    EXPECT_TRUE(diff.approximate);
    EXPECT_EQ(diff.removed, 700);
    EXPECT_EQ(diff.added, 700);
    EXPECT_EQ(diff.rows[0].kind, RowKind::Same);
    EXPECT_EQ(diff.rows[1].kind, RowKind::Removed);
    EXPECT_EQ(diff.rows[701].kind, RowKind::Added);
    auto [old_side, new_side] = sides(diff, before, after);
    EXPECT_EQ(old_side, before);
    EXPECT_EQ(new_side, after);
}

TEST(LineDiff, AComparisonShowsEachRowsLineFromItsSide) {
    const Comparison comparison("<p>a</p>\n<p>b</p>\n", "<p>a</p>\n<p>B</p>\n<p>c</p>");
    const LineDiff& diff = comparison.diff();
    ASSERT_EQ(kinds(diff), "=-++");
    EXPECT_EQ(comparison.text(diff.rows[0]), "<p>a</p>");
    EXPECT_EQ(comparison.text(diff.rows[1]), "<p>b</p>");
    EXPECT_EQ(comparison.text(diff.rows[2]), "<p>B</p>");
    EXPECT_EQ(comparison.text(diff.rows[3]), "<p>c</p>");
    const Comparison moved = comparison;  // short lines live inside the string: a copy must not dangle
    EXPECT_EQ(moved.text(moved.diff().rows[3]), "<p>c</p>");
}
