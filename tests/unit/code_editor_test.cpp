// The code editor widget, natively, with a headless Dear ImGui: frames are built into draw lists
// and never drawn, so these tests read the draw lists to see where things would appear.
#define IMGUI_DEFINE_MATH_OPERATORS
#include <gtest/gtest.h>
#include <imgui.h>
#include <imgui_internal.h>

#include <algorithm>
#include <string>
#include <vector>

#include "ui/code_editor.h"

using namespace kiln::ui;

namespace {

constexpr ImU32 kGlyphColor = IM_COL32(1, 2, 3, 255);  // every token, so glyphs are easy to pick out
const ImVec2 kDisplay(900, 500);

struct Quad {
    ImVec2 min, max;
    bool operator==(const Quad& o) const {
        return min.x == o.min.x && min.y == o.min.y && max.x == o.max.x && max.y == o.max.y;
    }
    bool operator<(const Quad& o) const {
        return std::tie(min.y, min.x, max.y, max.x) < std::tie(o.min.y, o.min.x, o.max.y, o.max.x);
    }
};

// The rectangles of colour `color` in a draw list (quads of four vertices, as AddRectFilled,
// PrimRectUV and ImFont::RenderText write them).
std::vector<Quad> quadsOf(const ImDrawList& list, ImU32 color) {
    std::vector<Quad> quads;
    for (int i = 0; i + 3 < list.VtxBuffer.Size; ++i) {
        const ImDrawVert* v = &list.VtxBuffer[i];
        if (v[0].col != color || v[1].col != color || v[2].col != color || v[3].col != color) continue;
        if (v[0].pos.y != v[1].pos.y || v[1].pos.x != v[2].pos.x || v[2].pos.y != v[3].pos.y ||
            v[3].pos.x != v[0].pos.x)
            continue;
        quads.push_back({v[0].pos, v[2].pos});
        i += 3;
    }
    return quads;
}

class CodeEditorTest : public ::testing::Test {
protected:
    void SetUp() override {
        ImGui::CreateContext();
        ImGuiIO& io = ImGui::GetIO();
        io.IniFilename = nullptr;
        io.ConfigInputTrickleEventQueue = false;  // tests send key downs and ups in separate frames
        io.BackendFlags |= ImGuiBackendFlags_RendererHasVtxOffset;
        font = io.Fonts->AddFontFromFileTTF(KILN_CODE_FONT, 18.0f);
        ASSERT_NE(font, nullptr) << "the Debian package fonts-jetbrains-mono provides " << KILN_CODE_FONT;
        io.Fonts->Build();
        style = codeEditorStyle(true);
        std::fill(std::begin(style.token_colors), std::end(style.token_colors), kGlyphColor);
    }
    void TearDown() override { ImGui::DestroyContext(); }

    // One frame with the editor filling the display; returns what codeEditor() returned.
    bool frame(float seconds = 1.0f / 60.0f) {
        ImGuiIO& io = ImGui::GetIO();
        io.DisplaySize = kDisplay;
        io.DeltaTime = seconds;
        ImGui::NewFrame();
        ImGui::SetNextWindowPos(ImVec2(0, 0));
        ImGui::SetNextWindowSize(kDisplay);
        ImGui::Begin("Code", nullptr, ImGuiWindowFlags_NoDecoration);
        ImGui::PushFont(font);
        const bool changed = codeEditor("code", text, state, style, ImVec2(0, 0), read_only);
        ImGui::PopFont();
        ImGui::End();
        ImGui::Render();
        return changed;
    }
    void frames(int count) {
        for (int i = 0; i < count; ++i) frame();
    }
    void open(std::string content) {
        text = std::move(content);
        markCodeEditorTextChanged(state);
        frames(2);
    }
    void press(ImGuiKeyChord chord) {
        ImGuiIO& io = ImGui::GetIO();
        const ImGuiKey key = static_cast<ImGuiKey>(chord & ~ImGuiMod_Mask_);
        for (bool down : {true, false}) {
            if (chord & ImGuiMod_Ctrl) io.AddKeyEvent(ImGuiMod_Ctrl, down);
            if (chord & ImGuiMod_Shift) io.AddKeyEvent(ImGuiMod_Shift, down);
            io.AddKeyEvent(key, down);
            frame();
        }
    }
    bool typeText(const char* characters) {
        ImGui::GetIO().AddInputCharactersUTF8(characters);
        return frame();
    }
    void click(ImVec2 at) {
        ImGuiIO& io = ImGui::GetIO();
        io.AddMousePosEvent(at.x, at.y);
        frame(1.0f);  // long after any earlier click: not a double click
        io.AddMouseButtonEvent(0, true);
        frame();
        io.AddMouseButtonEvent(0, false);
        frames(2);
    }
    // Clicks at the start of the first visible line, which gives the editor the keyboard.
    void focus() { click(fieldWindow()->ClipRect.Min + ImVec2(2, 5)); }

