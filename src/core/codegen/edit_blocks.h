// Kiln: search/replace edit blocks, the way a model changes a file without resending all of it.
//
//   <<<<<<< SEARCH
//   (lines of the current code, exactly)
//   =======
//   (the lines to put in their place)
//   >>>>>>> REPLACE
//
// Markers are whole lines; 5 to 9 marker characters are accepted, as models vary. Anything
// outside blocks (prose, fences around them) is ignored. Blocks apply in order, each to the
// result of the ones before, all or nothing: the code is never left half-edited.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace kiln::codegen {

struct EditBlock {
    std::string search;      // the lines to find, each followed by "\n"
    std::string replace;     // the lines to put in their place, each followed by "\n"
    size_t answer_line = 0;  // where the block starts in the answer (1-based), for messages
};

struct ParsedEdits {
    std::vector<EditBlock> blocks;
    std::string error;  // set when a block is malformed or cut off: then none may be applied
};

// Whether answer contains a SEARCH marker line, that is, the model chose to answer with edits.
bool hasEditBlocks(std::string_view answer);

// Every block in answer, in order. A block that is cut off (the answer ended inside it) or has
// its markers out of order sets error.
ParsedEdits parseEditBlocks(std::string_view answer);

enum class EditFailure { None, NoBlocks, Malformed, EmptySearch, NotFound, Ambiguous };

struct EditResult {
    bool ok = false;
    std::string code;  // the edited code when ok, else empty
    EditFailure failure = EditFailure::None;
    size_t failed_block = 0;      // index of the block that failed
    std::string message;          // what failed and why, in words (shown, and sent back to the model)
    size_t tolerant_matches = 0;  // blocks that matched only once trailing whitespace was ignored
};

// Applies blocks to code. Each SEARCH must match exactly one place, line for line: first
// exactly (line ends "\n" and "\r\n" are equal), else ignoring whitespace at the end of each
// line. No match, or more than one, fails the whole edit with a message naming the block.
// Replacement lines take the line end of the lines they replace.
EditResult applyEditBlocks(std::string_view code, const std::vector<EditBlock>& blocks);

// parseEditBlocks, then applyEditBlocks: fails with NoBlocks or Malformed before touching code.
EditResult applyEditAnswer(std::string_view code, std::string_view answer);

}  // namespace kiln::codegen
