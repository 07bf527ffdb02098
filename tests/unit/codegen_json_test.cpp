// The chunk reader: one validating pass over chat-completions JSON that keeps only what Kiln reads.
#include <gtest/gtest.h>

#include <string>

#include "core/codegen/chunk_json.h"

using kiln::codegen::appendJsonString;
using kiln::codegen::ChunkMember;
using kiln::codegen::ChunkScan;
using kiln::codegen::JsonKind;
using kiln::codegen::scanChunk;

namespace {

std::string text(const ChunkScan& scan, ChunkMember member) {
    std::string out;
    appendJsonString(scan[member], out);
    return out;
}

}  // namespace

TEST(CodegenChunkJson, ReadsTheMembersOfAStreamChunk) {
    const std::string json =
        R"({"id":"c1","object":"chat.completion.chunk","model":"gpt-x","choices":[{"index":0,)"
        R"("delta":{"role":"assistant","content":"<p>","reasoning":"hm"},"finish_reason":"stop"}],)"
        R"("usage":{"prompt_tokens":12,"completion_tokens":3,"total_tokens":15}})";
    ChunkScan scan;
    ASSERT_TRUE(scanChunk(json, scan)) << scan.error;
    EXPECT_EQ(text(scan, ChunkMember::DeltaContent), "<p>");
    EXPECT_EQ(text(scan, ChunkMember::DeltaReasoning), "hm");
    EXPECT_EQ(scan[ChunkMember::DeltaReasoningContent].kind, JsonKind::Absent);
    EXPECT_EQ(text(scan, ChunkMember::FinishReason), "stop");
    EXPECT_EQ(text(scan, ChunkMember::Model), "gpt-x");
    EXPECT_EQ(text(scan, ChunkMember::Object), "chat.completion.chunk");
    EXPECT_EQ(scan[ChunkMember::PromptTokens].integer, 12);
    EXPECT_EQ(scan[ChunkMember::CompletionTokens].integer, 3);
    EXPECT_EQ(scan[ChunkMember::Error].kind, JsonKind::Absent);
}

TEST(CodegenChunkJson, TellsNullFromAbsent) {
    ChunkScan scan;
    ASSERT_TRUE(scanChunk(R"({"choices":[{"delta":{"content":null},"finish_reason":null}],"usage":null})", scan));
    EXPECT_EQ(scan[ChunkMember::DeltaContent].kind, JsonKind::Null);
    EXPECT_EQ(scan[ChunkMember::FinishReason].kind, JsonKind::Null);
    EXPECT_EQ(scan[ChunkMember::PromptTokens].kind, JsonKind::Absent);
}

TEST(CodegenChunkJson, DecodesEscapesAndSurrogatePairs) {
    ChunkScan scan;
    ASSERT_TRUE(
        scanChunk(R"({"choices":[{"delta":{"content":"a\"b\\c\/d\n\t\r\b\f \u00e9 \ud83d\udd25 \u0000!"}}]})", scan));
    EXPECT_TRUE(scan[ChunkMember::DeltaContent].escaped);
    EXPECT_EQ(text(scan, ChunkMember::DeltaContent),
              std::string("a\"b\\c/d\n\t\r\b\f \xC3\xA9 \xF0\x9F\x94\xA5 \0!", 23));
}

TEST(CodegenChunkJson, MatchesNamesWrittenWithEscapes) {
    ChunkScan scan;
    ASSERT_TRUE(scanChunk(R"({"ch\u006fices":[{"delta":{"\u0063ontent":"x"}}]})", scan));
    EXPECT_EQ(text(scan, ChunkMember::DeltaContent), "x");
}

TEST(CodegenChunkJson, ReadsOnlyTheFirstChoice) {
    ChunkScan scan;
    ASSERT_TRUE(scanChunk(R"({"choices":[{"delta":{"content":"first"}},{"delta":{"content":"second"}}]})", scan));
    EXPECT_EQ(text(scan, ChunkMember::DeltaContent), "first");
}

TEST(CodegenChunkJson, ALaterDuplicateReplacesAllThatTheEarlierOneHeld) {
    ChunkScan scan;
    ASSERT_TRUE(
        scanChunk(R"({"choices":[{"delta":{"content":"a"},"finish_reason":"stop"}],"choices":[{"delta":{}}]})", scan));
    EXPECT_EQ(scan[ChunkMember::DeltaContent].kind, JsonKind::Absent);
    EXPECT_EQ(scan[ChunkMember::FinishReason].kind, JsonKind::Absent);
    ASSERT_TRUE(scanChunk(R"({"choices":[{"delta":{"content":"a","content":"b"}}]})", scan));
    EXPECT_EQ(text(scan, ChunkMember::DeltaContent), "b");
}

