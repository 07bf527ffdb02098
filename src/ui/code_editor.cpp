// Index
//   Palettes
//   Text bookkeeping: lines, characters and columns kept across edits
//   Layout: where ImGui puts each character
//   Find
//   Keys ImGui's text field would get wrong here
//   The overlay: matches, coloured glyphs, caret
//   The widget
//
// The editor is ImGui::InputTextMultiline, so ImGui does all the editing. Three things are
// arranged around it:
// - Scrolling. The text field is sized to the whole text (plus its frame padding) inside a child
//   window with both scrollbars, and told not to scroll itself (NoHorizontalScroll, and a height
//   that never needs its own vertical scroll). So its inner child's scroll stays 0 and the text's
//   screen position follows from the outer child's scroll alone. ImGui's own "keep the caret in
//   view" then has nothing to do; the widget does it for the outer child when the caret moves.
// - Drawing. The field is drawn with transparent ImGuiCol_Text and ImGuiCol_TextSelectedBg, so ImGui
//   draws its frame but no glyphs (ImDrawList::AddText returns at once for a transparent colour),
//   no visible caret (it uses ImGuiCol_Text too) and no selection (it draws it before the widget
//   has applied a page key or a find result for the frame). The widget draws the selection, the
//   find matches, the coloured glyphs and a caret into the field's own child window draw list
//   (ImGuiWindow::DC.ChildWindows of the scrolling child; drawn above its parent), for the visible lines only, with
//   ImFont::RenderText's arithmetic: the start position truncated (IM_TRUNC), then each glyph at
//   x + X0 * scale and x advanced by AdvanceX * scale; '\r' has no width and '\t' is one glyph
//   IM_TABSIZE spaces wide (ImGui has no tab stops). Selection rectangles and the caret follow
//   InputTextEx's arithmetic (width of the line's characters before the position, GetCharAdvance).
//   Scroll offsets are kept whole so glyphs, selection and caret land on the same pixels.
// - ImGui internals used (imgui_internal.h, 1.90.1): GetInputTextState() for the caret, selection
//   and undo history (ImGuiInputTextState::Stb), SetKeyOwner() to take Escape/Enter away from a
//   field for one frame, ActivateItemByID() to give the keyboard back to the editor after find,
//   ImGuiWindow's Scroll/ScrollTarget/ClipRect/DC, and the font's glyph data.
#define IMGUI_DEFINE_MATH_OPERATORS
#include "ui/code_editor.h"

#include <imgui_internal.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>

#include "core/codegen/utf8.h"