    ImGuiWindow* scrollWindow() { return ImGui::FindWindowByID(state.scroll_window_id); }
    // ImGui's own text field window (the child of the scrolling one).
    ImGuiWindow* fieldWindow() { return scrollWindow()->DC.ChildWindows.back(); }
    // Where InputTextEx lays out line 0: its child's start plus the frame padding.
    ImVec2 textOrigin() { return fieldWindow()->DC.CursorStartPos + ImGui::GetStyle().FramePadding; }
    ImGuiInputTextState* input() { return ImGui::GetInputTextState(state.input_id); }
    bool editorActive() { return GImGui->ActiveId == state.input_id; }
    size_t caretLine() { return state.tokenizer.lineOf(static_cast<size_t>(input()->Stb.cursor)); }

    ImFont* font = nullptr;
    CodeEditorStyle style;
    CodeEditorState state;
    std::string text;
    bool read_only = false;
};

std::string numberedLines(int count, const std::string& body) {
    std::string text;
    for (int i = 0; i < count; ++i) text += "<p id=\"" + std::to_string(i) + "\">" + body + "</p>\n";
    return text;
}

}  // namespace

TEST_F(CodeEditorTest, TypingChangesTheTextAndSaysSo) {
    open("<p>hello</p>\n");
    focus();
    ASSERT_TRUE(editorActive());
    EXPECT_TRUE(typeText("ab"));
    EXPECT_EQ(text, "ab<p>hello</p>\n");
    EXPECT_FALSE(frame()) << "a frame without input changes nothing";
    EXPECT_EQ(state.tokenizer.lineCount(), 2u);
}

TEST_F(CodeEditorTest, GlyphsAreExactlyWhereImGuiWouldDrawTheText) {
    // Tabs, characters of two and three bytes, a carriage return: ImGui's layout rules, not a grid's.
    open(numberedLines(200, "a\tb café — Ελληνικά\r x") + std::string(300, 'w') + "\n");
    scrollWindow()->Scroll = ImVec2(37, 1234);  // scrolled both ways: glyphs follow the scroll
    frames(2);

    ImGuiWindow* field = fieldWindow();
    const std::vector<Quad> drawn = quadsOf(*field->DrawList, kGlyphColor);
    ASSERT_GT(drawn.size(), 300u);

    // What ImFont::RenderText draws for the same text at the same place, as InputTextEx would
    // with an opaque text colour.
    ImDrawList reference(ImGui::GetDrawListSharedData());
    reference._ResetForNewFrame();
    reference.PushClipRectFullScreen();
    reference.PushTextureID(font->ContainerAtlas->TexID);
    const ImVec4 clip(field->ClipRect.Min.x, field->ClipRect.Min.y, field->ClipRect.Max.x, field->ClipRect.Max.y);
    font->RenderText(&reference, ImGui::GetFontSize(), textOrigin(), kGlyphColor, clip, text.data(),
                     text.data() + text.size());

    // Compare the glyphs wholly inside the visible area (the two clip their edges differently).
    auto inside = [&](std::vector<Quad> quads) {
        quads.erase(std::remove_if(quads.begin(), quads.end(),
                                   [&](const Quad& q) { return !field->ClipRect.Contains(ImRect(q.min, q.max)); }),
                    quads.end());
        std::sort(quads.begin(), quads.end());
        return quads;
    };
    const std::vector<Quad> expected = inside(quadsOf(reference, kGlyphColor));
    const std::vector<Quad> actual = inside(drawn);
    ASSERT_GT(expected.size(), 300u);
    ASSERT_EQ(actual.size(), expected.size());
    EXPECT_TRUE(actual == expected);
}

TEST_F(CodeEditorTest, TheCaretIsWhereImGuiPutsIt) {
    open(numberedLines(100, "a\tb café — x"));
    scrollWindow()->Scroll.y = 500;
    frames(2);
    focus();
    ASSERT_TRUE(editorActive());
    for (ImGuiKey key : {ImGuiKey_End, ImGuiKey_LeftArrow, ImGuiKey_LeftArrow, ImGuiKey_DownArrow, ImGuiKey_Home}) {
        press(key);
        // InputTextEx tells the platform where its caret is (for IME windows): x - 1, line top.
        const ImVec2 ime = GImGui->PlatformImeData.InputPos;
        const std::vector<Quad> caret = quadsOf(*fieldWindow()->DrawList, style.caret);
        ASSERT_EQ(caret.size(), 1u);
        EXPECT_EQ((caret[0].min.x + caret[0].max.x) * 0.5f, ime.x + 1) << "after key " << ImGui::GetKeyName(key);
        EXPECT_EQ(caret[0].min.y, ime.y);
        EXPECT_EQ(caret[0].max.y - caret[0].min.y, ImGui::GetFontSize());
    }
}

