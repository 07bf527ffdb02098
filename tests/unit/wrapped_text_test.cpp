// The word-wrapping text field (the prompt box): how a text is wrapped, what an edit of the
// wrapped text means, and the widget itself with a headless Dear ImGui.
#define IMGUI_DEFINE_MATH_OPERATORS
#include <gtest/gtest.h>
#include <imgui.h>
#include <imgui_internal.h>

#include <string>

#include "ui/wrapped_text.h"

using namespace kiln::ui;

namespace {

// Every character is 1 wide: a width of 10 holds 10 characters.
float oneEach(unsigned) {
    return 1.0f;
}

SoftWrap wrapTo10(const std::string& text) {
    return softWrap(text, 10, oneEach);
}

}  // namespace

TEST(SoftWrap, BreaksAtTheLastSpaceThatFits) {
    SoftWrap wrap = wrapTo10("a timer with a dark theme and big digits");
    EXPECT_EQ(wrap.display, "a timer\nwith a\ndark theme\nand big\ndigits");
    EXPECT_EQ(wrap.breaks, (std::vector<size_t>{7, 14, 25, 33}));
}

TEST(SoftWrap, KeepsTheTextsOwnLinesAndLeavesShortTextAlone) {
    EXPECT_EQ(wrapTo10("short\nlines\n").display, "short\nlines\n");
    EXPECT_TRUE(wrapTo10("short\nlines\n").breaks.empty());
    // A new line starts measuring again.
    EXPECT_EQ(wrapTo10("0123456789\n01234 6789").display, "0123456789\n01234 6789");
}

TEST(SoftWrap, AWordWiderThanTheLineStaysWhole) {
    EXPECT_EQ(wrapTo10("see https://example.com/a/long/path now").display, "see\nhttps://example.com/a/long/path\nnow");
    EXPECT_EQ(wrapTo10("https://example.com/a/long/path").display, "https://example.com/a/long/path");
}

TEST(SoftWrap, ASpaceMayRunPastTheEdge) {
    // Trailing spaces do not wrap by themselves; the word after them does.
    EXPECT_EQ(wrapTo10("0123456789   next").display, "0123456789  \nnext");
}

TEST(SoftWrap, MeasuresCodePointsNotBytes) {
    // Ten two-byte letters fit in 10.
    const std::string ten = "éééééééééé";
    EXPECT_EQ(wrapTo10(ten + " é").display, ten + "\né");
}

TEST(UnwrapEdited, TypingKeepsTheBreaksAroundIt) {
    SoftWrap wrap = wrapTo10("a timer with a dark theme");
    ASSERT_EQ(wrap.display, "a timer\nwith a\ndark theme");
    std::string edited = wrap.display;
    edited.insert(9, "X");  // "wXith"
    EXPECT_EQ(unwrapEdited(wrap, edited), "a timer wXith a dark theme");
    edited = wrap.display;
    edited.insert(0, "so ");
    EXPECT_EQ(unwrapEdited(wrap, edited), "so a timer with a dark theme");
}

TEST(UnwrapEdited, ANewLineTypedIsKeptAndABackspacedBreakIsGone) {
    SoftWrap wrap = wrapTo10("a timer with a dark theme");
    std::string edited = wrap.display;
    edited.insert(2, "\n");  // Shift+Enter after "a "
    EXPECT_EQ(unwrapEdited(wrap, edited), "a \ntimer with a dark theme");
    edited = wrap.display;
    edited.erase(7, 1);  // Backspace at the start of "with"
    EXPECT_EQ(unwrapEdited(wrap, edited), "a timerwith a dark theme");
}

TEST(UnwrapEdited, APasteOrADeletionAcrossLines) {
    SoftWrap wrap = wrapTo10("a timer with a dark theme");
    std::string edited = wrap.display;
    edited.replace(2, 10, "clock");  // "timer\nwith" -> "clock"
    EXPECT_EQ(unwrapEdited(wrap, edited), "a clock a dark theme");
    EXPECT_EQ(unwrapEdited(wrap, wrap.display), "a timer with a dark theme");
}