namespace kiln::ui {

bool takeKeyPress(ImGuiKey key) {
    if (!ImGui::IsKeyPressed(key)) return false;
    ImGui::SetKeyOwner(key, ImGuiKeyOwner_Any, ImGuiInputFlags_LockThisFrame);
    return true;
}

using syntax::Token;
using syntax::TokenKind;

// ---------------------------------------------------------------------------------------------
// Palettes
// ---------------------------------------------------------------------------------------------

namespace {

// Each colour as {dark, light}.
struct ColorPair {
    ImU32 dark;
    ImU32 light;
};

constexpr ColorPair kText{IM_COL32(212, 212, 210, 255), IM_COL32(30, 30, 30, 255)};
constexpr ColorPair kPunctuation{IM_COL32(180, 180, 178, 255), IM_COL32(70, 70, 70, 255)};
constexpr ColorPair kString{IM_COL32(214, 157, 133, 255), IM_COL32(163, 21, 21, 255)};
constexpr ColorPair kNumber{IM_COL32(181, 206, 168, 255), IM_COL32(9, 134, 88, 255)};
constexpr ColorPair kName{IM_COL32(156, 220, 254, 255), IM_COL32(0, 16, 128, 255)};
constexpr ColorPair kKeyword{IM_COL32(197, 134, 192, 255), IM_COL32(175, 0, 219, 255)};
constexpr ColorPair kTag{IM_COL32(86, 156, 214, 255), IM_COL32(128, 0, 0, 255)};
constexpr ColorPair kProperty{IM_COL32(156, 220, 254, 255), IM_COL32(200, 40, 30, 255)};

// Indexed by TokenKind.
constexpr ColorPair kTokenColors[syntax::kTokenKindCount] = {
    kText,                                                         // Text
    kTag,                                                          // Tag
    kProperty,                                                     // AttributeName
    {IM_COL32(214, 157, 133, 255), IM_COL32(0, 0, 220, 255)},      // AttributeValue
    {IM_COL32(106, 153, 85, 255), IM_COL32(0, 128, 0, 255)},       // Comment
    {IM_COL32(128, 128, 128, 255), IM_COL32(120, 120, 120, 255)},  // Doctype
    {IM_COL32(220, 190, 120, 255), IM_COL32(180, 80, 0, 255)},     // Entity
    {IM_COL32(215, 186, 125, 255), IM_COL32(128, 0, 0, 255)},      // CssSelector
    kProperty,                                                     // CssProperty
    {IM_COL32(214, 157, 133, 255), IM_COL32(4, 81, 165, 255)},     // CssValue
    kNumber,                                                       // CssNumber
    kKeyword,                                                      // CssAtRule
    kString,                                                       // CssString
    kPunctuation,                                                  // CssPunctuation
    kKeyword,                                                      // JsKeyword
    kName,                                                         // JsIdentifier
    kString,                                                       // JsString
    {IM_COL32(224, 170, 120, 255), IM_COL32(150, 60, 20, 255)},    // JsTemplate
    kNumber,                                                       // JsNumber
    {IM_COL32(209, 105, 105, 255), IM_COL32(129, 31, 63, 255)},    // JsRegex
    kPunctuation,                                                  // JsPunctuation
};

}  // namespace

CodeEditorStyle codeEditorStyle(bool dark) {
    const auto pick = [dark](ColorPair pair) { return dark ? pair.dark : pair.light; };
    CodeEditorStyle style{};
    for (int kind = 0; kind < syntax::kTokenKindCount; ++kind) style.token_colors[kind] = pick(kTokenColors[kind]);
    style.background = pick({IM_COL32(30, 30, 32, 255), IM_COL32(255, 255, 255, 255)});
    style.gutter_background = pick({IM_COL32(30, 30, 32, 255), IM_COL32(247, 247, 245, 255)});
    style.line_number = pick({IM_COL32(110, 110, 112, 255), IM_COL32(150, 150, 148, 255)});
    style.line_number_current = pick({IM_COL32(210, 210, 208, 255), IM_COL32(40, 40, 40, 255)});
    style.selection = pick({IM_COL32(38, 79, 120, 255), IM_COL32(173, 214, 255, 255)});
    style.caret = pick({IM_COL32(238, 115, 51, 255), IM_COL32(217, 92, 26, 255)});  // Kiln's ember
    style.match = pick({IM_COL32(234, 160, 60, 70), IM_COL32(255, 190, 0, 90)});
    style.current_match = pick({IM_COL32(234, 120, 40, 150), IM_COL32(244, 140, 0, 170)});
    style.caret_width = 2.0f;
    return style;
}

namespace {

// ---------------------------------------------------------------------------------------------
// Text bookkeeping
// ---------------------------------------------------------------------------------------------

// Decodes one character as ImGui does when it converts UTF-8 to its ImWchar buffer, so that
// character counts agree with the indices of ImGuiInputTextState. Always moves forward.
unsigned int nextChar(const char*& p, const char* end) {
    unsigned int c = static_cast<unsigned char>(*p);
    if (c < 0x80) {
        ++p;
        return c;
    }
    const int length = ImTextCharFromUtf8(&c, p, end);
    p += length > 0 ? length : 1;
    return c;
}

void measureLine(std::string_view line, int& chars, int& columns) {
    chars = columns = 0;
    for (const char *p = line.data(), *end = p + line.size(); p < end;) {
        const unsigned int c = nextChar(p, end);
        ++chars;
        columns += c == '\t' ? IM_TABSIZE : c == '\r' ? 0 : 1;
    }
}

void rebuildLineTotals(CodeEditorState& s) {
    s.line_char_starts.resize(s.line_chars.size());
    s.max_columns = 0;
    int at = 0;
    for (size_t i = 0; i < s.line_chars.size(); ++i) {
        s.line_char_starts[i] = at;
        at += s.line_chars[i] + 1;  // and its '\n'
        s.max_columns = std::max(s.max_columns, s.line_columns[i]);
    }
}

// Re-measures lines [first, last] of the text into the per-line vectors at the same indices.
void measureLines(CodeEditorState& s, const std::string& text, size_t first, size_t last) {
    for (size_t i = first; i <= last; ++i) measureLine(s.tokenizer.line(text, i), s.line_chars[i], s.line_columns[i]);
}

// Brings the bookkeeping up to `text`; returns whether the text differs from what it knew. Costs a
// comparison with the known text (memcmp speed), a pass over the line table, and decoding the
// changed lines; nothing is re-tokenized here (that happens lazily when lines are drawn).
bool followText(CodeEditorState& s, const std::string& text) {
    if (!s.synced) {
        s.tokenizer.reset(text);
        s.line_chars.assign(s.tokenizer.lineCount(), 0);
        s.line_columns.assign(s.tokenizer.lineCount(), 0);
        measureLines(s, text, 0, s.tokenizer.lineCount() - 1);
        rebuildLineTotals(s);
        s.known_text = text;
        s.synced = true;
        ++s.revision;
        return true;
    }
    const syntax::TextEdit edit = syntax::findEdit(s.known_text, text);
    if (edit.removed == 0 && edit.inserted == 0) return false;
    const size_t old_lines = s.tokenizer.lineCount();
    const size_t first = s.tokenizer.applyEdit(text, edit);
    const size_t new_lines = s.tokenizer.lineCount();
    // Lines [first, old_last] became lines [first, new_last]; the ones after only moved.
    const size_t new_last = s.tokenizer.lineOf(edit.offset + edit.inserted);
    const size_t old_last = new_last + old_lines - new_lines;
    const auto at = [](std::vector<int>& v, size_t i) { return v.begin() + static_cast<std::ptrdiff_t>(i); };
    for (std::vector<int>* v : {&s.line_chars, &s.line_columns}) {
        v->erase(at(*v, first), at(*v, old_last + 1));
        v->insert(at(*v, first), new_last - first + 1, 0);
    }
    measureLines(s, text, first, new_last);
    rebuildLineTotals(s);
    s.known_text.replace(edit.offset, edit.removed, text, edit.offset, edit.inserted);
    ++s.revision;
    return true;
}

size_t lineOfChar(const CodeEditorState& s, int index) {
    const auto it = std::upper_bound(s.line_char_starts.begin(), s.line_char_starts.end(), index);
    return it == s.line_char_starts.begin() ? 0 : static_cast<size_t>(it - s.line_char_starts.begin()) - 1;
}

// The byte offset of ImGui's character index `index` (clamped to its line).
size_t byteOfChar(const CodeEditorState& s, const std::string& text, int index) {
    const size_t line = lineOfChar(s, index);
    const std::string_view bytes = s.tokenizer.line(text, line);
    int column = std::clamp(index - s.line_char_starts[line], 0, s.line_chars[line]);
    const char *p = bytes.data(), *end = p + bytes.size();
    while (column-- > 0 && p < end) nextChar(p, end);
    return static_cast<size_t>(p - text.data());
}

// ImGui's character index of byte `offset`.
int charOfByte(const CodeEditorState& s, const std::string& text, size_t offset) {
    const size_t line = s.tokenizer.lineOf(offset);
    const std::string_view bytes = s.tokenizer.line(text, line);
    int index = s.line_char_starts[line];
    for (const char *p = bytes.data(), *end = p + std::min(offset - s.tokenizer.lineStart(line), bytes.size()); p < end;
         ++index) {
        nextChar(p, end);
    }
    return index;
}

// ---------------------------------------------------------------------------------------------
// Layout
// ---------------------------------------------------------------------------------------------

struct TextLayout {
    ImFont* font = nullptr;
    float scale = 1;        // g.FontSize / font->FontSize, as InputTextEx and RenderText use it
    float line_height = 0;  // g.FontSize
    ImVec2 origin;          // top-left of line 0 where InputTextEx puts selection and caret
    ImVec2 glyph_origin;    // the same truncated, where ImFont::RenderText starts its glyphs
    ImRect clip;            // the visible part of the text field
    size_t first_line = 0;  // visible lines, inclusive
    size_t last_line = 0;

