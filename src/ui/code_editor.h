// Kiln: the code panel's editor widget. Monospace text with a line-number gutter, HTML/CSS/JS
// colours from core/syntax, scrolling both ways, find (Ctrl/Cmd+F), and all of ImGui's own text
// editing: selection, undo/redo, select-all, copy/cut/paste through ImGui's clipboard functions.
//
// How it works: ImGui::InputTextMultiline does the editing, sized to the whole text inside a
// scrolling child window and drawn with a transparent text colour; the widget then draws the
// coloured glyphs, the caret and the find matches itself, for the visible lines only, at the
// positions ImGui's own text layout gives them (see code_editor.cpp for the details).
#pragma once

#include <imgui.h>

#include <cstdint>
#include <string>
#include <vector>

#include "core/syntax/html_tokenizer.h"

namespace kiln::ui {

struct CodeEditorStyle {
    ImU32 token_colors[syntax::kTokenKindCount];
    ImU32 background;
    ImU32 gutter_background;
    ImU32 line_number;
    ImU32 line_number_current;  // the caret's line
    ImU32 selection;
    ImU32 caret;
    ImU32 match;          // find matches
    ImU32 current_match;  // the one "3 of 12" points at
    float caret_width;
};

// Kiln's palettes for the code panel: light or dark.
CodeEditorStyle codeEditorStyle(bool dark);

// What the widget keeps between frames for one text. Keep it alive as long as the text is shown;
// its members are the widget's own.
struct CodeEditorState {
    syntax::HtmlTokenizer tokenizer;
    std::string known_text;             // the text as the widget last saw it, to find what changed
    bool synced = false;                // known_text, tokenizer and line measures follow the text
    bool changed_outside = false;       // set by markCodeEditorTextChanged()
    uint64_t revision = 0;              // counts text changes
    std::vector<int> line_chars;        // characters (ImGui's ImWchar units) per line, '\n' excluded
    std::vector<int> line_char_starts;  // index of each line's first character in ImGui's buffer
    std::vector<int> line_columns;      // width of each line in spaces (a tab is 4, like ImGui's)
    int max_columns = 0;
    std::vector<syntax::Token> tokens;  // scratch: one line's tokens

    ImGuiID input_id = 0;          // ImGui's id of the text field
    ImGuiID scroll_window_id = 0;  // ImGui's id of the child window that scrolls it
    int last_cursor = -1;          // the caret last frame, to scroll to it when it moves
    uint64_t last_revision = 0;    // the text's revision when the caret was last seen
    // ImGui keeps one edit state for every text field: save the undo history while editing so
    // using another field (the find bar) does not lose it.
    std::vector<unsigned char> saved_undo;
    uint64_t saved_undo_revision = 0;

    struct Find {
        bool open = false;
        bool focus_field = false;  // put the keyboard in the find field next frame
        char query[256] = {};
        std::vector<size_t> matches;    // byte offsets of the matches, in order
        size_t current = 0;             // index into matches
        size_t anchor = 0;              // byte offset a new query's first match is looked for from
        uint64_t matches_revision = 0;  // the text revision the matches are for
        bool matches_stale = true;
    } find;
    bool reveal_current_match = false;  // scroll the current match into view
    // Select [begin, end) (bytes) once the editor has the keyboard again (after the find bar).
    bool select_pending = false;
    size_t select_begin = 0, select_end = 0;
    bool activate_pending = false;  // give the editor the keyboard when it is next drawn
};

// Draws the editor for `text` in a region of `size` (ImGui conventions: 0 fills, negative leaves
// that much room) and returns true when the user changed the text this frame. The caller pushes
// a monospace font first. `read_only` allows selecting, copying and finding, not changing.
// `id` must be unique in the current ID scope. `text` is UTF-8 without NUL bytes (ImGui's text
// field ends the text at one); anything else is shown without failing, the caret may be off.
// Cost per frame does not grow with the text's length beyond ImGui's own text field work (a few
// linear scans while the field has the keyboard); nothing is allocated per frame.
bool codeEditor(const char* id, std::string& text, CodeEditorState& state, const CodeEditorStyle& style, ImVec2 size,
                bool read_only);

// Puts the caret on line `line` (1 is the first) at column `column` (1 is the first; 0 as 1), and
// the keyboard in the editor, once it is drawn again (a frame or two later), scrolling it into
// view: where a console entry points. A line past the end means the last; a column past the
// line's end, its end.
void revealLineInCodeEditor(CodeEditorState& state, const std::string& text, int line, int column);

// Call after changing `text` outside the widget (another version opened, an edit applied):
// the next frame finds what changed, re-colours only from there, and drops ImGui's edit state
// (caret, undo) if the text really differs, so undo never crosses into another text.
void markCodeEditorTextChanged(CodeEditorState& state);

// Takes a key press away from every text field (the editor's, the prompt box) for this frame;
// true if it was pressed.
bool takeKeyPress(ImGuiKey key);

}  // namespace kiln::ui
