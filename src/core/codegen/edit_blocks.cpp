// Index
//   Parsing    marker lines, blocks, what makes a block malformed
//   Applying   line-by-line matching (exact, then ignoring trailing whitespace), messages, splicing
#include "core/codegen/edit_blocks.h"

#include "core/codegen/text.h"
#include "core/codegen/utf8.h"

namespace kiln::codegen {

namespace {

// ---------------------------------------------------------------------------------------------
// Parsing
// ---------------------------------------------------------------------------------------------

enum class Marker { None, Search, Divider, Replace };

Marker markerOf(std::string_view line) {
    line = trimRight(line);
    if (line.empty() || (line.front() != '<' && line.front() != '=' && line.front() != '>')) return Marker::None;
    const char c = line.front();
    size_t run = 0;
    while (run < line.size() && line[run] == c) ++run;
    if (run < 5 || run > 9) return Marker::None;
    const std::string_view rest = line.substr(run);
    if (c == '<' && rest == " SEARCH") return Marker::Search;
    if (c == '=' && rest.empty()) return Marker::Divider;
    if (c == '>' && rest == " REPLACE") return Marker::Replace;
    return Marker::None;
}

// "Edit block 2 of 3 (line 14 of the answer)"; without "of 3" while parsing, when the count is unknown.
std::string blockName(size_t number, size_t answer_line, size_t count = 0) {
    return "Edit block " + std::to_string(number) + (count ? " of " + std::to_string(count) : "") + " (line " +
           std::to_string(answer_line) + " of the answer)";
}

// ---------------------------------------------------------------------------------------------
// Applying
// ---------------------------------------------------------------------------------------------

std::vector<Line> splitLines(std::string_view text) {
    std::vector<Line> lines;
    for (size_t pos = 0; pos < text.size();) {
        lines.push_back(lineAt(text, pos));
        pos = lines.back().next;
    }
    return lines;
}

bool sameLine(std::string_view a, std::string_view b, bool tolerant) {
    return tolerant ? trimRight(a) == trimRight(b) : a == b;
}

bool matchesAt(const std::vector<Line>& code, size_t at, const std::vector<Line>& search, bool tolerant) {
    if (at + search.size() > code.size()) return false;
    for (size_t k = 0; k < search.size(); ++k)
        if (!sameLine(code[at + k].text, search[k].text, tolerant)) return false;
    return true;
}

struct Matches {
    size_t count = 0;
    size_t first = 0;   // line index of the first match
    size_t second = 0;  // and of the second, when count > 1
};

Matches findMatches(const std::vector<Line>& code, const std::vector<Line>& search, bool tolerant) {
    Matches matches;
    for (size_t at = 0; at + search.size() <= code.size(); ++at) {
        if (!matchesAt(code, at, search, tolerant)) continue;
        if (matches.count == 0) matches.first = at;
        if (matches.count == 1) matches.second = at;
        ++matches.count;
    }
    return matches;
}

std::string quoteLine(std::string_view line) {
    constexpr size_t kLimit = 120;
    line = trimRight(line);
    if (line.size() <= kLimit) return "\"" + std::string(line) + "\"";
    return "\"" + std::string(line.substr(0, utf8CutPoint(line, kLimit))) + "\xE2\x80\xA6\"";
}

// Why search is not in code: how far its best partial match gets, or that its first line is missing.
std::string whyNotFound(const std::vector<Line>& code, const std::vector<Line>& search) {
    size_t best_length = 0;
    size_t best_at = 0;
    for (size_t at = 0; at < code.size(); ++at) {
        size_t k = 0;
        while (k < search.size() && at + k < code.size() && sameLine(code[at + k].text, search[k].text, true)) ++k;
        if (k > best_length) {
            best_length = k;
            best_at = at;
        }
    }
    if (best_length == 0) return "its first SEARCH line " + quoteLine(search.front().text) + " is not in the code";
    const size_t differs = best_at + best_length;
    std::string why = best_length == 1 ? "only its first SEARCH line matches (line " + std::to_string(best_at + 1)
                                       : "its first " + std::to_string(best_length) + " SEARCH lines match (lines " +
                                             std::to_string(best_at + 1) + " to " + std::to_string(differs);
    why += " of the code), then its line " + quoteLine(search[best_length].text);
    why += differs < code.size() ? " differs from the code's " + quoteLine(code[differs].text)
                                 : " is past the end of the code";
    return why;
}

// code with the lines [first, first + count) replaced by the lines of replacement.
std::string splice(std::string_view code, const std::vector<Line>& lines, size_t first, size_t count,
                   const std::vector<Line>& replacement) {
    const Line& begin = lines[first];
    const Line& last = lines[first + count - 1];
    const bool crlf = begin.next >= 2 && code[begin.next - 1] == '\n' && code[begin.next - 2] == '\r';
    const std::string_view eol = crlf ? "\r\n" : "\n";
    const bool last_has_eol = code[last.next - 1] == '\n';
    std::string out(code.substr(0, begin.begin));
    for (size_t i = 0; i < replacement.size(); ++i) {
        out += replacement[i].text;
        if (i + 1 < replacement.size() || last_has_eol) out += eol;
    }
    out += code.substr(last.next);
    return out;
}

EditResult failure(EditFailure kind, size_t block, std::string message) {
    EditResult result;
    result.failure = kind;
    result.failed_block = block;
    result.message = std::move(message);
    return result;
}

}  // namespace

bool hasEditBlocks(std::string_view answer) {
    for (size_t pos = 0; pos < answer.size();) {
        const Line line = lineAt(answer, pos);
        if (markerOf(line.text) == Marker::Search) return true;
        pos = line.next;
    }
    return false;
}

ParsedEdits parseEditBlocks(std::string_view answer) {
    ParsedEdits parsed;
    enum class State { Outside, InSearch, InReplace } state = State::Outside;
    EditBlock block;
    size_t line_number = 0;
    const auto malformed = [&](const std::string& what) {
        parsed.error = blockName(parsed.blocks.size() + 1, block.answer_line) + " " + what;
        return parsed;
    };
    for (size_t pos = 0; pos < answer.size();) {
        const Line line = lineAt(answer, pos);
        pos = line.next;
        ++line_number;
        const Marker marker = markerOf(line.text);
        switch (state) {
            case State::Outside:
                if (marker == Marker::Search) {
                    block = EditBlock{};
                    block.answer_line = line_number;
                    state = State::InSearch;
                } else if (marker == Marker::Replace) {
                    block.answer_line = line_number;
                    return malformed("has a >>>>>>> REPLACE line without a <<<<<<< SEARCH line before it.");
                }
                break;  // prose, fences, or a stray ======= (a Markdown heading underline)
            case State::InSearch:
                if (marker == Marker::Divider) {
                    state = State::InReplace;
                } else if (marker != Marker::None) {
                    return malformed("has a marker line where its ======= line belongs.");
                } else {
                    block.search.append(line.text).push_back('\n');
                }
                break;
            case State::InReplace:
                if (marker == Marker::Replace) {
                    parsed.blocks.push_back(std::move(block));
                    block = EditBlock{};
                    state = State::Outside;
                } else if (marker != Marker::None) {
                    return malformed("has a marker line where its >>>>>>> REPLACE line belongs.");
                } else {
                    block.replace.append(line.text).push_back('\n');
                }
                break;
        }
    }
    if (state != State::Outside) return malformed("is cut off: the answer ended before its >>>>>>> REPLACE line.");
    return parsed;
}

EditResult applyEditBlocks(std::string_view code, const std::vector<EditBlock>& blocks) {
    std::string current(code);
    size_t tolerant_matches = 0;
    for (size_t i = 0; i < blocks.size(); ++i) {
        const EditBlock& block = blocks[i];
        const std::string name = blockName(i + 1, block.answer_line, blocks.size());
        const std::vector<Line> search = splitLines(block.search);
        if (search.empty())
            return failure(EditFailure::EmptySearch, i,
                           name + " has an empty SEARCH part: it must quote the lines to replace.");
        const std::vector<Line> lines = splitLines(current);
        Matches matches = findMatches(lines, search, false);
        if (matches.count == 0) {
            matches = findMatches(lines, search, true);
            if (matches.count == 1) ++tolerant_matches;
        }
        if (matches.count == 0)
            return failure(EditFailure::NotFound, i,
                           name + " does not match the code: " + whyNotFound(lines, search) + ".");
        if (matches.count > 1)
            return failure(EditFailure::Ambiguous, i,
                           name + " matches " + std::to_string(matches.count) + " places (lines " +
                               std::to_string(matches.first + 1) + " and " + std::to_string(matches.second + 1) +
                               (matches.count > 2 ? ", ..." : "") +
                               " of the code): its SEARCH part must quote enough lines to match exactly one.");
        current = splice(current, lines, matches.first, search.size(), splitLines(block.replace));
    }
    EditResult result;
    result.ok = true;
    result.code = std::move(current);
    result.tolerant_matches = tolerant_matches;
    return result;
}

EditResult applyEditAnswer(std::string_view code, std::string_view answer) {
    ParsedEdits parsed = parseEditBlocks(answer);
    if (!parsed.error.empty()) return failure(EditFailure::Malformed, parsed.blocks.size(), parsed.error);
    if (parsed.blocks.empty()) return failure(EditFailure::NoBlocks, 0, "The answer holds no edit blocks.");
    return applyEditBlocks(code, parsed.blocks);
}

}  // namespace kiln::codegen