    float advance(unsigned int c) const { return font->GetCharAdvance(static_cast<ImWchar>(c)) * scale; }
    float lineTop(size_t line) const { return origin.y + static_cast<float>(line) * line_height; }
    float glyphLineTop(size_t line) const { return glyph_origin.y + static_cast<float>(line) * line_height; }
};

// Width of the first `bytes` bytes of a line, summed character by character as InputTextEx does.
float widthOf(const TextLayout& layout, std::string_view line, size_t bytes) {
    float width = 0;
    for (const char *p = line.data(), *end = p + std::min(bytes, line.size()); p < end;) {
        const unsigned int c = nextChar(p, end);
        if (c != '\r') width += layout.advance(c);
    }
    return width;
}

// Width of characters [begin, end) of ImGui's own buffer: the exact sum InputTextEx makes for the caret.
float widthOfChars(const TextLayout& layout, const ImWchar* begin, const ImWchar* end) {
    float width = 0;
    for (const ImWchar* p = begin; p < end; ++p) {
        if (*p != '\r') width += layout.advance(*p);
    }
    return width;
}

// Appends glyph quads to a draw list, reserving room in chunks rather than per glyph.
class GlyphWriter {
public:
    explicit GlyphWriter(ImDrawList* list) : list_(list) {}
    ~GlyphWriter() {
        if (room_ > 0) list_->PrimUnreserve(room_ * 6, room_ * 4);
    }
    GlyphWriter(const GlyphWriter&) = delete;
    GlyphWriter& operator=(const GlyphWriter&) = delete;

