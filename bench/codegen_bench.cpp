// kiln_bench_codegen: the cost of streaming a generation, per token (issue target in brackets).
//   parse_decode_ns_per_token_native  SSE parse + OpenAI stream decode + append of the text,
//   parse_decode_ns_per_token_wasm    per token of a recorded 2,050-token stream [wasm: <= 2,000 ns]
// The stream is tests/fixtures/sse/app-2000.txt (bench/sse_fixture.mjs writes it): fed to
// StreamDecoder in 256-byte reads cut anywhere, as a fetch reader hands them over; the CPU time of
// the process (Node's, for wasm), median of the runs. The same source is built natively and with
// Emscripten (run under Node); given the native run's JSON, the wasm run reports both and their
// ratio.
//
//   build/native/bench/kiln_bench_codegen <fixture> <json-out> [runs]
//   node --no-experimental-fetch build/wasm/bench/kiln_bench_codegen.js <fixture> <json-out> [runs] [native-json]
#include <cstdio>
#include <ctime>
#include <fstream>
#include <iterator>
#include <string>
#include <string_view>

#include "bench_support.h"
#include "core/codegen/stream_decoder.h"

#ifdef __EMSCRIPTEN__
#include <emscripten.h>
#endif

using kiln::bench::medianMs;
using kiln::codegen::StreamDecoder;
using kiln::codegen::StreamResult;
using kiln::codegen::StreamStatus;

// Times are CPU time, not wall time: on a busy machine a process waits for a core for longer than
// it takes to decode the stream.
#ifdef __EMSCRIPTEN__
constexpr const char* kWhere = "wasm";
// Node's process: user and system time.
// clang-format off
EM_JS(double, cpuMs, (), {
    const usage = process.cpuUsage();
    return (usage.user + usage.system) / 1000;
});
// clang-format on
#else
constexpr const char* kWhere = "native";
double cpuMs() {
    timespec now{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &now);
    return static_cast<double>(now.tv_sec) * 1e3 + static_cast<double>(now.tv_nsec) / 1e6;
}
#endif

namespace {

constexpr size_t kReadBytes = 256;

StreamResult decode(std::string_view body) {
    StreamDecoder decoder(0);
    for (size_t at = 0; at < body.size(); at += kReadBytes) decoder.feed(body.substr(at, kReadBytes), 0);
    decoder.finish(0);
    return decoder.result();
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 3) {
        std::fprintf(stderr, "usage: kiln_bench_codegen <fixture> <json-out> [runs] [native-json]\n");
        return 2;
    }
    std::ifstream file(argv[1], std::ios::binary);
    const std::string body((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
    const std::string json_path = argv[2];
    const int runs = argc > 3 ? std::stoi(argv[3]) : 201;

    const StreamResult result = decode(body);
    if (result.status != StreamStatus::Done || result.token_chunks < 1000) {
        std::fprintf(stderr, "%s does not decode to a finished stream (%lld tokens)\n", argv[1],
                     static_cast<long long>(result.token_chunks));
        return 1;
    }
    const auto tokens = static_cast<double>(result.token_chunks);
    std::printf("stream: %zu bytes, %lld tokens, %zu bytes of text\n", body.size(),
                static_cast<long long>(result.token_chunks), result.text.size());

    size_t text_bytes = 0;
    const double ms = medianMs(
        runs, [&] { text_bytes += decode(body).text.size(); }, cpuMs);
    const double ns_per_token = ms * 1e6 / tokens;

    char note[96];
    std::snprintf(note, sizeof note, "%.0f tokens, %zu KB, %zu-byte reads", tokens, body.size() / 1024, kReadBytes);
    std::vector<kiln::bench::Row> rows = {
        {std::string("parse_decode_ns_per_token_") + kWhere, ns_per_token, "ns", 2000.0, note},
        {std::string("parse_decode_ms_stream_") + kWhere, ms, "ms", 0, "the whole stream"},
    };
    if (argc > 4) {
        const nlohmann::json native = nlohmann::json::parse(std::ifstream(argv[4]));
        const double native_ns = native.at("parse_decode_ns_per_token_native").get<double>();
        rows.insert(rows.begin(), {"parse_decode_ns_per_token_native", native_ns, "ns", 0, "from the native run"});
        rows.push_back({"wasm_native_ratio", ns_per_token / native_ns, "x", 0, "wasm / native, per token"});
    }
    kiln::bench::report(std::string("Kiln code generation benchmark (") + kWhere + ", Release; median of " +
                            std::to_string(runs) + " decodes of the stream, CPU time)",
                        rows, json_path);
    return text_bytes > 0 ? 0 : 1;
}
