// Kiln: the few UTF-8 rules the code generation path needs, per the Unicode standard (table 3-7)
// and the WHATWG Encoding spec's decoder.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace kiln::codegen {

// Eight bytes at a time ("SWAR"): the hot loops of the parsers look at words, not bytes. Each
// mask below has the high bit set in the first matching byte of a little-endian word (bits
// above it may be set falsely: only the lowest one counts), and is 0 when no byte matches.
constexpr uint64_t kEveryByte = 0x0101010101010101ULL;
constexpr uint64_t kHighBits = 0x8080808080808080ULL;

// Bytes below n (n at most 128).
constexpr uint64_t bytesBelow(uint64_t word, unsigned char n) {
    return (word - kEveryByte * n) & ~word & kHighBits;
}

// Bytes equal to c.
constexpr uint64_t bytesEqual(uint64_t word, unsigned char c) {
    return bytesBelow(word ^ (kEveryByte * c), 1);
}

// The index (0 to 7) of the first byte a nonzero mask marks.
inline int firstMarkedByte(uint64_t mask) {
    return __builtin_ctzll(mask) >> 3;
}

// Returns the length (1 to 4) of the well-formed UTF-8 sequence that starts at text[pos]. Returns
// 0 when the bytes there are ill-formed (overlong, surrogate, above U+10FFFF, a stray continuation
// byte, or cut short by the end of text); then *subpart, if given, is the length of the maximal
// subpart: the bytes that one U+FFFD replaces when decoding (at least 1).
int utf8SequenceLength(std::string_view text, size_t pos, int* subpart = nullptr);

// True when every byte of text belongs to a well-formed UTF-8 sequence.
bool isValidUtf8(std::string_view text);

// Appends text to out with each ill-formed part replaced by U+FFFD, exactly as a browser's
// TextDecoder("utf-8") would decode it.
void appendReplacingInvalidUtf8(std::string_view text, std::string& out);

// The length of the longest prefix of text, at most max_bytes long, that does not end inside a
// UTF-8 sequence: where to cut text to fit max_bytes.
size_t utf8CutPoint(std::string_view text, size_t max_bytes);

// Appends the UTF-8 encoding of the code point cp (at most U+10FFFF, not a surrogate).
void appendUtf8(uint32_t cp, std::string& out);

}  // namespace kiln::codegen