    void glyph(const ImFontGlyph& glyph, float x, float y, float scale, ImU32 color) {
        if (room_ == 0) {
            list_->PrimReserve(kChunk * 6, kChunk * 4);
            room_ = kChunk;
        }
        if (glyph.Colored) color |= ~IM_COL32_A_MASK;
        list_->PrimRectUV(ImVec2(x + glyph.X0 * scale, y + glyph.Y0 * scale),
                          ImVec2(x + glyph.X1 * scale, y + glyph.Y1 * scale), ImVec2(glyph.U0, glyph.V0),
                          ImVec2(glyph.U1, glyph.V1), color);
        --room_;
    }

private:
    static constexpr int kChunk = 256;
    ImDrawList* list_;
    int room_ = 0;
};

// Draws a line's glyphs from (x, y) as ImFont::RenderText would, coloured by `tokens` (or all in
// `color` when there are none), skipping glyphs outside [clip_left, clip_right].
void drawLine(GlyphWriter& out, const TextLayout& layout, std::string_view line, const std::vector<Token>* tokens,
              const ImU32* colors, ImU32 color, float x, float y, float clip_left, float clip_right) {
    size_t token = 0;
    for (const char *begin = line.data(), *p = begin, *end = begin + line.size(); p < end && x <= clip_right;) {
        const size_t offset = static_cast<size_t>(p - begin);
        const unsigned int c = nextChar(p, end);
        if (c == '\r') continue;
        const ImFontGlyph* glyph = layout.font->FindGlyph(static_cast<ImWchar>(c));
        if (!glyph) continue;
        if (glyph->Visible && x + glyph->X1 * layout.scale >= clip_left) {
            if (tokens) {
                while (token + 1 < tokens->size() && (*tokens)[token].end <= offset) ++token;
                color = colors[static_cast<int>((*tokens)[token].kind)];
            }
            out.glyph(*glyph, x, y, layout.scale, color);
        }
        x += glyph->AdvanceX * layout.scale;
    }
}

// ---------------------------------------------------------------------------------------------
// Find
// ---------------------------------------------------------------------------------------------

char lowerAscii(char c) {
    return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

// Every occurrence of `query` in `text`, not overlapping; ASCII letters match in either case.
void findMatches(std::string_view text, std::string_view query, std::vector<size_t>& out) {
    out.clear();
    if (query.empty() || query.size() > text.size()) return;
    const char first = lowerAscii(query[0]);
    for (size_t i = 0; i + query.size() <= text.size();) {
        bool same = lowerAscii(text[i]) == first;
        for (size_t k = 1; same && k < query.size(); ++k) same = lowerAscii(text[i + k]) == lowerAscii(query[k]);
        if (same) {
            out.push_back(i);
            i += query.size();
        } else {
            ++i;
        }
    }
}

void refreshMatches(CodeEditorState& s, const std::string& text, size_t anchor) {
    CodeEditorState::Find& find = s.find;
    if (!find.matches_stale && find.matches_revision == s.revision) return;
    const bool query_changed = find.matches_stale;
    const size_t previous =
        find.matches.empty() ? anchor : find.matches[std::min(find.current, find.matches.size() - 1)];
    findMatches(text, find.query, find.matches);
    // A new query starts from the caret; a changed text keeps the place it was at.
    const size_t from = query_changed ? anchor : previous;
    const auto it = std::lower_bound(find.matches.begin(), find.matches.end(), from);
    find.current = it == find.matches.end() ? 0 : static_cast<size_t>(it - find.matches.begin());
    find.matches_stale = false;
    find.matches_revision = s.revision;
    s.reveal_current_match = query_changed && !find.matches.empty();
}

void stepMatch(CodeEditorState& s, int direction) {
    CodeEditorState::Find& find = s.find;
    if (find.matches.empty()) return;
    const size_t count = find.matches.size();
    find.current = (find.current + (direction > 0 ? 1 : count - 1)) % count;
    s.reveal_current_match = true;
}

// ---------------------------------------------------------------------------------------------
// Keys ImGui's text field would get wrong here
// ---------------------------------------------------------------------------------------------

bool shortcutPressed(ImGuiKey key) {
    // Ctrl on every system, and Cmd (Super) too: browsers on macOS report Cmd as the meta key.
    return ImGui::IsKeyChordPressed(ImGuiMod_Ctrl | key) || ImGui::IsKeyChordPressed(ImGuiMod_Super | key);
}

// Gives the keyboard to a text field on the next frame. (SetKeyboardFocusHere() cannot: it only
// reaches items in the focus scope that has the keyboard, and each child window is its own.)
// A one-line field selects all its text unless `keep_selection`.
void activateField(ImGuiID id, bool keep_selection) {
    ImGui::ActivateItemByID(id);
    GImGui->NavNextActivateFlags =
        ImGuiActivateFlags_PreferInput | (keep_selection ? ImGuiActivateFlags_TryToPreserveState : 0);
}

void selectChars(ImGuiInputTextState& input, int begin, int end) {
    input.Stb.select_start = begin;
    input.Stb.select_end = end;
    input.Stb.cursor = end;
    input.Stb.has_preferred_x = 0;
    input.CursorClamp();
}

struct Caret {
    int cursor = 0;
    int select_start = 0;
    int select_end = 0;
};

// PageUp/PageDown: InputTextEx pages by the field's height, which here is the whole text. Move the
// caret by the visible height instead, keeping its column (and the selection anchor with Shift).
void pageCaret(const CodeEditorState& s, ImGuiInputTextState& input, const Caret& before, int rows, bool extend) {
    const int cursor = before.cursor;
    const size_t line = lineOfChar(s, cursor);
    const int column = cursor - s.line_char_starts[line];
    const long target_line =
        std::clamp(static_cast<long>(line) + rows, 0L, static_cast<long>(s.line_char_starts.size()) - 1);
    const size_t target = static_cast<size_t>(target_line);
    const int moved = s.line_char_starts[target] + std::min(column, s.line_chars[target]);
    const bool had_selection = before.select_start != before.select_end;
    const int anchor = extend ? (had_selection ? before.select_start : cursor) : moved;
    selectChars(input, anchor, moved);
}

// ---------------------------------------------------------------------------------------------
// The overlay
// ---------------------------------------------------------------------------------------------

void drawMatches(ImDrawList* list, const CodeEditorState& s, const std::string& text, const TextLayout& layout,
                 const CodeEditorStyle& style) {
    const CodeEditorState::Find& find = s.find;
    if (!find.open || find.matches.empty()) return;
    const size_t length = std::strlen(find.query);
    // Queries are one line (the find field has no newlines), so no match starts above the view and ends in it.
    auto it = std::lower_bound(find.matches.begin(), find.matches.end(), s.tokenizer.lineStart(layout.first_line));
    for (; it != find.matches.end(); ++it) {
        const size_t line = s.tokenizer.lineOf(*it);
        if (line > layout.last_line) break;
        const std::string_view bytes = s.tokenizer.line(text, line);
        const size_t begin = *it - s.tokenizer.lineStart(line);
        const float x0 = layout.origin.x + widthOf(layout, bytes, begin);
        const float x1 = layout.origin.x + widthOf(layout, bytes, begin + length);
        const bool current = static_cast<size_t>(it - find.matches.begin()) == find.current;
        list->AddRectFilled(ImVec2(x0, layout.lineTop(line)), ImVec2(x1, layout.lineTop(line) + layout.line_height),
                            current ? style.current_match : style.match);
    }
}

void drawText(ImDrawList* list, CodeEditorState& s, const std::string& text, const TextLayout& layout,
              const CodeEditorStyle& style) {
    GlyphWriter out(list);  // its room is given back when this returns, before any other draw call
    for (size_t line = layout.first_line; line <= layout.last_line; ++line) {
        s.tokenizer.tokens(text, line, s.tokens);
        drawLine(out, layout, s.tokenizer.line(text, line), &s.tokens, style.token_colors, 0, layout.glyph_origin.x,
                 layout.glyphLineTop(line), layout.clip.Min.x, layout.clip.Max.x);
    }
}

// The selection, drawn here rather than by InputTextEx so that it shows what this frame decided
// (after a page key or a find result moved it), with InputTextEx's arithmetic: per line, from the
// width before the selection to its end or the line's end; a selected line break with nothing
// else selected on its line shows half a space.
void drawSelection(ImDrawList* list, const CodeEditorState& s, const ImGuiInputTextState& input,
                   const TextLayout& layout, const CodeEditorStyle& style) {
    const int begin = std::clamp(std::min(input.Stb.select_start, input.Stb.select_end), 0, input.CurLenW);
    const int end = std::clamp(std::max(input.Stb.select_start, input.Stb.select_end), 0, input.CurLenW);
    if (begin == end) return;
    const size_t first = std::max(lineOfChar(s, begin), layout.first_line);
    const size_t last = std::min(lineOfChar(s, end), layout.last_line);
    const ImWchar* text = input.TextW.Data;
    for (size_t line = first; line <= last && first <= last; ++line) {
        const int line_begin = s.line_char_starts[line];
        if (end <= line_begin) break;  // the selection ends where this line starts
        const int line_end = std::min(line_begin + s.line_chars[line], input.CurLenW);
        const int from = std::clamp(begin, line_begin, line_end);
        const int to = std::clamp(end, line_begin, line_end);
        const float x = widthOfChars(layout, text + line_begin, text + from);
        float width = widthOfChars(layout, text + from, text + to);
        if (width <= 0) width = IM_TRUNC(layout.advance(' ') * 0.5f);
        const float top = layout.lineTop(line);
        list->AddRectFilled(ImVec2(layout.origin.x + x, top),
                            ImVec2(layout.origin.x + x + width, top + layout.line_height), style.selection);
    }
}

void drawCaret(ImDrawList* list, const CodeEditorState& s, const ImGuiInputTextState& input, const TextLayout& layout,
               const CodeEditorStyle& style) {
    const int cursor = std::clamp(input.Stb.cursor, 0, input.CurLenW);
    const size_t line = lineOfChar(s, cursor);
    const int line_begin = std::min(s.line_char_starts[line], cursor);
    // InputTextEx: ImTrunc(draw_pos + cursor_offset), cursor_offset.x = width of the line up to
    // the caret, from its own buffer. A steady caret: an idle page draws no frames to blink with.
    const float x =
        IM_TRUNC(layout.origin.x + widthOfChars(layout, input.TextW.Data + line_begin, input.TextW.Data + cursor));
    const float top = IM_TRUNC(layout.lineTop(line));
    const float half = IM_TRUNC(style.caret_width * 0.5f);
    list->AddRectFilled(ImVec2(x - half, top), ImVec2(x - half + style.caret_width, top + layout.line_height),
                        style.caret);
}

// The line-number gutter, drawn in the container beside the scrolling text, on the text's lines.
void drawGutter(ImDrawList* list, const TextLayout& layout, const ImRect& rect, size_t caret_line, bool has_caret,
                const CodeEditorStyle& style, float padding) {
    // Numbers only beside visible text: not beside the horizontal scrollbar.
    list->PushClipRect(ImVec2(rect.Min.x, layout.clip.Min.y), ImVec2(rect.Max.x, layout.clip.Max.y), true);
    {
        GlyphWriter out(list);  // gives back its unused room before the clip rect changes again
        const float digit = layout.advance('0');
        char number[24];
        for (size_t line = layout.first_line; line <= layout.last_line; ++line) {
            const int length = std::snprintf(number, sizeof number, "%zu", line + 1);
            const float x = IM_TRUNC(rect.Max.x - padding - static_cast<float>(length) * digit);
            const ImU32 color = has_caret && line == caret_line ? style.line_number_current : style.line_number;
            drawLine(out, layout, std::string_view(number, static_cast<size_t>(length)), nullptr, nullptr, color, x,
                     layout.glyphLineTop(line), rect.Min.x, rect.Max.x);
        }
    }
    list->PopClipRect();
}

// ---------------------------------------------------------------------------------------------
// The widget
// ---------------------------------------------------------------------------------------------

int resizeText(ImGuiInputTextCallbackData* data) {
    if (data->EventFlag == ImGuiInputTextFlags_CallbackResize) {
        auto* text = static_cast<std::string*>(data->UserData);
        text->resize(static_cast<size_t>(data->BufTextLen));
        data->Buf = text->data();
    }
    return 0;
}

// Whole-pixel scroll offsets: ImGui truncates the text's start but not the selection's, so a
// fractional scroll (a trackpad, a dragged scrollbar) would split them by a fraction of a pixel.
void roundScroll(ImGuiID window_id) {
    ImGuiWindow* window = window_id ? ImGui::FindWindowByID(window_id) : nullptr;
    if (!window) return;
    for (int axis = 0; axis < 2; ++axis) {
        window->Scroll[axis] = IM_ROUND(window->Scroll[axis]);
        if (window->ScrollTarget[axis] != FLT_MAX) window->ScrollTarget[axis] = IM_ROUND(window->ScrollTarget[axis]);
    }
}

void closeFind(CodeEditorState& s, bool to_editor) {
    s.find.open = false;
    if (!to_editor) return;
    if (!s.find.matches.empty()) {
        s.select_pending = true;
        s.select_begin = s.find.matches[s.find.current];
        s.select_end = s.select_begin + std::strlen(s.find.query);
    }
    activateField(s.input_id, true);
}

// Opens the find bar with the keyboard in it. The search starts from the editor's caret; a
// selection on one line becomes the query, as in browsers and editors.
void openFind(CodeEditorState& s, const std::string& text, const ImGuiInputTextState* input) {
    CodeEditorState::Find& find = s.find;
    find.open = true;
    find.focus_field = true;
    find.matches_stale = true;
    if (!input) return;  // the keyboard is elsewhere (the find field itself): keep the anchor
    const int begin = std::min(input->Stb.select_start, input->Stb.select_end);
    const int end = std::max(input->Stb.select_start, input->Stb.select_end);
    find.anchor = byteOfChar(s, text, begin);
    const size_t end_byte = byteOfChar(s, text, end);
    if (end > begin && end_byte - find.anchor < sizeof find.query && lineOfChar(s, begin) == lineOfChar(s, end)) {
        std::memcpy(find.query, text.data() + find.anchor, end_byte - find.anchor);
        find.query[end_byte - find.anchor] = '\0';
    }
}

// The find bar across the top of the editor: query, "3 of 12", previous, next, close.
void drawFindBar(CodeEditorState& s, const std::string& text, const CodeEditorStyle& style) {
    CodeEditorState::Find& find = s.find;
    ImGuiContext& g = *GImGui;
    const ImGuiStyle& imgui_style = ImGui::GetStyle();
    const ImVec2 start = ImGui::GetCursorScreenPos();
    const float height = ImGui::GetFrameHeight() + imgui_style.FramePadding.y * 2;
    ImGui::GetWindowDrawList()->AddRectFilled(
        start, ImVec2(start.x + ImGui::GetContentRegionAvail().x, start.y + height), style.gutter_background);
    ImGui::SetCursorScreenPos(ImVec2(start.x + imgui_style.FramePadding.x, start.y + imgui_style.FramePadding.y));

    const ImGuiID field_id = ImGui::GetID("##find");
    if (g.ActiveId == field_id && (takeKeyPress(ImGuiKey_Enter) || takeKeyPress(ImGuiKey_KeypadEnter))) {
        stepMatch(s, ImGui::GetIO().KeyShift ? -1 : 1);
    }
    if (find.focus_field) {
        activateField(field_id, false);
        find.focus_field = false;
    }
    ImGui::SetNextItemWidth(std::min(320.0f, ImGui::GetContentRegionAvail().x * 0.5f));
    if (ImGui::InputTextWithHint("##find", "Find", find.query, sizeof find.query)) find.matches_stale = true;
    refreshMatches(s, text, find.anchor);

    ImGui::SameLine();
    char count[48];
    if (find.query[0] == '\0') {
        count[0] = '\0';
    } else if (find.matches.empty()) {
        std::snprintf(count, sizeof count, "No results");
    } else {
        std::snprintf(count, sizeof count, "%zu of %zu", find.current + 1, find.matches.size());
    }
    ImGui::AlignTextToFramePadding();
    ImGui::TextUnformatted(count);
    ImGui::SameLine();
    if (ImGui::ArrowButton("##previous", ImGuiDir_Up)) stepMatch(s, -1);
    ImGui::SetItemTooltip("Previous match (Shift+Enter)");
    ImGui::SameLine();
    if (ImGui::ArrowButton("##next", ImGuiDir_Down)) stepMatch(s, 1);
    ImGui::SetItemTooltip("Next match (Enter)");
    ImGui::SameLine();
    if (ImGui::Button("\xC3\x97")) closeFind(s, true);  // U+00D7 multiplication sign
    ImGui::SetItemTooltip("Close (Escape)");
    ImGui::SetCursorScreenPos(ImVec2(start.x, start.y + height));
    ImGui::Dummy(ImVec2(0, 0));
}

// Scrolls `window` so that content rect [min, max] (window content coordinates) is in view:
// minimally, or centred vertically when `center` (a find result far away).
void scrollIntoView(ImGuiWindow* window, ImVec2 min, ImVec2 max, bool center) {
    const ImVec2 view = window->InnerRect.GetSize();
    const ImVec2 scroll = window->Scroll;
    if (min.y < scroll.y || max.y > scroll.y + view.y) {
        const float target = center ? (min.y + max.y - view.y) * 0.5f : (min.y < scroll.y ? min.y : max.y - view.y);
        ImGui::SetScrollY(window, IM_ROUND(std::max(0.0f, target)));
    }
    if (min.x < scroll.x || max.x > scroll.x + view.x) {
        const float target = min.x < scroll.x ? min.x - view.x * 0.25f : max.x - view.x * 0.75f;
        ImGui::SetScrollX(window, IM_ROUND(std::max(0.0f, target)));
    }
}

// What the editor did with the keyboard and caret this frame, after ImGui's text field ran.
void followField(CodeEditorState& s, const std::string& text, ImGuiInputTextState& input, ImGuiWindow* scroll_window,
                 const TextLayout& layout, const ImVec2& padding, const Caret* before_page, int page_rows) {
    ImGuiContext& g = *GImGui;
    // Give back the undo history the find bar's field took, if the text has not changed since.
    const bool fresh_history =
        input.Stb.undostate.undo_point == 0 && input.Stb.undostate.redo_point == IMSTB_TEXTEDIT_UNDOSTATECOUNT;
    if (g.ActiveIdIsJustActivated && fresh_history && s.saved_undo.size() == sizeof input.Stb.undostate &&
        s.saved_undo_revision == s.revision) {
        std::memcpy(&input.Stb.undostate, s.saved_undo.data(), sizeof input.Stb.undostate);
    }
    if (s.select_pending) {
        selectChars(input, charOfByte(s, text, s.select_begin), charOfByte(s, text, s.select_end));
        s.select_pending = false;
    }
    if (before_page) pageCaret(s, input, *before_page, page_rows, ImGui::GetIO().KeyShift);
    s.saved_undo.resize(sizeof input.Stb.undostate);
    std::memcpy(s.saved_undo.data(), &input.Stb.undostate, sizeof input.Stb.undostate);
    s.saved_undo_revision = s.revision;

    // Keep the caret in view when it moved, except for select-all (which would jump to the end).
    const bool all_selected = std::min(input.Stb.select_start, input.Stb.select_end) == 0 &&
                              std::max(input.Stb.select_start, input.Stb.select_end) == input.CurLenW &&
                              input.CurLenW > 0;
    if ((input.Stb.cursor != s.last_cursor || s.revision != s.last_revision) && !all_selected) {
        const int cursor = std::clamp(input.Stb.cursor, 0, input.CurLenW);
        const size_t line = lineOfChar(s, cursor);
        const int line_begin = std::min(s.line_char_starts[line], cursor);
        const float x = padding.x + widthOfChars(layout, input.TextW.Data + line_begin, input.TextW.Data + cursor);
        const float y = padding.y + static_cast<float>(line) * layout.line_height;
        const float margin = layout.advance(' ') * 4;
        scrollIntoView(scroll_window, ImVec2(std::max(0.0f, x - margin), y - padding.y),
                       ImVec2(x + margin, y + layout.line_height + padding.y), false);
    }
    s.last_cursor = input.Stb.cursor;
    s.last_revision = s.revision;
}

}  // namespace

void markCodeEditorTextChanged(CodeEditorState& state) {
    state.changed_outside = true;
}

void revealLineInCodeEditor(CodeEditorState& state, const std::string& text, int line, int column) {
    size_t begin = 0;
    for (int n = 1; n < line; ++n) {
        const size_t end = text.find('\n', begin);
        if (end == std::string::npos) break;
        begin = end + 1;
    }
    const size_t end = std::min(text.find('\n', begin), text.size());
    const size_t at = std::min(begin + static_cast<size_t>(std::max(column - 1, 0)), end);
    state.select_begin = state.select_end =
        begin + codegen::utf8CutPoint(std::string_view(text).substr(begin), at - begin);
    state.select_pending = true;
    state.activate_pending = true;
}

bool codeEditor(const char* id, std::string& text, CodeEditorState& state, const CodeEditorStyle& style, ImVec2 size,
                bool read_only) {
    ImGuiContext& g = *GImGui;
    ImGui::PushID(id);

    // A text changed by the caller: follow it, and make ImGui forget its copy of the old one.
    if (state.changed_outside || !state.synced || text.size() != state.known_text.size()) {
        state.changed_outside = false;
        if (followText(state, text) && state.input_id != 0 && g.InputTextState.ID == state.input_id) {
            const bool active = g.ActiveId == state.input_id;
            g.InputTextState.ID = 0;  // before ClearActiveID, so the old text is not written back
            if (active) ImGui::ClearActiveID();
        }
    }

    ImGui::PushStyleColor(ImGuiCol_ChildBg, style.background);
    ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, ImVec2(0, 0));
    ImGui::PushStyleVar(ImGuiStyleVar_ChildBorderSize, 0.0f);
    const bool visible = ImGui::BeginChild("##editor", size, ImGuiChildFlags_None,
                                           ImGuiWindowFlags_NoScrollbar | ImGuiWindowFlags_NoScrollWithMouse);
    ImGui::PopStyleVar(2);
    ImGui::PopStyleColor();
    if (!visible) {
        ImGui::EndChild();
        ImGui::PopID();
        return false;
    }
    ImGuiWindow* container = ImGui::GetCurrentWindow();
    const ImGuiStyle& imgui_style = ImGui::GetStyle();
    const ImVec2 padding = imgui_style.FramePadding;

