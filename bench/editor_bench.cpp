// kiln_bench_editor: the code panel's CPU time per frame with a 200 KB HTML file (issue target
// in brackets), natively, with Dear ImGui and a null renderer: each frame runs NewFrame, the
// editor and Render (the draw lists are built, nothing is drawn).
//   frame_cpu_ms_200kb_native             editor focused, scrolled to the middle, nothing changes [<= 4 ms]
//   frame_cpu_ms_200kb_after_edit_native  a character typed at the top while the middle is shown [<= 4 ms]
// and for comparison in the same run: the editor without focus, an edit at the top that changes
// the colour of every line after it (a comment opened), and the same frame with an empty text.
//
//   build/native/bench/kiln_bench_editor <json-out> [runs]
//   build/native/bench/kiln_bench_editor --page <html-out>   writes the 200 KB page (for scripts/bench app)
#include <imgui.h>
#include <imgui_internal.h>

#include <cstdio>
#include <fstream>
#include <string>

#include "bench_support.h"
#include "ui/code_editor.h"

using kiln::bench::medianMs;

namespace {

constexpr const char* kFont = "/usr/share/fonts/truetype/jetbrains-mono/JetBrainsMono-Regular.ttf";
constexpr size_t kTextBytes = 200 * 1024;
const ImVec2 kDisplay(1280, 800);

// A single-file app as Kiln generates them: a style sheet, markup, then a long script.
std::string generatedPage() {
    std::string css, html, js;
    for (int i = 0; css.size() < kTextBytes * 15 / 100; ++i) {
        const std::string n = std::to_string(i);
        css += ".card-" + n + " { display: flex; gap: 8px; padding: 12px 16px; color: #333; border-radius: 8px; }\n";
        css += "@media (max-width: 600px) { .card-" + n +
               ":hover > .title { padding: 0.5em; font: 600 14px/1.4 sans-serif; } }\n";
    }
    for (int i = 0; html.size() < kTextBytes * 35 / 100; ++i) {
        const std::string n = std::to_string(i);
        html += "  <!-- item " + n + " -->\n";
        html += "  <section class=\"card-" + n + "\" data-index=\"" + n + "\" style=\"margin: 4px 0; opacity: .9\">\n";
        html += "    <h2 class=\"title\">Item " + n + " &amp; friends</h2>\n";
        html += "    <p>Drag the card to reorder it, or <a href=\"#item-" + n + "\" onclick=\"select(" + n +
                "); return false\">open it</a> &mdash; saved locally.</p>\n";
        html += "  </section>\n";
    }
    for (int i = 0; js.size() < kTextBytes * 50 / 100; ++i) {
        const std::string n = std::to_string(i);
        js += "  // Renders item " + n + " and keeps its label in sync.\n";
        js += "  function renderItem" + n + "(state) {\n";
        js += "    const label = `Item ${state.items[" + n + "].name} of ${state.items.length}`;\n";
        js += "    if (/^[a-z ]+$/i.test(label) && state.count / 2 > " + n + ") return label.length * 1.5;\n";
        js += "    return state.items.filter((x) => x.id !== " + n + ").map((x) => x.value + 0x1F);\n";
        js += "  }\n";
    }
    return "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>Board</title>\n<style>\n" +
           css + "</style>\n</head>\n<body>\n" + html + "<script>\n" + js + "</script>\n</body>\n</html>\n";
}

struct Bench {
    ImFont* font = nullptr;
    kiln::ui::CodeEditorStyle style = kiln::ui::codeEditorStyle(true);
    kiln::ui::CodeEditorState state;
    std::string text;

    void frame() {
        ImGuiIO& io = ImGui::GetIO();
        io.DisplaySize = kDisplay;
        io.DeltaTime = 1.0f / 60.0f;
        ImGui::NewFrame();
        ImGui::SetNextWindowPos(ImVec2(0, 0));
        ImGui::SetNextWindowSize(kDisplay);
        ImGui::Begin("Code", nullptr, ImGuiWindowFlags_NoDecoration);
        ImGui::PushFont(font);
        kiln::ui::codeEditor("code", text, state, style, ImVec2(0, 0), false);
        ImGui::PopFont();
        ImGui::End();
        ImGui::Render();
    }

    ImGuiWindow* scrollWindow() const { return ImGui::FindWindowByID(state.scroll_window_id); }

