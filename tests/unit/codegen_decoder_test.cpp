// The stream decoder, on recorded transcripts (tests/fixtures/sse) and on small made-up bodies.
//
// Index
//   Helpers
//   Every transcript decodes the same however its bytes are split
//   One transcript per case of issue 5: ok, line ends, UTF-8, fields, error, cut, length, reasoning, ...
//   Bodies that are not event streams: JSON, HTML, nothing
//   Statistics and the caller's failures
//   From transcript to code: extraction and edit blocks
#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "core/codegen/edit_blocks.h"
#include "core/codegen/extract.h"
#include "core/codegen/stream_decoder.h"
#include "test_support.h"

using namespace kiln::codegen;

namespace {

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

std::string transcript(const std::string& name) {
    const std::string bytes = kiln::test::readFile(std::string(KILN_FIXTURES_DIR) + "/sse/" + name);
    EXPECT_FALSE(bytes.empty()) << "missing fixture " << name;
    return bytes;
}

// Decodes body fed in pieces ending at the given offsets, all at one instant (so that any two
// splits must give identical results, statistics included).
StreamResult decodeSplit(std::string_view body, const std::vector<size_t>& cuts) {
    StreamDecoder decoder(0);
    size_t from = 0;
    for (size_t cut : cuts) {
        decoder.feed(body.substr(from, cut - from), 0);
        from = cut;
    }
    decoder.feed(body.substr(from), 0);
    decoder.finish(0);
    return decoder.result();
}

StreamResult decode(std::string_view body) {
    return decodeSplit(body, {});
}

const std::vector<std::string> kTranscripts = {"ok.txt",
                                               "crlf.txt",
                                               "cr.txt",
                                               "bom.txt",
                                               "utf8.txt",
                                               "fields.txt",
                                               "edit.txt",
                                               "cut.txt",
                                               "length.txt",
                                               "reasoning.txt",
                                               "error-mid-stream.txt",
                                               "non-stream.txt",
                                               "not-json.txt",
                                               "html-page.txt"};

const std::string kShortAnswer = "```html\n<!DOCTYPE html>\n<html><body><p>Hi</p></body></html>\n```\n";

}  // namespace

// ---------------------------------------------------------------------------------------------
// Every transcript decodes the same however its bytes are split
// ---------------------------------------------------------------------------------------------

class CodegenTranscriptSplits : public ::testing::TestWithParam<std::string> {};

TEST_P(CodegenTranscriptSplits, AtEveryByteBoundary) {
    const std::string body = transcript(GetParam());
    const nlohmann::json whole = decode(body);
    for (size_t cut = 0; cut <= body.size(); ++cut)
        ASSERT_EQ(nlohmann::json(decodeSplit(body, {cut})), whole) << GetParam() << " cut at byte " << cut;
}

TEST_P(CodegenTranscriptSplits, OneByteAtATime) {
    const std::string body = transcript(GetParam());
    std::vector<size_t> cuts;
    for (size_t i = 1; i < body.size(); ++i) cuts.push_back(i);
    EXPECT_EQ(nlohmann::json(decodeSplit(body, cuts)), nlohmann::json(decode(body)));
}

TEST_P(CodegenTranscriptSplits, InRandomPieces) {
    const std::string body = transcript(GetParam());
    const nlohmann::json whole = decode(body);
    std::mt19937 random(20261125);
    for (int round = 0; round < 50; ++round) {
        std::vector<size_t> cuts;
        for (size_t at = random() % 64; at < body.size(); at += 1 + random() % 300) cuts.push_back(at);
        ASSERT_EQ(nlohmann::json(decodeSplit(body, cuts)), whole) << GetParam() << " round " << round;
    }
}

INSTANTIATE_TEST_SUITE_P(, CodegenTranscriptSplits, ::testing::ValuesIn(kTranscripts),
                         [](const ::testing::TestParamInfo<std::string>& info) {
                             std::string name;
                             for (char c : info.param.substr(0, info.param.find('.')))
                                 if (std::isalnum(static_cast<unsigned char>(c))) name += c;
                             return name;
                         });

// ---------------------------------------------------------------------------------------------
// One transcript per case
// ---------------------------------------------------------------------------------------------