    if (ImGui::IsWindowFocused(ImGuiFocusedFlags_ChildWindows) && shortcutPressed(ImGuiKey_F)) {
        openFind(state, text, ImGui::GetInputTextState(state.input_id));
    }
    if (state.find.open && g.ActiveId == ImGui::GetID("##find") && takeKeyPress(ImGuiKey_Escape)) {
        closeFind(state, true);
    }
    if (state.find.open) drawFindBar(state, text, style);

    TextLayout layout;
    layout.font = ImGui::GetFont();
    layout.line_height = ImGui::GetFontSize();
    layout.scale = layout.line_height / layout.font->FontSize;
    const size_t lines = state.tokenizer.lineCount();
    int digits = 1;
    for (size_t n = lines; n >= 10; n /= 10) ++digits;
    const float gutter_padding = IM_TRUNC(layout.advance('0') * 1.5f);
    const float gutter_width =
        IM_TRUNC(static_cast<float>(std::max(digits, 3)) * layout.advance('0') + gutter_padding * 2);
    const ImVec2 gutter_min = ImGui::GetCursorScreenPos();

    // The scrolling child holding the text field.
    roundScroll(state.scroll_window_id);
    ImGui::SetCursorScreenPos(ImVec2(gutter_min.x + gutter_width, gutter_min.y));
    ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, ImVec2(0, 0));
    ImGui::BeginChild("##scroll", ImVec2(0, 0), ImGuiChildFlags_None, ImGuiWindowFlags_HorizontalScrollbar);
    ImGui::PopStyleVar();
    ImGuiWindow* scroll_window = ImGui::GetCurrentWindow();
    state.scroll_window_id = scroll_window->ID;
    state.input_id = ImGui::GetID("##text");
    if (state.activate_pending) {
        state.activate_pending = false;
        activateField(state.input_id, true);
    }
    const bool was_active = g.ActiveId == state.input_id && ImGui::GetInputTextState(state.input_id);