TEST_F(CodeEditorTest, SelectionStartsAtTheGlyphsItSelects) {
    const std::string line = "<p>\tcafé selection</p>";
    open(line + "\n");
    focus();
    press(ImGuiKey_End);
    for (int i = 0; i < 13; ++i) press(ImGuiMod_Shift | ImGuiKey_LeftArrow);  // back to the 's' of "selection"
    const std::vector<Quad> selection = quadsOf(*fieldWindow()->DrawList, style.selection);
    ASSERT_EQ(selection.size(), 1u);

    // The pen position of 's', summed as ImGui sums widths: "<p>", a tab, "café", a space.
    float width = 0;
    for (ImWchar c : std::initializer_list<ImWchar>{'<', 'p', '>', '\t', 'c', 'a', 'f', 0xE9, ' '}) {
        width += font->GetCharAdvance(c);
    }
    const ImVec2 origin = textOrigin();
    EXPECT_EQ(selection[0].min.x, origin.x + width);
    EXPECT_EQ(selection[0].min.y, origin.y);
    const float s_left = IM_TRUNC(origin.x) + width + font->FindGlyph('s')->X0;
    const std::vector<Quad> glyphs = quadsOf(*fieldWindow()->DrawList, kGlyphColor);
    // ImGui sums the selection's offset from 0 but moves RenderText's pen from the line start, so
    // with fractional advances the two differ in the last bits of a float, never by a pixel.
    EXPECT_TRUE(std::any_of(glyphs.begin(), glyphs.end(), [&](const Quad& q) {
        return std::abs(q.min.x - s_left) < 1e-3f;
    })) << "the glyph of 's' starts where the selection does";
}

TEST_F(CodeEditorTest, EscapeKeepsTheEdits) {
    open("abc\n");
    focus();
    typeText("xyz");
    press(ImGuiKey_Escape);  // a plain InputTextMultiline reverts to "abc\n" here
    frame();
    EXPECT_EQ(text, "xyzabc\n");
}

TEST_F(CodeEditorTest, FindCountsMatchesStepsThroughThemAndSelectsTheCurrentOne) {
    open(numberedLines(300, "item"));
    focus();
    press(ImGuiMod_Ctrl | ImGuiKey_F);
    frames(3);  // the find field takes the keyboard
    ASSERT_TRUE(state.find.open);
    typeText("ITEM");
    EXPECT_EQ(state.find.matches.size(), 300u) << "letters match in either case";
    EXPECT_EQ(state.find.current, 0u);
    press(ImGuiKey_Enter);
    press(ImGuiKey_Enter);
    EXPECT_EQ(state.find.current, 2u);
    press(ImGuiMod_Shift | ImGuiKey_Enter);
    EXPECT_EQ(state.find.current, 1u);
    press(ImGuiMod_Shift | ImGuiKey_Enter);
    press(ImGuiMod_Shift | ImGuiKey_Enter);
    EXPECT_EQ(state.find.current, 299u) << "previous from the first wraps to the last";
    frames(2);
    EXPECT_GT(scrollWindow()->Scroll.y, 0) << "the current match is scrolled into view";

    press(ImGuiKey_Escape);
    frames(2);
    EXPECT_FALSE(state.find.open);
    ASSERT_TRUE(editorActive()) << "the keyboard goes back to the editor";
    const size_t match = text.rfind("item");
    EXPECT_EQ(static_cast<size_t>(std::min(input()->Stb.select_start, input()->Stb.select_end)), match);
    EXPECT_EQ(std::abs(input()->Stb.select_end - input()->Stb.select_start), 4);
}

TEST_F(CodeEditorTest, UndoSurvivesTheFindBar) {
    open("abc\n");
    focus();
    typeText("xyz");
    press(ImGuiMod_Ctrl | ImGuiKey_F);
    frames(3);
    typeText("b");
    ASSERT_STREQ(state.find.query, "b");
    press(ImGuiKey_Escape);
    frames(2);
    ASSERT_TRUE(editorActive());
    for (int i = 0; i < 3; ++i) press(ImGuiMod_Ctrl | ImGuiKey_Z);  // one undo step per character typed
    EXPECT_EQ(text, "abc\n");
}

