// Requests and failure messages. Input: a status byte pair, then NUL-separated fields (error
// body, Retry-After value, prompt, base URL). Invariants: request bodies are JSON that carries
// the prompt back intact (when it is valid UTF-8); messages are short, valid UTF-8, and end in a
// full stop.
#include <nlohmann/json.hpp>

#include "core/codegen/request.h"
#include "core/codegen/utf8.h"
#include "fuzz_input.h"

using namespace kiln::codegen;
using kiln::fuzz::check;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    kiln::fuzz::FuzzInput input(data, size);
    const int status = 100 + (input.byte() * 256 + input.byte()) % 500;
    const std::string_view body = input.field();
    const std::string_view retry_after = input.field();
    const std::string_view prompt = input.field();
    const std::string_view base_url = input.field();

    const std::optional<int64_t> wait = parseRetryAfter(retry_after, 1'700'000'000'000);
    if (wait) check(*wait >= 0);
    const std::string message = httpErrorMessage(status, body, wait);
    check(isValidUtf8(message) && message.size() < 2000 && message.back() == '.');
    const std::string detail = errorBodyDetail(body);
    check(isValidUtf8(detail) && detail.size() < 700);
    parseModelList(body);

    Endpoint endpoint = endpointFromPreset(static_cast<PresetKind>(status % 8));
    endpoint.base_url = base_url;
    const HttpRequest request = chatRequest(endpoint, followUpMessages("system", body, prompt), {});
    const nlohmann::json sent = nlohmann::json::parse(request.body);
    if (isValidUtf8(prompt) && isValidUtf8(body)) {
        const std::string content = sent["messages"][1]["content"];
        check(content.find(prompt) != std::string::npos && content.find(body) != std::string::npos);
    }
    if (isValidUtf8(base_url)) {
        for (ConnectionFailure failure :
             {ConnectionFailure::Unreachable, ConnectionFailure::Dropped, ConnectionFailure::Stalled})
            check(isValidUtf8(connectionErrorMessage(failure, endpoint, "https://kiln.example", status)));
    }
    return 0;
}