TEST(CodegenStreamDecoder, DecodesAWholeAnswerWithItsUsageOnlyFinalChunk) {
    const StreamResult result = decode(transcript("ok.txt"));
    EXPECT_EQ(result.status, StreamStatus::Done);
    EXPECT_EQ(result.error, "");
    EXPECT_EQ(result.text.rfind("Here is a counter app.\n\n```html\n<!DOCTYPE html>\n", 0), 0u);
    EXPECT_EQ(result.text.substr(result.text.size() - 12), "</html>\n```\n");
    EXPECT_EQ(result.reasoning, "");
    EXPECT_EQ(result.finish_reason, "stop");
    EXPECT_EQ(result.model, "kiln-test/ok");
    EXPECT_EQ(result.token_chunks, 42);  // the role-only first chunk and the empty finish chunk do not count
    EXPECT_EQ(result.prompt_tokens, 412);
    EXPECT_EQ(result.completion_tokens, 42);
    EXPECT_EQ(outputTokens(result), 42);
}

TEST(CodegenStreamDecoder, ReadsCrlfCrAndByteOrderMarkedStreamsLikeLf) {
    for (const char* name : {"crlf.txt", "cr.txt", "bom.txt"}) {
        const StreamResult result = decode(transcript(name));
        EXPECT_EQ(result.status, StreamStatus::Done) << name;
        EXPECT_EQ(result.text, kShortAnswer) << name;
        EXPECT_EQ(result.token_chunks, 11) << name;
        EXPECT_FALSE(result.completion_tokens) << name;  // no usage chunk: counted chunks stand in
        EXPECT_EQ(outputTokens(result), 11) << name;
    }
}

TEST(CodegenStreamDecoder, KeepsRawAndEscapedUnicode) {
    const StreamResult result = decode(transcript("utf8.txt"));
    EXPECT_EQ(result.status, StreamStatus::Done);
    EXPECT_EQ(
        result.text,
        "Caf\xC3\xA9 \xE6\x97\xA5\xE6\x9C\xAC\xE8\xAA\x9E \xF0\x9F\x94\xA5 \xC3\xA9 \xF0\x9F\x94\xA5 na\xC3\xAFve");
}

TEST(CodegenStreamDecoder, FollowsEventIdAndRetryFieldsAndMultiLineData) {
    const StreamResult result = decode(transcript("fields.txt"));
    EXPECT_EQ(result.status, StreamStatus::Done);
    EXPECT_EQ(result.text, "Hello, world");
    EXPECT_EQ(result.finish_reason, "stop");
}

TEST(CodegenStreamDecoder, AnErrorInsideA200StreamFailsWithItsMessageAndKeepsWhatCameBefore) {
    const StreamResult result = decode(transcript("error-mid-stream.txt"));
    EXPECT_EQ(result.status, StreamStatus::Failed);
    EXPECT_EQ(result.text, "Here is the app:\n\n```html\n<!DOCTYPE html>\n");  // nothing after the error
    EXPECT_NE(result.error.find("The server had an error while processing your request. Sorry about that!"),
              std::string::npos)
        << result.error;
    EXPECT_NE(result.error.find("(server_error)"), std::string::npos) << result.error;
    EXPECT_NE(result.error.find("Try again"), std::string::npos) << result.error;
}

TEST(CodegenStreamDecoder, AStreamThatEndsWithoutFinishIsTruncated) {
    const StreamResult result = decode(transcript("cut.txt"));
    EXPECT_EQ(result.status, StreamStatus::Truncated);
    // The last event had no blank line after it: per the spec it is dropped, not dispatched.
    EXPECT_EQ(result.text, "```html\n<!DOCTYPE html>\n<html>\n<body>\n");
    EXPECT_EQ(result.error, "The connection closed in the middle of the answer.");
    const ExtractedCode code = extractCode(result.text);
    EXPECT_TRUE(code.found);
    EXPECT_FALSE(code.complete);
}