TEST_F(CodeEditorTest, PageDownMovesByAPageNotToTheEnd) {
    open(numberedLines(500, "x"));
    focus();
    const size_t rows = static_cast<size_t>(scrollWindow()->InnerRect.GetHeight() / ImGui::GetFontSize());
    press(ImGuiKey_PageDown);
    EXPECT_GE(caretLine(), rows - 3);
    EXPECT_LE(caretLine(), rows);
    press(ImGuiKey_PageDown);
    frames(2);
    EXPECT_GT(scrollWindow()->Scroll.y, 0) << "the view follows the caret";
    press(ImGuiMod_Shift | ImGuiKey_PageUp);
    EXPECT_NE(input()->Stb.select_start, input()->Stb.select_end) << "Shift extends the selection";
}

TEST_F(CodeEditorTest, TheViewFollowsTheCaretSideways) {
    open("<p>" + std::string(400, 'x') + "</p>\n<p>short</p>\n");
    focus();
    press(ImGuiKey_End);
    frames(2);
    const float caret_x = quadsOf(*fieldWindow()->DrawList, style.caret).at(0).min.x;
    EXPECT_GT(scrollWindow()->Scroll.x, 0);
    EXPECT_LT(caret_x, scrollWindow()->InnerRect.Max.x);
    EXPECT_GT(caret_x, scrollWindow()->InnerRect.Min.x);
}

TEST_F(CodeEditorTest, ReadOnlyAllowsSelectingAndCopyingButNotTyping) {
    read_only = true;
    open("<b>fixed</b>\n");
    focus();
    EXPECT_FALSE(typeText("zz"));
    press(ImGuiMod_Ctrl | ImGuiKey_A);
    press(ImGuiMod_Ctrl | ImGuiKey_C);
    EXPECT_STREQ(ImGui::GetClipboardText(), "<b>fixed</b>\n");
    EXPECT_EQ(text, "<b>fixed</b>\n");
}

TEST_F(CodeEditorTest, ATextChangedOutsideIsFollowedAndImGuiForgetsTheOldOne) {
    open("<p>one</p>\n");
    focus();
    typeText("x");
    text = "<p>two</p>\n<p>three</p>\n";
    markCodeEditorTextChanged(state);
    frames(2);
    EXPECT_EQ(state.tokenizer.lineCount(), 3u);
    EXPECT_EQ(state.known_text, text);
    EXPECT_FALSE(editorActive());
    focus();
    typeText("y");
    EXPECT_EQ(text, "y<p>two</p>\n<p>three</p>\n") << "the field edits the new text, not a stale copy";
}

TEST_F(CodeEditorTest, TheWheelScrollsBothWaysAlsoOverTheGutter) {
    open(numberedLines(300, std::string(200, 'x')));
    ImGuiIO& io = ImGui::GetIO();
    const ImRect view = scrollWindow()->InnerRect;
    io.AddMousePosEvent(view.GetCenter().x, view.GetCenter().y);
    io.AddMouseWheelEvent(0, -2);  // two notches down
    frames(2);
    const float down = scrollWindow()->Scroll.y;
    EXPECT_GT(down, 0);
    io.AddMouseWheelEvent(-2, 0);  // two notches right (a trackpad, or Shift with a wheel)
    frames(2);
    EXPECT_GT(scrollWindow()->Scroll.x, 0);

    io.AddMousePosEvent(view.Min.x - 10, view.GetCenter().y);  // over the line numbers
    frame();
    io.AddMouseWheelEvent(0, -2);
    frames(2);
    EXPECT_GT(scrollWindow()->Scroll.y, down);
}

TEST_F(CodeEditorTest, RevealingALineGivesTheEditorTheKeyboardWithTheCaretThereInView) {
    open(numberedLines(500, "x"));
    EXPECT_FALSE(editorActive());
    revealLineInCodeEditor(state, text, 400, 4);
    frames(4);
    ASSERT_TRUE(editorActive());
    EXPECT_EQ(caretLine(), 399u) << "line 400 is the 400th line";
    EXPECT_EQ(static_cast<size_t>(input()->Stb.cursor) - state.tokenizer.lineStart(399), 3u) << "column 4";
    EXPECT_GT(scrollWindow()->Scroll.y, 0) << "the line is scrolled into view";

    revealLineInCodeEditor(state, text, 9999, 9999);  // past the end: the last line's end
    frames(4);
    EXPECT_EQ(caretLine(), 500u) << "after the last line break";
}
