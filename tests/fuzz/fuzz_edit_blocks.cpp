// Edit blocks. Input: the current code, a NUL byte, then the model's answer. Invariants: an edit
// either applies completely or leaves no code and says which block failed and why; an answer with
// a SEARCH marker yields blocks or a parse error.
#include <string>
#include <vector>

#include "core/codegen/edit_blocks.h"
#include "core/codegen/text.h"
#include "fuzz_input.h"

using namespace kiln::codegen;
using kiln::fuzz::check;

namespace {

std::vector<std::string_view> lines(std::string_view text) {
    std::vector<std::string_view> out;
    for (size_t pos = 0; pos < text.size();) {
        const Line line = lineAt(text, pos);
        out.push_back(line.text);
        pos = line.next;
    }
    return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    kiln::fuzz::FuzzInput input(data, size);
    const std::string_view code = input.field();
    const std::string_view answer = input.rest();

    const ParsedEdits parsed = parseEditBlocks(answer);
    if (hasEditBlocks(answer)) check(!parsed.blocks.empty() || !parsed.error.empty());

    const EditResult result = applyEditAnswer(code, answer);
    if (result.ok) {
        check(result.failure == EditFailure::None && result.message.empty());
        check(parsed.error.empty() && !parsed.blocks.empty());
        check(result.tolerant_matches <= parsed.blocks.size());
    } else {
        check(result.failure != EditFailure::None && !result.message.empty() && result.code.empty());
        check(result.failed_block <= parsed.blocks.size());
    }
    // Blocks that replace lines with themselves keep every line (up to trailing whitespace; a
    // last line without a line end may become empty, so both texts get one before comparing).
    if (!parsed.blocks.empty()) {
        std::vector<EditBlock> identity = parsed.blocks;
        for (EditBlock& block : identity) block.replace = block.search;
        const EditResult same = applyEditBlocks(code, identity);
        if (same.ok) {
            const std::string code_with_end = std::string(code) + "\n";
            const std::string same_with_end = same.code + "\n";
            const std::vector<std::string_view> before = lines(code_with_end);
            const std::vector<std::string_view> after = lines(same_with_end);
            check(before.size() == after.size());
            for (size_t i = 0; i < before.size(); ++i) check(trimRight(before[i]) == trimRight(after[i]));
        }
    }
    return 0;
}