    // Scrolls the text so that `line` is at the top, at once.
    void showLine(size_t line) {
        ImGuiWindow* window = scrollWindow();
        window->Scroll.y = static_cast<float>(line) * ImGui::GetFontSize();
        window->ScrollTarget.y = FLT_MAX;
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
};

}  // namespace

int main(int argc, char** argv) {
    if (argc > 2 && std::string(argv[1]) == "--page") {
        std::ofstream(argv[2], std::ios::binary) << generatedPage();
        return 0;
    }
    const std::string json_path = argc > 1 ? argv[1] : "editor.json";
    const int runs = argc > 2 ? std::stoi(argv[2]) : 201;

    ImGui::CreateContext();
    ImGuiIO& io = ImGui::GetIO();
    io.IniFilename = nullptr;
    io.BackendFlags |= ImGuiBackendFlags_RendererHasVtxOffset;  // as the WebGL backend has
    // A key released and a character typed in one frame are both applied in that frame.
    io.ConfigInputTrickleEventQueue = false;
    Bench bench;
    bench.font = io.Fonts->AddFontFromFileTTF(kFont, 18.0f);
    if (!bench.font) {
        std::fprintf(stderr, "cannot read %s (Debian package fonts-jetbrains-mono)\n", kFont);
        return 1;
    }
    io.Fonts->Build();

    // The empty editor: what ImGui and the widget cost without any text.
    bench.frame();
    const double empty_ms = medianMs(runs, [&] { bench.frame(); });

    bench.text = generatedPage();
    kiln::ui::markCodeEditorTextChanged(bench.state);
    bench.frame();
    const size_t lines = bench.state.tokenizer.lineCount();
    const size_t middle = lines / 2;
    std::printf("text: %zu bytes, %zu lines; showing line %zu\n", bench.text.size(), lines, middle);

    bench.showLine(middle);
    bench.frame();
    const double unfocused_ms = medianMs(runs, [&] { bench.frame(); });

    // Focus: click in the middle of the view, so the caret is on a visible line.
    bench.click(ImVec2(kDisplay.x * 0.5f, kDisplay.y * 0.5f));
    const double focused_ms = medianMs(runs, [&] { bench.frame(); });

    // Type at the top while the middle stays in view: caret to the top, then each frame a
    // character typed or erased (the view is put back on the middle before each frame, since
    // the editor would follow the caret).
    io.AddKeyEvent(ImGuiMod_Ctrl, true);
    io.AddKeyEvent(ImGuiKey_Home, true);
    bench.frame();
    io.AddKeyEvent(ImGuiKey_Home, false);
    io.AddKeyEvent(ImGuiMod_Ctrl, false);
    bench.frame();
    io.AddKeyEvent(ImGuiKey_DownArrow, true);  // to line 2, inside <html>
    bench.frame();
    io.AddKeyEvent(ImGuiKey_DownArrow, false);
    bench.frame();
    const size_t tokenized_before = bench.state.tokenizer.linesTokenized();
    bool typed = false;
    int edits = 0;
    const double edit_ms = medianMs(runs, [&] {
        bench.showLine(middle);
        if (typed) {
            io.AddKeyEvent(ImGuiKey_Backspace, true);
        } else {
            io.AddInputCharacter('x');
        }
        bench.frame();
        io.AddKeyEvent(ImGuiKey_Backspace, false);
        typed = !typed;
        ++edits;
    });
    const double lines_per_edit =
        static_cast<double>(bench.state.tokenizer.linesTokenized() - tokenized_before) / static_cast<double>(edits);

    // An edit that changes every line's colour after it: a comment opened and closed at the top.
    const std::string page = bench.text;
    bool commented = false;
    const double recolour_ms = medianMs(std::min(runs, 51), [&] {
        bench.text = commented ? page : "<!--" + page;
        commented = !commented;
        kiln::ui::markCodeEditorTextChanged(bench.state);
        bench.showLine(middle);
        bench.frame();
    });

    ImGui::DestroyContext();
    char note[96];
    std::snprintf(note, sizeof note, "typing at the top, middle shown (%.1f lines tokenized per edit)", lines_per_edit);
    kiln::bench::report("Kiln code editor benchmark (native, Release; median of " + std::to_string(runs) + " frames)",
                        {
                            {"frame_cpu_ms_200kb_native", focused_ms, "ms", 4.0, "focused, middle shown"},
                            {"frame_cpu_ms_200kb_after_edit_native", edit_ms, "ms", 4.0, note},
                            {"frame_cpu_ms_200kb_unfocused_native", unfocused_ms, "ms", 0, "no caret, middle shown"},
                            {"frame_cpu_ms_200kb_recolour_native", recolour_ms, "ms", 0,
                             "<!-- at the top: every line to the middle re-coloured"},
                            {"frame_cpu_ms_empty_native", empty_ms, "ms", 0, "the same frame, empty text"},
                        },
                        json_path);
    return 0;
}
