// Kiln: what changed between two versions of an app, line by line, as the Changes view shows it.
//
// Index
//   splitLines()   a text's lines
//   diffLines()    the shortest edit script between two lists of lines (Myers' O(ND) algorithm),
//                  as rows for display: changed lines with a few unchanged ones around them, and
//                  the long unchanged stretches in between folded into one row each
//   Comparison     two texts and their diff, kept together so the rows can show the lines
//
// The edit script is minimal up to kMaxEdits inserted + removed lines, which covers every
// follow-up and most rewrites of an app. Beyond that (two unrelated files of thousands of
// lines), the middle part between the common first and last lines is shown as all removed, then
// all added: still correct, not minimal, and flagged as `approximate`.
#pragma once

#include <algorithm>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace kiln::diff {

constexpr int kMaxEdits = 1000;
constexpr int kContextLines = 3;

// The lines of `text`, without their '\n'. A final line without '\n' is a line; an empty text
// has none.
std::vector<std::string_view> splitLines(std::string_view text);

enum class RowKind { Same, Removed, Added, Folded };

struct Row {
    RowKind kind = RowKind::Same;
    int old_line = -1;  // 0-based line of the old text (Same, Removed, Folded: the first one), or -1
    int new_line = -1;  // 0-based line of the new text (Same, Added, Folded: the first one), or -1
    int count = 1;      // Folded: how many unchanged lines the row stands for
};

struct LineDiff {
    std::vector<Row> rows;
    int added = 0;
    int removed = 0;
    bool approximate = false;  // more than kMaxEdits changes: not the shortest script
};

// The rows that turn `before` into `after`: changes in order (removals before additions where a
// line was replaced), each with up to `context` unchanged lines on either side; other unchanged
// lines are folded.
LineDiff diffLines(const std::vector<std::string_view>& before, const std::vector<std::string_view>& after,
                   int context = kContextLines);

// Two texts and their diff. Owns the texts; rows name lines by number.
class Comparison {
public:
    Comparison(std::string before, std::string after, int context = kContextLines);

    const LineDiff& diff() const { return diff_; }
    // The line count of the longer text.
    size_t lines() const { return std::max(before_lines_.size(), after_lines_.size()); }
    // The text of a row's line on the side it shows (old for Removed, new otherwise); empty for
    // Folded.
    std::string_view text(const Row& row) const;

private:
    std::string before_;
    std::string after_;
    std::vector<std::pair<size_t, size_t>> before_lines_;  // offset, length in before_
    std::vector<std::pair<size_t, size_t>> after_lines_;
    LineDiff diff_;
};

}  // namespace kiln::diff
