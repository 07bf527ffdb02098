#include "core/diff/line_diff.h"

#include <algorithm>
#include <unordered_map>

namespace kiln::diff {

namespace {

enum class Op { Same, Removed, Added };

struct Step {
    Op op;
    int old_line;  // the line it is at in the old text (Added: where it goes in)
    int new_line;  // the line it is at in the new text (Removed: where it was)
};

// Myers' greedy algorithm on a[0, n) and b[0, m): the steps of a shortest edit script, or
// nothing with `too_many` set when it needs more than kMaxEdits edits. trace[d] keeps the
// furthest x reached on each diagonal k in [-d, d] after d edits, to walk the path back.
std::vector<Step> shortestScript(const int* a, int n, const int* b, int m, bool& too_many) {
    too_many = false;
    std::vector<Step> steps;
    if (n + m == 0) return steps;
    const int limit = std::min(n + m, kMaxEdits);
    const int offset = limit + 1;
    std::vector<int> v(static_cast<size_t>(2 * limit + 3), 0);
    std::vector<std::vector<int>> trace;
    int found = -1;
    for (int d = 0; d <= limit && found < 0; ++d) {
        for (int k = -d; k <= d; k += 2) {
            const bool down = k == -d || (k != d && v[offset + k - 1] < v[offset + k + 1]);
            int x = down ? v[offset + k + 1] : v[offset + k - 1] + 1;
            int y = x - k;
            while (x < n && y < m && a[x] == b[y]) ++x, ++y;
            v[offset + k] = x;
            if (x >= n && y >= m) found = d;
        }
        trace.emplace_back(v.begin() + offset - d, v.begin() + offset + d + 1);
    }
    if (found < 0) {
        too_many = true;
        return steps;
    }

    int x = n;
    int y = m;
    for (int d = found; d > 0; --d) {
        const std::vector<int>& before = trace[d - 1];
        const auto at = [&](int k) { return before[k + d - 1]; };
        const int k = x - y;
        const bool down = k == -d || (k != d && at(k - 1) < at(k + 1));
        const int prev_k = down ? k + 1 : k - 1;
        const int prev_x = at(prev_k);
        const int prev_y = prev_x - prev_k;
        while (x > prev_x && y > prev_y) {
            --x, --y;
            steps.push_back({Op::Same, x, y});
        }
        if (down) {
            steps.push_back({Op::Added, x, y - 1});
        } else {
            steps.push_back({Op::Removed, x - 1, y});
        }
        x = prev_x;
        y = prev_y;
    }
    while (x > 0 && y > 0) {
        --x, --y;
        steps.push_back({Op::Same, x, y});
    }
    std::reverse(steps.begin(), steps.end());
    return steps;
}

// Within each run of changes, removals first, then additions: a replaced block reads as the old
// lines followed by the new ones.
void groupChanges(std::vector<Step>& steps) {
    auto run = steps.begin();
    while (run != steps.end()) {
        if (run->op == Op::Same) {
            ++run;
            continue;
        }
        auto end = std::find_if(run, steps.end(), [](const Step& step) { return step.op == Op::Same; });
        std::stable_partition(run, end, [](const Step& step) { return step.op == Op::Removed; });
        run = end;
    }
}

}  // namespace

std::vector<std::string_view> splitLines(std::string_view text) {
    std::vector<std::string_view> lines;
    size_t from = 0;
    while (from < text.size()) {
        size_t end = text.find('\n', from);
        if (end == std::string_view::npos) end = text.size();
        lines.push_back(text.substr(from, end - from));
        from = end + 1;
    }
    return lines;
}

LineDiff diffLines(const std::vector<std::string_view>& before, const std::vector<std::string_view>& after,
                   int context) {
    // Lines as numbers, so the search compares ints.
    std::unordered_map<std::string_view, int> ids;
    const auto numbered = [&](const std::vector<std::string_view>& lines) {
        std::vector<int> out;
        out.reserve(lines.size());
        for (std::string_view line : lines)
            out.push_back(ids.emplace(line, static_cast<int>(ids.size())).first->second);
        return out;
    };
    const std::vector<int> a = numbered(before);
    const std::vector<int> b = numbered(after);
    const int n = static_cast<int>(a.size());
    const int m = static_cast<int>(b.size());

    // The common first and last lines need no search.
    int prefix = 0;
    while (prefix < n && prefix < m && a[prefix] == b[prefix]) ++prefix;
    int suffix = 0;
    while (suffix < n - prefix && suffix < m - prefix && a[n - 1 - suffix] == b[m - 1 - suffix]) ++suffix;

    LineDiff diff;
    std::vector<Step> steps;
    for (int i = 0; i < prefix; ++i) steps.push_back({Op::Same, i, i});
    std::vector<Step> middle = shortestScript(a.data() + prefix, n - prefix - suffix, b.data() + prefix,
                                              m - prefix - suffix, diff.approximate);
    if (diff.approximate) {
        for (int i = prefix; i < n - suffix; ++i) steps.push_back({Op::Removed, i, prefix});
        for (int j = prefix; j < m - suffix; ++j) steps.push_back({Op::Added, n - suffix, j});
    } else {
        for (Step step : middle) steps.push_back({step.op, step.old_line + prefix, step.new_line + prefix});
    }
    for (int i = suffix; i > 0; --i) steps.push_back({Op::Same, n - i, m - i});
    groupChanges(steps);

    // Which unchanged lines are near enough to a change to be shown.
    const int count = static_cast<int>(steps.size());
    std::vector<bool> shown(steps.size(), false);
    for (int i = 0; i < count; ++i) {
        if (steps[i].op == Op::Same) continue;
        for (int j = std::max(0, i - context); j <= std::min(count - 1, i + context); ++j) shown[j] = true;
    }
    for (int i = 0; i < count;) {
        const Step& step = steps[i];
        if (step.op == Op::Removed) {
            ++diff.removed;
            diff.rows.push_back({RowKind::Removed, step.old_line, -1, 1});
            ++i;
        } else if (step.op == Op::Added) {
            ++diff.added;
            diff.rows.push_back({RowKind::Added, -1, step.new_line, 1});
            ++i;
        } else {
            int end = i;
            while (end < count && steps[end].op == Op::Same && !shown[end]) ++end;
            // A single hidden line is shown rather than folded: the fold would take the same room.
            if (end - i >= 2) {
                diff.rows.push_back({RowKind::Folded, step.old_line, step.new_line, end - i});
                i = end;
            } else {
                diff.rows.push_back({RowKind::Same, step.old_line, step.new_line, 1});
                ++i;
            }
        }
    }
    return diff;
}

namespace {

std::vector<std::pair<size_t, size_t>> lineSpans(const std::string& text) {
    std::vector<std::pair<size_t, size_t>> spans;
    for (std::string_view line : splitLines(text)) spans.emplace_back(line.data() - text.data(), line.size());
    return spans;
}

std::vector<std::string_view> views(const std::string& text, const std::vector<std::pair<size_t, size_t>>& spans) {
    std::vector<std::string_view> lines;
    lines.reserve(spans.size());
    for (auto [offset, length] : spans) lines.push_back(std::string_view(text).substr(offset, length));
    return lines;
}

}  // namespace

Comparison::Comparison(std::string before, std::string after, int context)
    : before_(std::move(before)),
      after_(std::move(after)),
      before_lines_(lineSpans(before_)),
      after_lines_(lineSpans(after_)) {
    diff_ = diffLines(views(before_, before_lines_), views(after_, after_lines_), context);
}

std::string_view Comparison::text(const Row& row) const {
    const bool old_side = row.kind == RowKind::Removed;
    const int line = old_side ? row.old_line : row.new_line;
    const auto& spans = old_side ? before_lines_ : after_lines_;
    if (row.kind == RowKind::Folded || line < 0 || line >= static_cast<int>(spans.size())) return {};
    const std::string& text = old_side ? before_ : after_;
    return std::string_view(text).substr(spans[line].first, spans[line].second);
}

}  // namespace kiln::diff
