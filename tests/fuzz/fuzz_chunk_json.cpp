// The chunk reader against nlohmann::json: the same verdict on every text (valid JSON or not),
// and the same value for every member Kiln reads.
#include <nlohmann/json.hpp>
#include <variant>

#include "core/codegen/chunk_json.h"
#include "fuzz_input.h"

using namespace kiln::codegen;
using kiln::fuzz::check;
using nlohmann::json;

namespace {

// The value at a path of object names and array indexes, or nullptr when the path is not there.
const json* at(const json& root, std::initializer_list<std::variant<const char*, size_t>> path) {
    const json* value = &root;
    for (const auto& step : path) {
        if (const auto* name = std::get_if<const char*>(&step)) {
            if (!value->is_object() || !value->contains(*name)) return nullptr;
            value = &(*value)[*name];
        } else {
            const size_t index = std::get<size_t>(step);
            if (!value->is_array() || value->size() <= index) return nullptr;
            value = &(*value)[index];
        }
    }
    return value;
}

JsonKind kindOf(const json* value) {
    if (!value) return JsonKind::Absent;
    switch (value->type()) {
        case json::value_t::null:
            return JsonKind::Null;
        case json::value_t::boolean:
            return JsonKind::Boolean;
        case json::value_t::string:
            return JsonKind::String;
        case json::value_t::object:
            return JsonKind::Object;
        case json::value_t::array:
            return JsonKind::Array;
        default:
            return JsonKind::Number;
    }
}

void expectMember(const ChunkScan& scan, ChunkMember member, const json* value) {
    const JsonMember& got = scan[member];
    check(got.kind == kindOf(value));
    if (got.kind == JsonKind::String) {
        std::string text;
        appendJsonString(got, text);
        check(text == value->get<std::string>());
    }
    if (got.kind == JsonKind::Number) {
        const bool small_unsigned = value->is_number_unsigned() && value->get<uint64_t>() < 1'000'000'000'000'000'000u;
        check(got.integer == (small_unsigned ? static_cast<int64_t>(value->get<uint64_t>()) : -1));
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    ChunkScan scan;
    const bool valid = scanChunk(text, scan);
    // nlohmann::json takes a NUL byte for the end of the input; JSON has no such rule.
    if (text.find('\0') != std::string_view::npos) return 0;
    json root;
    try {
        root = json::parse(text);
    } catch (const json::parse_error&) {
        check(!valid);
        return 0;
    } catch (const json::out_of_range&) {
        return 0;  // a number beyond a double: nlohmann refuses it, the chunk reader need not
    }
    if (!valid && std::string_view(scan.error) == "nested too deeply") return 0;
    check(valid);
    const auto choice = [&](const char* object, const char* name) {
        return at(root, {"choices", size_t{0}, object, name});
    };
    expectMember(scan, ChunkMember::DeltaContent, choice("delta", "content"));
    expectMember(scan, ChunkMember::DeltaReasoning, choice("delta", "reasoning"));
    expectMember(scan, ChunkMember::DeltaReasoningContent, choice("delta", "reasoning_content"));
    expectMember(scan, ChunkMember::MessageContent, choice("message", "content"));
    expectMember(scan, ChunkMember::MessageReasoning, choice("message", "reasoning"));
    expectMember(scan, ChunkMember::MessageReasoningContent, choice("message", "reasoning_content"));
    expectMember(scan, ChunkMember::FinishReason, at(root, {"choices", size_t{0}, "finish_reason"}));
    expectMember(scan, ChunkMember::PromptTokens, at(root, {"usage", "prompt_tokens"}));
    expectMember(scan, ChunkMember::CompletionTokens, at(root, {"usage", "completion_tokens"}));
    expectMember(scan, ChunkMember::Error, at(root, {"error"}));
    expectMember(scan, ChunkMember::ErrorMessage, at(root, {"error", "message"}));
    expectMember(scan, ChunkMember::ErrorType, at(root, {"error", "type"}));
    expectMember(scan, ChunkMember::ErrorCode, at(root, {"error", "code"}));
    expectMember(scan, ChunkMember::Model, at(root, {"model"}));
    expectMember(scan, ChunkMember::Object, at(root, {"object"}));
    expectMember(scan, ChunkMember::Message, at(root, {"message"}));
    return 0;
}
