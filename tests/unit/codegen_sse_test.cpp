// The Server-Sent Events parser, as the WHATWG spec describes event streams.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "core/codegen/sse_parser.h"

using kiln::codegen::SseEvent;
using kiln::codegen::SseParser;

namespace {

// Every event the parser dispatches for the stream, fed in the given pieces.
std::vector<SseEvent> parse(SseParser& parser, const std::vector<std::string>& pieces) {
    std::vector<SseEvent> events;
    for (const std::string& piece : pieces) parser.feed(piece, [&](const SseEvent& event) { events.push_back(event); });
    return events;
}

std::vector<SseEvent> parse(const std::vector<std::string>& pieces) {
    SseParser parser;
    return parse(parser, pieces);
}

std::vector<std::string> bytesOf(const std::string& stream) {
    std::vector<std::string> bytes;
    for (char c : stream) bytes.emplace_back(1, c);
    return bytes;
}

std::vector<std::string> dataOf(const std::vector<SseEvent>& events) {
    std::vector<std::string> data;
    for (const SseEvent& event : events) data.push_back(event.data);
    return data;
}

using Data = std::vector<std::string>;

}  // namespace

TEST(SseParser, DispatchesAnEventAtEachBlankLine) {
    const auto events = parse({"data: one\n\ndata: two\n\ndata: not yet\n"});
    EXPECT_EQ(dataOf(events), (Data{"one", "two"}));
    EXPECT_EQ(events[0].type, "message");
    EXPECT_EQ(events[0].id, "");
}

TEST(SseParser, JoinsMultiLineDataWithNewlines) {
    EXPECT_EQ(dataOf(parse({"data: first\ndata: second\ndata:\ndata: fourth\n\n"})), (Data{"first\nsecond\n\nfourth"}));
}

TEST(SseParser, IgnoresCommentLines) {
    EXPECT_EQ(dataOf(parse({": keep-alive\n\ndata: a\n: inside an event\ndata: b\n\n:\n\n"})), (Data{"a\nb"}));
}

TEST(SseParser, RemovesOnlyOneSpaceAfterTheColon) {
    EXPECT_EQ(dataOf(parse({"data:x\n\ndata:  two spaces\n\ndata:\tx\n\n"})), (Data{"x", " two spaces", "\tx"}));
}

TEST(SseParser, ALineWithoutColonIsAFieldWithAnEmptyValue) {
    EXPECT_EQ(dataOf(parse({"data\ndata\n\n"})), (Data{"\n"}));
    EXPECT_EQ(dataOf(parse({"data\n\n"})), (Data{""}));
}

TEST(SseParser, AnEventWithoutDataIsNotDispatchedAndItsTypeIsForgotten) {
    const auto events = parse({"event: lonely\n\ndata: x\n\n"});
    ASSERT_EQ(events.size(), 1u);
    EXPECT_EQ(events[0].type, "message");
}

TEST(SseParser, ReadsEventTypeAndIdFields) {
    const auto events = parse({"event: error\nid: 7\ndata: a\n\ndata: b\n\nid\ndata: c\n\n"});
    ASSERT_EQ(events.size(), 3u);
    EXPECT_EQ(events[0].type, "error");
    EXPECT_EQ(events[0].id, "7");
    EXPECT_EQ(events[1].type, "message");  // the type lasts one event
    EXPECT_EQ(events[1].id, "7");          // the id lasts until changed
    EXPECT_EQ(events[2].id, "");           // an empty id field clears it
}

TEST(SseParser, IgnoresAnIdHoldingNul) {
    SseParser parser;
    const std::string stream = "id: 1\ndata: a\n\nid: 2" + std::string(1, '\0') + "x\ndata: b\n\n";
    const auto events = parse(parser, {stream});
    ASSERT_EQ(events.size(), 2u);
    EXPECT_EQ(events[1].id, "1");
}

TEST(SseParser, ReadsRetryOnlyWhenItIsAllDigits) {
    SseParser parser;
    parse(parser, {"retry: 2500\n\n"});
    EXPECT_EQ(parser.retryMs(), 2500);
    parse(parser, {"retry: 10s\nretry: -1\nretry:\n\n"});
    EXPECT_EQ(parser.retryMs(), 2500);
    parse(parser, {"retry: 99999999999999999999999\n\n"});
    EXPECT_GT(*parser.retryMs(), 1'000'000'000'000);
}

TEST(SseParser, IgnoresUnknownFields) {
    EXPECT_EQ(dataOf(parse({"foo: bar\nData: no\ndata: yes\n\n"})), (Data{"yes"}));
}

TEST(SseParser, AcceptsLfCrlfAndCrLineEnds) {
    const Data expected{"a\nb", "c"};
    EXPECT_EQ(dataOf(parse({"data: a\ndata: b\n\ndata: c\n\n"})), expected);
    EXPECT_EQ(dataOf(parse({"data: a\r\ndata: b\r\n\r\ndata: c\r\n\r\n"})), expected);
    EXPECT_EQ(dataOf(parse({"data: a\rdata: b\r\rdata: c\r\r"})), expected);
    EXPECT_EQ(dataOf(parse({"data: a\r\ndata: b\n\rdata: c\r\n\n"})), expected);
}