TEST(CodegenChunkJson, ReadsErrorObjectsAndErrorStrings) {
    ChunkScan scan;
    ASSERT_TRUE(scanChunk(R"({"error":{"message":"Overloaded","type":"server_error","code":529}})", scan));
    EXPECT_EQ(scan[ChunkMember::Error].kind, JsonKind::Object);
    EXPECT_EQ(text(scan, ChunkMember::ErrorMessage), "Overloaded");
    EXPECT_EQ(text(scan, ChunkMember::ErrorType), "server_error");
    EXPECT_EQ(scan[ChunkMember::ErrorCode].raw, "529");
    ASSERT_TRUE(scanChunk(R"({"error":"model not found"})", scan));
    EXPECT_EQ(text(scan, ChunkMember::Error), "model not found");
}

TEST(CodegenChunkJson, KeepsIntegersOnlyWhenWrittenAsPlainDigits) {
    ChunkScan scan;
    ASSERT_TRUE(scanChunk(R"({"usage":{"prompt_tokens":1.5,"completion_tokens":-2}})", scan));
    EXPECT_EQ(scan[ChunkMember::PromptTokens].kind, JsonKind::Number);
    EXPECT_EQ(scan[ChunkMember::PromptTokens].integer, -1);
    EXPECT_EQ(scan[ChunkMember::CompletionTokens].integer, -1);
    ASSERT_TRUE(
        scanChunk(R"({"usage":{"prompt_tokens":123456789012345678,"completion_tokens":1234567890123456789}})", scan));
    EXPECT_EQ(scan[ChunkMember::PromptTokens].integer, 123456789012345678);
    EXPECT_EQ(scan[ChunkMember::CompletionTokens].integer, -1);
}

TEST(CodegenChunkJson, AcceptsAnyValidJsonAroundWhatItReads) {
    ChunkScan scan;
    for (const char* json : {"{}", "[]", " \t\r\n{} ", "\xEF\xBB\xBF{}", "0", "-0.5e+10", "\"x\"", "null", "true",
                             R"({"a":[1,{"b":[[],{}]},"c\u20ac"],"d":false,"e":1E-3})"})
        EXPECT_TRUE(scanChunk(json, scan)) << json << ": " << scan.error;
}

TEST(CodegenChunkJson, RejectsWhatIsNotJsonAndSaysWhereAndWhy) {
    ChunkScan scan;
    EXPECT_FALSE(scanChunk(R"({"choices": [oops)", scan));
    EXPECT_STREQ(scan.error, "expected a value");
    EXPECT_EQ(scan.error_offset, 13u);
    for (const char* json : {"",
                             " ",
                             "{",
                             "{\"a\"}",
                             "{\"a\":}",
                             "{\"a\":1,}",
                             "[1,]",
                             "[1 2]",
                             "{} {}",
                             "01",
                             "1.",
                             "1e",
                             "-",
                             "+1",
                             ".5",
                             "tru",
                             "nul",
                             "'x'",
                             "{a:1}",
                             "\"unterminated",
                             "\"bad \\x escape\"",
                             "\"\\u12\"",
                             "\"\\udc00\"",
                             "\"\\ud800\"",
                             "\"\\ud800\\u0041\"",
                             "\"tab\there\"",
                             "\"\xC3\"",
                             "\"\xED\xA0\x80\"",
                             "\xEF\xBB{}",
                             "[NaN]",
                             "{\"a\":1}}"}) {
        EXPECT_FALSE(scanChunk(json, scan)) << json;
        EXPECT_NE(scan.error, nullptr) << json;
    }
}

TEST(CodegenChunkJson, RefusesNestingDeeperThanItsLimit) {
    ChunkScan scan;
    const int limit = kiln::codegen::kMaxJsonDepth;
    EXPECT_TRUE(scanChunk(std::string(limit, '[') + std::string(limit, ']'), scan));
    EXPECT_FALSE(scanChunk(std::string(limit + 1, '[') + std::string(limit + 1, ']'), scan));
    EXPECT_STREQ(scan.error, "nested too deeply");
}