// ---------------------------------------------------------------------------------------------
// The widget
// ---------------------------------------------------------------------------------------------

namespace {

class WrappedFieldTest : public ::testing::Test {
protected:
    void SetUp() override {
        ImGui::CreateContext();
        ImGuiIO& io = ImGui::GetIO();
        io.IniFilename = nullptr;
        io.ConfigInputTrickleEventQueue = false;
        io.Fonts->AddFontDefault();
        io.Fonts->Build();
        io.SetClipboardTextFn = [](void*, const char* copied) { clipboard() = copied; };
        io.GetClipboardTextFn = [](void*) { return clipboard().c_str(); };
    }
    void TearDown() override { ImGui::DestroyContext(); }
    static std::string& clipboard() {
        static std::string text;
        return text;
    }

    void frame() {
        ImGuiIO& io = ImGui::GetIO();
        io.DisplaySize = ImVec2(400, 400);
        io.DeltaTime = 1.0f / 60.0f;
        ImGui::NewFrame();
        ImGui::SetNextWindowPos(ImVec2(0, 0));
        ImGui::SetNextWindowSize(ImVec2(width, 400));
        ImGui::Begin("Prompt", nullptr, ImGuiWindowFlags_NoDecoration);
        inputTextWrapped("##prompt", &text, state, -1, 40, 200);
        rect = ImRect(ImGui::GetItemRectMin(), ImGui::GetItemRectMax());
        ImGui::End();
        ImGui::Render();
    }
    void click(ImVec2 at) {
        ImGuiIO& io = ImGui::GetIO();
        io.AddMousePosEvent(at.x, at.y);
        frame();
        io.AddMouseButtonEvent(0, true);
        frame();
        io.AddMouseButtonEvent(0, false);
        frame();
    }
    void press(ImGuiKey key, bool ctrl = false) {
        ImGuiIO& io = ImGui::GetIO();
        for (bool down : {true, false}) {
            if (ctrl) io.AddKeyEvent(ImGuiMod_Ctrl, down);
            io.AddKeyEvent(key, down);
            frame();
        }
    }

    float width = 200;
    std::string text;
    WrappedTextState state;
    ImRect rect;
};

}  // namespace

TEST_F(WrappedFieldTest, ALongPromptWrapsAndTheFieldGrowsWithIt) {
    text = "short";
    frame();
    const float one_line = rect.GetHeight();
    EXPECT_TRUE(state.wrap.breaks.empty());
    text = "a pomodoro timer with a dark theme, big digits, a start and a pause button and a sound at the end";
    frame();
    EXPECT_GE(state.wrap.breaks.size(), 3u);
    EXPECT_GT(rect.GetHeight(), one_line + 2 * ImGui::GetTextLineHeight());
    EXPECT_EQ(text.find('\n'), std::string::npos) << "the text itself is unchanged";
    // Narrower, it wraps again.
    const size_t lines = state.wrap.breaks.size();
    width = 120;
    frame();
    EXPECT_GT(state.wrap.breaks.size(), lines);
    EXPECT_LE(rect.GetHeight(), 200.0f) << "no taller than its limit";
}

TEST_F(WrappedFieldTest, TypingIntoAWrappedTextKeepsItsSpaces) {
    text = "a pomodoro timer with a dark theme and big digits";
    frame();
    ASSERT_FALSE(state.wrap.breaks.empty());
    click(rect.Min + ImVec2(4, 4));
    ASSERT_TRUE(ImGui::IsAnyItemActive());
    press(ImGuiKey_End, true);  // the end of the text
    ImGui::GetIO().AddInputCharactersUTF8(" and a long alarm sound");
    frame();
    frame();
    EXPECT_EQ(text, "a pomodoro timer with a dark theme and big digits and a long alarm sound");
    EXPECT_GE(state.wrap.breaks.size(), 3u);
    // Select all and copy: spaces where the lines only wrap.
    press(ImGuiKey_A, true);
    press(ImGuiKey_C, true);
    EXPECT_EQ(clipboard(), text);
}
