// Code extraction: whatever the answer, the code found is a piece of it (a bare document may
// gain one final newline), and nothing found means no code.
#include "core/codegen/extract.h"
#include "fuzz_input.h"

using namespace kiln::codegen;
using kiln::fuzz::check;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string_view answer(reinterpret_cast<const char*>(data), size);
    const ExtractedCode code = extractCode(answer);
    if (!code.found) {
        check(code.code.empty() && !code.complete);
        return 0;
    }
    std::string_view piece = code.code;
    if (answer.find(piece) == std::string_view::npos) {
        check(!piece.empty() && piece.back() == '\n');
        piece.remove_suffix(1);
        check(answer.find(piece) != std::string_view::npos);
    }
    // Extraction is a function of the text: the same answer, the same code.
    const ExtractedCode again = extractCode(std::string(answer));
    check(again.code == code.code && again.complete == code.complete);
    return 0;
}
