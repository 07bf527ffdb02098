// Kiln: a multi-line text field that wraps its words (the prompt box). Dear ImGui 1.90's
// InputTextMultiline does not wrap, so the field is given the text with the spaces where lines
// wrap turned into line breaks ("soft" breaks, which keep every byte where it was, so the caret
// and selection mean the same in both), and the text is read back without them after each edit.
// Copying from the field copies spaces where the lines only wrap.
//
// Index
//   SoftWrap, softWrap, unwrapEdited   the text as shown, and what an edit of it means
//   WrappedTextState, inputTextWrapped the widget
#pragma once

#include <imgui.h>

#include <cstddef>
#include <functional>
#include <string>
#include <vector>

namespace kiln::ui {

// A text as the field shows it: `display` is the text with a '\n' in place of each space listed in
// `breaks` (byte offsets, ascending), where a line is wider than the field.
struct SoftWrap {
    std::string display;
    std::vector<size_t> breaks;
};

// Wraps `text` to lines at most `width` wide, breaking at the last space that fits; `advance` gives
// a code point's width. A word wider than a whole line is left as it is (the field scrolls sideways
// there). The line breaks of the text itself stay.
SoftWrap softWrap(const std::string& text, float width, const std::function<float(unsigned)>& advance);

// The text behind `edited`, which is `before.display` after one edit (typing, a paste, a deletion,
// which changes one stretch of it): the soft breaks outside that stretch are spaces again. A soft
// break the edit removed (a Backspace at the start of a wrapped line) is gone, as the space would
// be.
std::string unwrapEdited(const SoftWrap& before, const std::string& edited);

// What the widget keeps between frames for one field.
struct WrappedTextState {
    SoftWrap wrap;         // the text as the field shows it now
    std::string text;      // the text it was made from
    float width = -1;      // the width it was wrapped to
    size_t selection = 0;  // where the field's selection starts (bytes), for copying it
};

// InputTextMultiline over `text`, wrapped to the field's width (`width` as ImGui's: 0 or negative
// fills the line or leaves that much room), as tall as its lines between `min_height` and
// `max_height` (then it scrolls). Returns what InputTextMultiline returns with `flags`.
bool inputTextWrapped(const char* label, std::string* text, WrappedTextState& state, float width, float min_height,
                      float max_height, ImGuiInputTextFlags flags = 0);

}  // namespace kiln::ui