TEST(SseParser, ACrAtTheEndOfAChunkAndALfAtTheStartOfTheNextAreOneLineEnd) {
    // Were they two line ends, the empty line between would split "a" and "b" into two events.
    EXPECT_EQ(dataOf(parse({"data: a\r", "\ndata: b\r", "\n\r", "\n"})), (Data{"a\nb"}));
}

TEST(SseParser, EventsMaySplitAnywhere) {
    const std::string stream = ": hi\r\nevent: e\r\ndata: one\r\ndata: two\r\n\r\ndata: three\r\r";
    const auto whole = parse({stream});
    ASSERT_EQ(dataOf(whole), (Data{"one\ntwo", "three"}));
    EXPECT_EQ(dataOf(parse(bytesOf(stream))), dataOf(whole));
    for (size_t cut = 0; cut <= stream.size(); ++cut) {
        const auto split = parse({stream.substr(0, cut), stream.substr(cut)});
        ASSERT_EQ(dataOf(split), dataOf(whole)) << "cut at " << cut;
        EXPECT_EQ(split[0].type, "e");
    }
}

TEST(SseParser, SkipsOneByteOrderMarkAtTheStartEvenWhenSplit) {
    const std::string bom = "\xEF\xBB\xBF";
    EXPECT_EQ(dataOf(parse({bom + "data: a\n\n"})), (Data{"a"}));
    EXPECT_EQ(dataOf(parse(bytesOf(bom + "data: a\n\n"))), (Data{"a"}));
    // Only the first: a second one is text (and makes the first line a field with another name).
    EXPECT_EQ(dataOf(parse({bom + bom + "data: a\n\ndata: b\n\n"})), (Data{"b"}));
    EXPECT_EQ(dataOf(parse({"data: " + bom + "x\n\n"})), (Data{bom + "x"}));
}

TEST(SseParser, KeepsACharacterSplitAcrossChunks) {
    const std::string stream = "data: caf\xC3\xA9 \xF0\x9F\x94\xA5\n\n";
    for (size_t cut = 0; cut <= stream.size(); ++cut)
        ASSERT_EQ(dataOf(parse({stream.substr(0, cut), stream.substr(cut)})), (Data{"caf\xC3\xA9 \xF0\x9F\x94\xA5"}));
}

TEST(SseParser, ReplacesIllFormedUtf8AsABrowserDecoderDoes) {
    const std::string fffd = "\xEF\xBF\xBD";
    EXPECT_EQ(dataOf(parse({"data: a\xFF"
                            "b\n\n"})),
              (Data{"a" + fffd + "b"}));
    // A truncated sequence is one replacement (its maximal subpart), then decoding resumes.
    EXPECT_EQ(dataOf(parse({"data: \xE2\x82(\n\n"})), (Data{fffd + "("}));
    // Overlong forms and surrogates are replaced byte by byte.
    EXPECT_EQ(dataOf(parse({"data: \xC0\xAF\n\n"})), (Data{fffd + fffd}));
    EXPECT_EQ(dataOf(parse({"data: \xED\xA0\x80\n\n"})), (Data{fffd + fffd + fffd}));
    // A character cut by the line end.
    EXPECT_EQ(dataOf(parse({"data: \xC3\ndata: x\n\n"})), (Data{fffd + "\nx"}));
}

TEST(SseParser, FinishReportsAnEventTheStreamDidNotClose) {
    SseParser parser;
    EXPECT_TRUE(parse(parser, {"data: pending\n"}).empty());
    EXPECT_TRUE(parser.finish());  // discarded, not dispatched
    EXPECT_TRUE(parse(parser, {"data: half a li"}).empty());
    EXPECT_TRUE(parser.finish());
    parse(parser, {"data: closed\n\n: a comment\n"});
    EXPECT_FALSE(parser.finish());
    EXPECT_FALSE(parser.finish());
}

TEST(SseParser, AfterFinishItParsesANewStreamFromScratch) {
    SseParser parser;
    parse(parser, {"retry: 100\nid: 5\ndata: pending\n"});
    parser.finish();
    const auto events = parse(parser, {"\xEF\xBB\xBF"
                                       "data: fresh\n\n"});
    EXPECT_EQ(dataOf(events), (Data{"fresh"}));
    EXPECT_EQ(events[0].id, "5");  // kept, as an EventSource keeps it to reconnect
    EXPECT_EQ(parser.retryMs(), 100);
}

TEST(SseParser, HandlesALongLineFedOneByteAtATime) {
    const std::string payload(200'000, 'x');
    SseParser parser;
    std::vector<SseEvent> events;
    const std::string stream = "data: " + payload + "\n\n";
    for (char c : stream) parser.feed(std::string_view(&c, 1), [&](const SseEvent& event) { events.push_back(event); });
    ASSERT_EQ(events.size(), 1u);
    EXPECT_EQ(events[0].data, payload);
}
