#include "ui/wrapped_text.h"

#include <imgui_internal.h>
#include <misc/cpp/imgui_stdlib.h>

#include <algorithm>
#include <string_view>

namespace kiln::ui {

// ---------------------------------------------------------------------------------------------
// The text as shown
// ---------------------------------------------------------------------------------------------

SoftWrap softWrap(const std::string& text, float width, const std::function<float(unsigned)>& advance) {
    SoftWrap wrap{text, {}};
    constexpr size_t kNone = std::string::npos;
    float line = 0;           // the width of the line so far
    size_t space = kNone;     // the last space on the line: where it wraps
    float through_space = 0;  // the line's width up to and with that space
    const char* begin = text.c_str();
    const char* end = begin + text.size();
    for (const char* s = begin; s < end;) {
        unsigned c = static_cast<unsigned char>(*s);
        const int length = c < 0x80 ? 1 : ImTextCharFromUtf8(&c, s, end);
        const size_t at = static_cast<size_t>(s - begin);
        s += length;
        if (c == '\n') {
            line = 0;
            space = kNone;
            continue;
        }
        line += advance(c);
        if (c == ' ') {
            // A space may run past the edge: the line wraps at the next word that does not fit.
            space = at;
            through_space = line;
            continue;
        }
        if (line > width && space != kNone) {
            wrap.display[space] = '\n';
            wrap.breaks.push_back(space);
            line -= through_space;
            space = kNone;
        }
    }
    return wrap;
}

std::string unwrapEdited(const SoftWrap& before, const std::string& edited) {
    const std::string& old = before.display;
    const size_t shorter = std::min(old.size(), edited.size());
    size_t prefix = 0;
    while (prefix < shorter && old[prefix] == edited[prefix]) ++prefix;
    size_t suffix = 0;
    while (prefix + suffix < shorter && old[old.size() - 1 - suffix] == edited[edited.size() - 1 - suffix]) ++suffix;
    // The soft breaks before the edited stretch are where they were; those after it moved with it.
    std::string text = edited;
    for (size_t at : before.breaks) {
        if (at < prefix) {
            text[at] = ' ';
        } else if (at >= old.size() - suffix) {
            text[at + edited.size() - old.size()] = ' ';
        }
    }
    return text;
}

// ---------------------------------------------------------------------------------------------
// The widget
// ---------------------------------------------------------------------------------------------

namespace {

struct Field {
    WrappedTextState* state;
    std::string* text;
    float width;
    std::function<float(unsigned)> advance;
};

// The field whose selection a copy takes: the wrapped field being edited, if any.
WrappedTextState* editing = nullptr;
void (*platformSetClipboard)(void*, const char*) = nullptr;

// Copies from a wrapped field put spaces back where its lines only wrap.
void setClipboardUnwrapped(void* user_data, const char* copied) {
    std::string text = copied;
    if (editing) {
        const size_t from = editing->selection;
        for (size_t at : editing->wrap.breaks) {
            if (at >= from && at - from < text.size() && text[at - from] == '\n') text[at - from] = ' ';
        }
    }
    platformSetClipboard(user_data, text.c_str());
}

int followEdits(ImGuiInputTextCallbackData* data) {
    Field& field = *static_cast<Field*>(data->UserData);
    WrappedTextState& state = *field.state;
    state.selection = static_cast<size_t>(std::min(data->SelectionStart, data->SelectionEnd));
    const std::string_view shown(data->Buf, static_cast<size_t>(data->BufTextLen));
    const std::string text = shown == state.wrap.display ? state.text : unwrapEdited(state.wrap, std::string(shown));
    if (text == state.text && field.width == state.width) return 0;
    // Wrapping again only swaps spaces and line breaks: every byte keeps its place, and so do the
    // caret and the selection.
    state.text = text;
    state.width = field.width;
    state.wrap = softWrap(text, field.width, field.advance);
    std::copy(state.wrap.display.begin(), state.wrap.display.end(), data->Buf);
    data->BufDirty = true;
    *field.text = text;
    return 0;
}

}  // namespace

bool inputTextWrapped(const char* label, std::string* text, WrappedTextState& state, float width, float min_height,
                      float max_height, ImGuiInputTextFlags flags) {
    ImGuiIO& io = ImGui::GetIO();
    if (io.SetClipboardTextFn != setClipboardUnwrapped) {
        platformSetClipboard = io.SetClipboardTextFn;
        io.SetClipboardTextFn = setClipboardUnwrapped;
    }
    const ImGuiStyle& style = ImGui::GetStyle();
    const float field_width = ImGui::CalcItemSize(ImVec2(width, 0), ImGui::CalcItemWidth(), 0).x;
    Field field{&state, text, field_width - 2 * style.FramePadding.x - style.ScrollbarSize, {}};
    ImFont* font = ImGui::GetFont();
    const float scale = ImGui::GetFontSize() / font->FontSize;
    field.advance = [font, scale](unsigned c) { return font->GetCharAdvance(static_cast<ImWchar>(c)) * scale; };

    const ImGuiID id = ImGui::GetID(label);
    const bool active = ImGui::GetActiveID() == id;
    // While the field is active ImGui edits its own copy, and the callback wraps that.
    if (!active && (state.text != *text || state.width != field.width)) {
        state.text = *text;
        state.width = field.width;
        state.wrap = softWrap(*text, field.width, field.advance);
    }
    const float lines = static_cast<float>(std::count(state.wrap.display.begin(), state.wrap.display.end(), '\n') + 1);
    const float height = std::clamp(lines * ImGui::GetTextLineHeight() + 2 * style.FramePadding.y, min_height,
                                    std::max(min_height, max_height));

    if (active) editing = &state;
    std::string shown = state.wrap.display;
    const bool result = ImGui::InputTextMultiline(label, &shown, ImVec2(field_width, height),
                                                  flags | ImGuiInputTextFlags_CallbackAlways, followEdits, &field);
    if (editing == &state && !ImGui::IsItemActive()) editing = nullptr;
    // The field lost the keyboard in this frame with an edit its callback has not seen.
    if (!ImGui::IsItemActive() && shown != state.wrap.display) {
        *text = unwrapEdited(state.wrap, shown);
        state.text = *text;
        state.wrap = softWrap(*text, field.width, field.advance);
    }
    return result;
}

}  // namespace kiln::ui