    // Keys to handle before ImGui's field sees them.
    const int page_rows = std::max(1, static_cast<int>(scroll_window->InnerRect.GetHeight() / layout.line_height) - 1);
    Caret before_page;
    bool paging = false;
    int page_direction = 0;
    if (was_active) {
        if (takeKeyPress(ImGuiKey_Escape)) {
            // InputTextEx would revert every edit since the field was clicked.
            if (state.find.open) closeFind(state, false);
        }
        if (ImGui::IsKeyPressed(ImGuiKey_PageUp) || ImGui::IsKeyPressed(ImGuiKey_PageDown)) {
            paging = true;
            page_direction = ImGui::IsKeyPressed(ImGuiKey_PageUp) ? -1 : 1;
            const ImGuiInputTextState& input = *ImGui::GetInputTextState(state.input_id);
            before_page = {input.Stb.cursor, input.Stb.select_start, input.Stb.select_end};
        }
        // Ctrl+Up/Down scroll by a line; InputTextEx would scroll its own (never scrolled) child.
        if (ImGui::IsKeyChordPressed(ImGuiMod_Ctrl | ImGuiKey_UpArrow)) {
            ImGui::SetScrollY(scroll_window, std::max(0.0f, scroll_window->Scroll.y - layout.line_height));
        }
        if (ImGui::IsKeyChordPressed(ImGuiMod_Ctrl | ImGuiKey_DownArrow)) {
            ImGui::SetScrollY(scroll_window, scroll_window->Scroll.y + layout.line_height);
        }
    }

