// The SSE parser and the stream decoder. The first byte seeds how the rest (a response body) is
// cut into pieces. Invariants: decoding in pieces gives exactly what decoding whole gives; the
// parser dispatches the same events whole and byte by byte; all text is valid UTF-8.
#include <string>
#include <vector>

#include "core/codegen/sse_parser.h"
#include "core/codegen/stream_decoder.h"
#include "core/codegen/utf8.h"
#include "fuzz_input.h"

using namespace kiln::codegen;
using kiln::fuzz::check;

namespace {

// The body cut at pseudo-random places drawn from seed (pieces of 1 to 32 bytes).
std::vector<std::string_view> pieces(std::string_view body, uint8_t seed) {
    std::vector<std::string_view> out;
    uint32_t state = seed * 2654435761u + 1;
    while (!body.empty()) {
        state = state * 1103515245u + 12345u;
        const size_t length = std::min<size_t>(body.size(), 1 + (state >> 16) % 32);
        out.push_back(body.substr(0, length));
        body.remove_prefix(length);
    }
    return out;
}

StreamResult decode(const std::vector<std::string_view>& parts) {
    StreamDecoder decoder(0);
    int64_t now = 0;
    for (std::string_view part : parts) decoder.feed(part, ++now);
    decoder.finish(++now);
    return decoder.result();
}

bool same(const StreamResult& a, const StreamResult& b) {
    return a.status == b.status && a.text == b.text && a.reasoning == b.reasoning &&
           a.finish_reason == b.finish_reason && a.model == b.model && a.prompt_tokens == b.prompt_tokens &&
           a.completion_tokens == b.completion_tokens && a.error == b.error && a.token_chunks == b.token_chunks;
}

std::vector<SseEvent> events(std::string_view body, bool byte_by_byte, bool& discarded) {
    SseParser parser;
    std::vector<SseEvent> out;
    const auto collect = [&](const SseEvent& event) { out.push_back(event); };
    if (byte_by_byte) {
        for (char c : body) parser.feed(std::string_view(&c, 1), collect);
    } else {
        parser.feed(body, collect);
    }
    discarded = parser.finish();
    return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    kiln::fuzz::FuzzInput input(data, size);
    const uint8_t seed = input.byte();
    const std::string_view body = input.rest();

    const StreamResult whole = decode({body});
    const StreamResult split = decode(pieces(body, seed));
    check(same(whole, split));
    check(whole.status != StreamStatus::Streaming);
    check(isValidUtf8(whole.text) && isValidUtf8(whole.reasoning) && isValidUtf8(whole.error));
    check(whole.status == StreamStatus::Done ? whole.error.empty() : !whole.error.empty());

    bool discarded_whole = false;
    bool discarded_bytes = false;
    const std::vector<SseEvent> a = events(body, false, discarded_whole);
    const std::vector<SseEvent> b = events(body, true, discarded_bytes);
    check(a.size() == b.size() && discarded_whole == discarded_bytes);
    for (size_t i = 0; i < a.size(); ++i) {
        check(a[i].type == b[i].type && a[i].data == b[i].data && a[i].id == b[i].id);
        check(isValidUtf8(a[i].data) && isValidUtf8(a[i].type) && isValidUtf8(a[i].id));
    }
    return 0;
}
