// Kiln: an incremental Server-Sent Events parser, per the WHATWG HTML spec ("Parsing an event
// stream", section 9.2.6), for the bytes of a fetch response body as they arrive.
//
// Bytes may be split anywhere, also inside a UTF-8 character or between the CR and LF of a line
// end. Ill-formed UTF-8 is replaced by U+FFFD as the spec's decoder does, so every event holds
// valid UTF-8. The parser keeps its buffers between events: after the first few events it
// parses without allocating, in time linear in the bytes fed.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace kiln::codegen {

struct SseEvent {
    std::string type;  // the `event:` field, or "message" when the event had none
    std::string data;  // the `data:` lines joined with "\n"
    std::string id;    // the last event ID the stream set, as of this event
};

class SseParser {
public:
    // Parses the next bytes of the stream and calls on_event(const SseEvent&) for each event they
    // complete, in order. The event is valid only during the call (its buffers are reused).
    template <typename OnEvent>
    void feed(std::string_view bytes, OnEvent&& on_event) {
        size_t pos = 0;
        while (nextEvent(bytes, pos)) on_event(static_cast<const SseEvent&>(event_));
    }

    // The stream ended. Per the spec an event that was not closed by a blank line is discarded,
    // not dispatched: returns true when that happened (data lines, or part of a line, were
    // pending), which means the stream was cut. The parser is then ready for a new stream; the
    // last event ID and the retry time are kept, as for an EventSource reconnecting.
    bool finish();

    // The reconnection time the stream asked for with a `retry:` field, if it did.
    std::optional<int64_t> retryMs() const { return retry_ms_; }

private:
    // Advances pos through bytes until one event is complete (then returns true and event_ holds
    // it) or the bytes run out (returns false, keeping any partial line).
    bool nextEvent(std::string_view bytes, size_t& pos);
    // Interprets one line (without its line end); returns true when it dispatched an event.
    bool takeLine(std::string_view line);
    bool dispatch();

    SseEvent event_;
    std::string line_;                  // a line whose end has not arrived yet
    bool line_has_high_bytes_ = false;  // line_ holds bytes >= 0x80 (so it may need UTF-8 repair)
    std::string repaired_;              // a line with ill-formed UTF-8, after replacement
    std::string data_;                  // the data buffer: each data line followed by "\n"
    std::string type_;                  // the event type buffer
    std::string last_event_id_;
    std::optional<int64_t> retry_ms_;
    bool after_cr_ = false;  // the last line ended with CR: a LF right after it is part of that end
    int bom_matched_ = 0;    // bytes of a leading byte order mark seen so far
    bool bom_checked_ = false;
};

}  // namespace kiln::codegen