    // The field: as large as the text, so that only this child scrolls.
    const ImVec2 content(static_cast<float>(state.max_columns + 1) * layout.advance(' ') + padding.x * 2,
                         static_cast<float>(lines) * layout.line_height + padding.y * 2);
    const ImVec2 avail = ImGui::GetContentRegionAvail();
    ImGui::PushStyleColor(ImGuiCol_FrameBg, style.background);
    ImGui::PushStyleColor(ImGuiCol_Text, IM_COL32(0, 0, 0, 0));
    ImGui::PushStyleColor(ImGuiCol_TextSelectedBg, IM_COL32(0, 0, 0, 0));
    ImGui::PushStyleVar(ImGuiStyleVar_FrameRounding, 0.0f);
    ImGui::PushStyleVar(ImGuiStyleVar_FrameBorderSize, 0.0f);
    const ImGuiInputTextFlags flags = ImGuiInputTextFlags_AllowTabInput | ImGuiInputTextFlags_NoHorizontalScroll |
                                      ImGuiInputTextFlags_CallbackResize |
                                      (read_only ? ImGuiInputTextFlags_ReadOnly : ImGuiInputTextFlags_None);
    const bool edited = ImGui::InputTextMultiline("##text", text.data(), text.capacity() + 1,
                                                  ImVec2(std::max(content.x, avail.x), std::max(content.y, avail.y)),
                                                  flags, resizeText, &text);
    ImGui::PopStyleVar(2);
    ImGui::PopStyleColor(3);
    const bool changed = edited && followText(state, text);

