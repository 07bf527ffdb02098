// libFuzzer target for the code panel's HTML tokenizer (build with the `fuzz` preset).
//
// The input is a document. Every line is tokenized and the tokens must cover it exactly; then a
// few edits derived from the input itself are applied to an incremental tokenizer, whose tokens
// must equal a fresh tokenizer's on the edited text, line by line.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "core/syntax/html_tokenizer.h"

using namespace kiln::syntax;

namespace {

void require(bool condition) {
    if (!condition) std::abort();
}

void checkCoverage(std::string_view line, const std::vector<Token>& tokens) {
    uint32_t at = 0;
    for (size_t i = 0; i < tokens.size(); ++i) {
        require(tokens[i].begin == at && tokens[i].end > tokens[i].begin);
        require(i == 0 || tokens[i].kind != tokens[i - 1].kind);
        at = tokens[i].end;
    }
    require(at == line.size());
}

// A small deterministic generator seeded by the input, so that a crash reproduces from its file.
struct Dice {
    uint32_t state;
    uint32_t next(uint32_t bound) {
        state = state * 1664525u + 1013904223u;
        return bound == 0 ? 0 : (state >> 8) % bound;
    }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string original(reinterpret_cast<const char*>(data), size);
    std::string text = original;
    HtmlTokenizer incremental;
    incremental.reset(text);
    std::vector<Token> tokens, expected;
    for (size_t line = 0; line < incremental.lineCount(); ++line) {
        incremental.tokens(text, line, tokens);
        checkCoverage(incremental.line(text, line), tokens);
    }

    Dice dice{static_cast<uint32_t>(size) * 2654435761u + (size > 0 ? data[0] : 0u)};
    for (int round = 0; round < 4; ++round) {
        const std::string before = text;
        const size_t offset = dice.next(static_cast<uint32_t>(text.size() + 1));
        const size_t removed = dice.next(static_cast<uint32_t>(text.size() - offset + 1));
        const size_t from = dice.next(static_cast<uint32_t>(original.size() + 1));
        const size_t length = dice.next(static_cast<uint32_t>(original.size() - from + 1));
        text.replace(offset, removed, original, from, length);
        incremental.applyEdit(text, findEdit(before, text));

        HtmlTokenizer fresh;
        fresh.reset(text);
        require(incremental.lineCount() == fresh.lineCount());
        // Ask from a random line first, so the lazy path and its early stop are exercised.
        incremental.tokens(text, dice.next(static_cast<uint32_t>(fresh.lineCount())), tokens);
        for (size_t line = 0; line < fresh.lineCount(); ++line) {
            incremental.tokens(text, line, tokens);
            fresh.tokens(text, line, expected);
            require(tokens.size() == expected.size());
            for (size_t i = 0; i < tokens.size(); ++i) {
                require(tokens[i].begin == expected[i].begin && tokens[i].end == expected[i].end &&
                        tokens[i].kind == expected[i].kind);
            }
        }
    }
    return 0;
}