TEST(CodegenStreamDecoder, FinishReasonLengthIsDoneButCut) {
    const StreamResult result = decode(transcript("length.txt"));
    EXPECT_EQ(result.status, StreamStatus::Done);
    EXPECT_EQ(result.finish_reason, "length");
    EXPECT_EQ(result.completion_tokens, 12);
    const ExtractedCode code = extractCode(result.text);
    EXPECT_EQ(code.code, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<title>Long</title>\n");
    EXPECT_FALSE(code.complete);
}

TEST(CodegenStreamDecoder, KeepsReasoningApartFromTheAnswer) {
    const StreamResult result = decode(transcript("reasoning.txt"));
    EXPECT_EQ(result.status, StreamStatus::Done);
    EXPECT_EQ(result.reasoning, "The user wants a greeting. One paragraph is enough.");
    EXPECT_EQ(result.text, "```html\n<!DOCTYPE html>\n<html><body><p>Hello</p></body></html>\n```\n");
}

TEST(CodegenStreamDecoder, ReadsReasoningUnderEitherNameButNeverTwice) {
    const StreamResult result = decode(
        "data: {\"choices\":[{\"delta\":{\"reasoning\":\"one \"}}]}\n\n"
        "data: {\"choices\":[{\"delta\":{\"reasoning\":\"two \",\"reasoning_content\":\"two \"}}]}\n\n"
        "data: {\"choices\":[{\"delta\":{\"content\":\"x\"},\"finish_reason\":\"stop\"}]}\n\n");
    EXPECT_EQ(result.reasoning, "one two ");
    EXPECT_EQ(result.text, "x");
    EXPECT_EQ(result.status, StreamStatus::Done);  // a finish_reason then the end of the body
}

TEST(CodegenStreamDecoder, DataThatIsNotJsonFailsClearly) {
    const StreamResult result = decode(transcript("not-json.txt"));
    EXPECT_EQ(result.status, StreamStatus::Failed);
    EXPECT_EQ(result.text, "<p>");
    EXPECT_NE(result.error.find("not a JSON completion chunk (expected a value at byte 13)"), std::string::npos)
        << result.error;
    EXPECT_NE(result.error.find("\"{\"choices\": [oops\""), std::string::npos) << result.error;
    EXPECT_NE(result.error.find("base URL"), std::string::npos) << result.error;
}

TEST(CodegenStreamDecoder, AnErrorEventFailsEvenWithoutJson) {
    const StreamResult result =
        decode("data: {\"choices\":[{\"delta\":{\"content\":\"a\"}}]}\n\nevent: error\ndata: overloaded\n\n");
    EXPECT_EQ(result.status, StreamStatus::Failed);
    EXPECT_NE(result.error.find("\"overloaded\""), std::string::npos) << result.error;
    EXPECT_EQ(result.text, "a");
}

TEST(CodegenStreamDecoder, ErrorShapesOfOtherServers) {
    for (const char* body : {"data: {\"error\":\"model 'x' not found\"}\n\n",
                             "data: {\"object\":\"error\",\"message\":\"model 'x' not found\",\"code\":404}\n\n",
                             "data: {\"error\":{\"message\":\"model 'x' not found\",\"code\":404}}\n\n"}) {
        const StreamResult result = decode(body);
        EXPECT_EQ(result.status, StreamStatus::Failed) << body;
        EXPECT_NE(result.error.find("model 'x' not found"), std::string::npos) << result.error;
    }
    EXPECT_EQ(
        decode("data: {\"error\":null,\"choices\":[{\"delta\":{\"content\":\"ok\"},\"finish_reason\":\"stop\"}]}\n\n")
            .status,
        StreamStatus::Done);
}

TEST(CodegenStreamDecoder, DoneEndsTheAnswerAndLaterBytesAreIgnored) {
    const StreamResult result = decode(
        "data: {\"choices\":[{\"delta\":{\"content\":\"a\"}}]}\n\ndata: [DONE]\n\n"
        "data: {\"choices\":[{\"delta\":{\"content\":\"b\"}}]}\n\ndata: {oops\n\n");
    EXPECT_EQ(result.status, StreamStatus::Done);
    EXPECT_EQ(result.text, "a");
    EXPECT_EQ(result.finish_reason, "");
}

TEST(CodegenStreamDecoder, EmptyEventsAndCommentsAreKeepAlives) {
    const StreamResult result = decode(
        ": keep-alive\n\ndata:\n\ndata: "
        "{\"choices\":[{\"delta\":{\"content\":\"a\"},\"finish_reason\":\"stop\"}]}\n\n");
    EXPECT_EQ(result.status, StreamStatus::Done);
    EXPECT_EQ(result.text, "a");
}

// ---------------------------------------------------------------------------------------------
// Bodies that are not event streams
// ---------------------------------------------------------------------------------------------

TEST(CodegenStreamDecoder, ReadsAnAnswerThatWasNotStreamed) {
    const StreamResult result = decode(transcript("non-stream.txt"));
    EXPECT_EQ(result.status, StreamStatus::Done);
    EXPECT_EQ(result.text, decode(transcript("ok.txt")).text);
    EXPECT_EQ(result.finish_reason, "stop");
    EXPECT_EQ(result.model, "kiln-test/non-stream");
    EXPECT_EQ(result.prompt_tokens, 412);
    EXPECT_EQ(result.completion_tokens, 310);
    EXPECT_EQ(result.token_chunks, 1);
}

TEST(CodegenStreamDecoder, AWebPageInsteadOfAStreamFailsNamingThePage) {
    const StreamResult result = decode(transcript("html-page.txt"));
    EXPECT_EQ(result.status, StreamStatus::Failed);
    EXPECT_NE(result.error.find("a web page titled \"Sign in - Example Portal\""), std::string::npos) << result.error;
    EXPECT_NE(result.error.find("/v1"), std::string::npos) << result.error;
}

TEST(CodegenStreamDecoder, JsonWithoutACompletionFails) {
    for (const char* body :
         {"{\"id\":\"x\",\"choices\":[]}", "[1,2]", "{\"choices\":[{\"message\":{\"content\":null}}]}"}) {
        const StreamResult result = decode(body);
        EXPECT_EQ(result.status, StreamStatus::Failed) << body;
        EXPECT_NE(result.error.find("no completion"), std::string::npos) << result.error;
    }
    const StreamResult broken = decode("{\"choices\": [");
    EXPECT_EQ(broken.status, StreamStatus::Failed);
    EXPECT_NE(broken.error.find("(expected a value at byte 13)"), std::string::npos) << broken.error;
}

TEST(CodegenStreamDecoder, AnErrorJsonWithStatus200Fails) {
    const StreamResult result =
        decode("{\"error\":{\"message\":\"Invalid model\",\"type\":\"invalid_request_error\"}}");
    EXPECT_EQ(result.status, StreamStatus::Failed);
    EXPECT_NE(result.error.find("Invalid model"), std::string::npos) << result.error;
}

TEST(CodegenStreamDecoder, PlainTextInsteadOfAStreamFailsQuotingIt) {
    const StreamResult result = decode("Not Found\nThe requested URL was not found on this server.\n");
    EXPECT_EQ(result.status, StreamStatus::Failed);
    EXPECT_NE(result.error.find("answered with \"Not Found\", which is not a stream of completion chunks"),
              std::string::npos)
        << result.error;
}

TEST(CodegenStreamDecoder, AStreamCutInsideItsFirstEventIsTruncatedNotPlainText) {
    // Found by the fuzzer: the check for plain text once depended on the first piece's size.
    const std::string body = "data: {\"id\":\"chatcmpl-1\",\"object\":\"chat.compl";
    for (size_t cut = 0; cut <= body.size(); ++cut) {
        const StreamResult result = decodeSplit(body, {cut});
        ASSERT_EQ(result.status, StreamStatus::Truncated) << "cut at " << cut;
        EXPECT_NE(result.error.find("without sending an answer"), std::string::npos) << result.error;
    }
}

TEST(CodegenStreamDecoder, AnEmptyBodyIsTruncated) {
    for (const char* body : {"", "\n\n  \r\n", ": only a comment\n\n"}) {
        const StreamResult result = decode(body);
        EXPECT_EQ(result.status, StreamStatus::Truncated) << body;
        EXPECT_NE(result.error.find("without"), std::string::npos) << result.error;
    }
}

// ---------------------------------------------------------------------------------------------
// Statistics and the caller's failures
// ---------------------------------------------------------------------------------------------

TEST(CodegenStreamDecoder, MeasuresTimeToFirstTokenElapsedAndRate) {
    StreamDecoder decoder(1000);
    decoder.feed("data: {\"choices\":[{\"delta\":{\"role\":\"assistant\",\"content\":\"\"}}]}\n\n", 1200);
    EXPECT_FALSE(decoder.result().ttft_ms);  // a role chunk is not a token
    decoder.feed("data: {\"choices\":[{\"delta\":{\"content\":\"a\"}}]}\n\n", 1500);
    EXPECT_EQ(decoder.result().ttft_ms, 500);
    for (int i = 1; i <= 20; ++i)
        decoder.feed("data: {\"choices\":[{\"delta\":{\"content\":\"b\"}}]}\n\n", 1500 + i * 50);
    decoder.feed("data: {\"choices\":[{\"delta\":{},\"finish_reason\":\"stop\"}]}\n\ndata: [DONE]\n\n", 2500);
    decoder.finish(2600);  // the status settled at [DONE]: the end of the body does not move the clock
    const StreamResult& result = decoder.result();
    EXPECT_EQ(result.elapsed_ms, 1500);
    EXPECT_EQ(result.token_chunks, 21);
    EXPECT_DOUBLE_EQ(tokensPerSecond(result), 21.0);  // 21 tokens from 1,500 ms to 2,500 ms
}

TEST(CodegenStreamDecoder, ABurstHasNoMeasurableRate) {
    StreamDecoder decoder(0);
    decoder.feed("data: {\"choices\":[{\"delta\":{\"content\":\"a\"}}]}\n\n", 100);
    EXPECT_DOUBLE_EQ(tokensPerSecond(decoder.result()), 0.0) << "one token";
    // A cached answer: hundreds of tokens within a few milliseconds.
    for (int i = 0; i < 300; ++i) decoder.feed("data: {\"choices\":[{\"delta\":{\"content\":\"b\"}}]}\n\n", 112);
    EXPECT_DOUBLE_EQ(tokensPerSecond(decoder.result()), 0.0);
    decoder.feed("data: {\"choices\":[{\"delta\":{\"content\":\"c\"}}]}\n\n", 100 + kMinRateSpanMs);
    EXPECT_DOUBLE_EQ(tokensPerSecond(decoder.result()), 302.0 * 1000.0 / kMinRateSpanMs) << "measurable from then on";
}

TEST(CodegenStreamDecoder, UsageOverridesTheChunkCount) {
    StreamDecoder decoder(0);
    decoder.feed("data: {\"choices\":[{\"delta\":{\"content\":\"several tokens\"}}]}\n\n", 100);
    decoder.feed("data: {\"choices\":[{\"delta\":{},\"finish_reason\":\"stop\"}],\"usage\":null}\n\n", 1100);
    decoder.feed("data: {\"choices\":[],\"usage\":{\"prompt_tokens\":9,\"completion_tokens\":40}}\n\n", 1100);
    decoder.finish(1100);
    EXPECT_EQ(outputTokens(decoder.result()), 40);
    EXPECT_DOUBLE_EQ(tokensPerSecond(decoder.result()), 40.0);
}

TEST(CodegenStreamDecoder, TheCallerCanFailAStreamAndTheDraftStays) {
    StreamDecoder decoder(0);
    decoder.feed("data: {\"choices\":[{\"delta\":{\"content\":\"<!DOCTYPE html>\"}}]}\n\n", 10);
    decoder.fail("The connection dropped.", 20);
    EXPECT_EQ(decoder.result().status, StreamStatus::Failed);
    EXPECT_EQ(decoder.result().error, "The connection dropped.");
    EXPECT_EQ(decoder.result().text, "<!DOCTYPE html>");
    decoder.feed("data: {\"choices\":[{\"delta\":{\"content\":\"more\"}}]}\n\n", 30);
    decoder.finish(40);
    EXPECT_EQ(decoder.result().text, "<!DOCTYPE html>");
    EXPECT_EQ(decoder.result().status, StreamStatus::Failed);
}

TEST(CodegenStreamDecoder, AConnectionLostAfterTheFinishReasonStillCompletesTheAnswer) {
    StreamDecoder decoder(0);
    decoder.feed("data: {\"choices\":[{\"delta\":{\"content\":\"x\"},\"finish_reason\":\"stop\"}]}\n\n", 10);
    decoder.fail("The connection dropped.", 20);
    EXPECT_EQ(decoder.result().status, StreamStatus::Done);
    EXPECT_EQ(decoder.result().error, "");
}

// ---------------------------------------------------------------------------------------------
// From transcript to code
// ---------------------------------------------------------------------------------------------

TEST(CodegenTranscripts, AFirstAnswerGivesACompleteDocument) {
    const ExtractedCode code = extractCode(decode(transcript("ok.txt")).text);
    EXPECT_TRUE(code.found);
    EXPECT_TRUE(code.complete);
    EXPECT_EQ(code.code.rfind("<!DOCTYPE html>\n<html lang=\"en\">\n", 0), 0u);
    EXPECT_EQ(code.code.substr(code.code.size() - 8), "</html>\n");
}

TEST(CodegenTranscripts, AFollowUpAnswerEditsThatDocument) {
    const std::string code = extractCode(decode(transcript("ok.txt")).text).code;
    const StreamResult answer = decode(transcript("edit.txt"));
    ASSERT_TRUE(hasEditBlocks(answer.text));
    const EditResult edited = applyEditAnswer(code, answer.text);
    ASSERT_TRUE(edited.ok) << edited.message;
    EXPECT_EQ(edited.tolerant_matches, 0u);
    std::string expected = code;
    const auto insertAfter = [&](const std::string& anchor, const std::string& lines) {
        const size_t at = expected.find(anchor);
        ASSERT_NE(at, std::string::npos) << anchor;
        expected.insert(at + anchor.size(), lines);
    };
    insertAfter("Add one</button>\n", "  <button id=\"reset\" type=\"button\">Reset</button>\n");
    insertAfter("String(count);\n  });\n",
                "  document.getElementById('reset').addEventListener('click', () => {\n"
                "    count = 0;\n"
                "    document.getElementById('count').textContent = '0';\n"
                "  });\n");
    EXPECT_EQ(edited.code, expected);
}