    // Where ImGui laid the text out: its field's child window, found among this child's children.
    ImGuiWindow* field = scroll_window->DC.ChildWindows.empty() ? nullptr : scroll_window->DC.ChildWindows.back();
    const bool have_field = field && field->ChildId == state.input_id;
    if (have_field) {
        layout.origin = field->DC.CursorStartPos + padding;
        layout.glyph_origin = ImVec2(IM_TRUNC(layout.origin.x), IM_TRUNC(layout.origin.y));
        layout.clip = field->ClipRect;
        const float first = std::floor((layout.clip.Min.y - layout.origin.y) / layout.line_height);
        const float last = std::floor((layout.clip.Max.y - layout.origin.y) / layout.line_height);
        layout.first_line = static_cast<size_t>(std::clamp(first, 0.0f, static_cast<float>(lines - 1)));
        layout.last_line = static_cast<size_t>(std::clamp(last, 0.0f, static_cast<float>(lines - 1)));
    }

    ImGuiInputTextState* input = ImGui::GetInputTextState(state.input_id);
    const bool active = have_field && input && g.ActiveId == state.input_id;
    if (active) {
        followField(state, text, *input, scroll_window, layout, padding, paging ? &before_page : nullptr,
                    page_direction * page_rows);
    }
    if (have_field && state.reveal_current_match && !state.find.matches.empty()) {
        state.reveal_current_match = false;
        const size_t match = state.find.matches[state.find.current];
        const size_t line = state.tokenizer.lineOf(match);
        const std::string_view bytes = state.tokenizer.line(text, line);
        const size_t begin = match - state.tokenizer.lineStart(line);
        const float y = padding.y + static_cast<float>(line) * layout.line_height;
        scrollIntoView(
            scroll_window, ImVec2(padding.x + widthOf(layout, bytes, begin), y),
            ImVec2(padding.x + widthOf(layout, bytes, begin + std::strlen(state.find.query)), y + layout.line_height),
            true);
    }
    if (have_field) {
        ImDrawList* list = field->DrawList;
        list->PushClipRect(layout.clip.Min, layout.clip.Max, false);
        list->PushTextureID(layout.font->ContainerAtlas->TexID);
        if (active) drawSelection(list, state, *input, layout, style);
        drawMatches(list, state, text, layout, style);
        drawText(list, state, text, layout, style);
        if (active) drawCaret(list, state, *input, layout, style);
        list->PopTextureID();
        list->PopClipRect();
    }
    const float scroll_step = IM_TRUNC(std::min(5 * layout.line_height, scroll_window->InnerRect.GetHeight() * 0.67f));
    ImGui::EndChild();

    // The gutter scrolls with the text; the wheel over it scrolls the text too.
    const ImRect gutter(gutter_min, ImVec2(gutter_min.x + gutter_width, container->InnerRect.Max.y));
    ImGui::GetWindowDrawList()->AddRectFilled(gutter.Min, gutter.Max, style.gutter_background);
    if (have_field) {
        const size_t caret_line = active ? lineOfChar(state, input->Stb.cursor) : 0;
        drawGutter(ImGui::GetWindowDrawList(), layout, gutter, caret_line, active, style, gutter_padding);
    }
    if (ImGui::IsWindowHovered() && ImGui::IsMouseHoveringRect(gutter.Min, gutter.Max) &&
        ImGui::GetIO().MouseWheel != 0) {
        ImGui::SetScrollY(scroll_window,
                          IM_ROUND(std::max(0.0f, scroll_window->Scroll.y - ImGui::GetIO().MouseWheel * scroll_step)));
    }

    ImGui::EndChild();
    ImGui::PopID();
    return changed;
}

}  // namespace kiln::ui
