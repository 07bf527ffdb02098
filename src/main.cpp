// Kiln's entry point: wires the app state, the ImGui panels and the browser platform together,
// and owns the only globals. Each frame: input has been queued by the platform; build the UI
// from app state; render.
#include <GLES3/gl3.h>
#include <imgui.h>
#include <imgui_impl_opengl3.h>

#include <fstream>
#include <optional>
#include <sstream>

#include "core/app/app.h"
#include "platform/web/embed.h"
#include "platform/web/imgui_backend.h"
#include "platform/web/offline.h"
#include "platform/web/preview.h"
#include "platform/web/router.h"
#include "platform/web/test_bridge.h"
#include "ui/app_ui.h"
#include "ui/input_probe.h"
#include "ui/test_locator.h"
#include "ui/theme.h"

namespace {

constexpr const char* kCanvas = "#canvas";
constexpr const char* kFontDir = "/assets/fonts";
constexpr const char* kStarterPrompts = "/assets/prompts/starters.txt";

struct Globals {
    kiln::app::App app;
    kiln::ui::UiState ui;
    kiln::ui::Fonts fonts;
    float font_pixel_ratio = 0;  // the ratio the font atlas was built for
    int dark = -1;               // the theme applied: 1 dark, 0 light, -1 none yet
    int frames_drawn = 0;
    std::string hash;  // the route the URL shows
    std::optional<kiln::ui::InputProbe> input_probe;  // test pages with ?probe=input only
};

Globals& globals() {
    static Globals instance;
    return instance;
}

// Rebuilds the font atlas when the page moves to a screen with another pixel ratio (or zooms).
void syncFonts(float pixel_ratio) {
    Globals& g = globals();
    if (pixel_ratio == g.font_pixel_ratio) return;
    g.font_pixel_ratio = pixel_ratio;
    g.fonts = kiln::ui::loadFonts(kFontDir, pixel_ratio);
    ImGui_ImplOpenGL3_DestroyFontsTexture();
    ImGui_ImplOpenGL3_CreateFontsTexture();
}

// Applies the theme the user chose, or the page's colour scheme for "system".
void syncTheme() {
    Globals& g = globals();
    const std::string& theme = g.app.theme;
    int dark = theme == "dark" || (theme != "light" && kiln::web::prefersDarkColorScheme()) ? 1 : 0;
    if (dark == g.dark) return;
    g.dark = dark;
    g.ui.dark = dark == 1;
    kiln::ui::applyTheme(dark == 1);
}

std::string readFile(const char* path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream out;
    out << in.rdbuf();
    return out.str();
}

void placePreview(const kiln::ui::PreviewPlacement& preview) {
    if (preview.visible) {
        kiln::web::showPreview(preview.x, preview.y, preview.w, preview.h, preview.revision, *preview.code);
    } else {
        kiln::web::hidePreview();
    }
}

// Keeps the URL's hash naming what is open; a change made by the user is a new history entry.
void syncRoute() {
    Globals& g = globals();
    std::string hash = kiln::app::formatRoute(kiln::app::currentRoute(g.app));
    if (hash == g.hash) return;
    g.hash = hash;
    kiln::web::setHash(hash, true);
}

// Opens what a hash names (a reload, Back and Forward, a pasted link).
void openHash(const std::string& hash) {
    Globals& g = globals();
    std::optional<kiln::app::Route> route = kiln::app::parseRoute(hash);
    if (!route) {
        g.app.error = "That link does not name a project or version of Kiln: " + hash;
        return;
    }
    kiln::app::navigate(g.app, *route);
    g.hash = kiln::app::formatRoute(kiln::app::currentRoute(g.app));
    // A link to something that is not here leaves the hash as it was typed; show what is open.
    if (g.hash != hash) kiln::web::setHash(g.hash, false);
}

void frame() {
    Globals& g = globals();
    syncFonts(kiln::web::canvasSize().pixel_ratio);
    syncTheme();
    kiln::ui::beginLocatorFrame();
    ImGui_ImplOpenGL3_NewFrame();
    ImGui::NewFrame();
    ImGui::PushFont(g.fonts.body);
    g.ui.update_waiting = kiln::web::updateWaiting();
    kiln::ui::FrameOutput out = kiln::ui::drawApp(g.app, g.ui, g.fonts);
    if (g.input_probe) kiln::ui::drawInputProbe(*g.input_probe);
    ImGui::PopFont();
    ImGui::Render();
    kiln::ui::endLocatorFrame();
    placePreview(out.preview);
    if (out.apply_update) kiln::web::applyUpdate();
    syncRoute();

    const ImGuiIO& io = ImGui::GetIO();
    glViewport(0, 0, static_cast<int>(io.DisplaySize.x * io.DisplayFramebufferScale.x),
               static_cast<int>(io.DisplaySize.y * io.DisplayFramebufferScale.y));
    const ImVec4 background = ImGui::GetStyle().Colors[ImGuiCol_WindowBg];
    glClearColor(background.x, background.y, background.z, 1.0f);
    glClear(GL_COLOR_BUFFER_BIT);
    ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());
    ++g.frames_drawn;
}

}  // namespace

int main() {
    Globals& g = globals();
    IMGUI_CHECKVERSION();
    ImGui::CreateContext();
    ImGuiIO& io = ImGui::GetIO();
    io.IniFilename = nullptr;  // layout state will live in Kiln's own settings, not a file
    io.ConfigFlags |= ImGuiConfigFlags_NavEnableKeyboard;
    io.BackendPlatformName = "kiln_web";

    if (std::string error = kiln::web::initCanvas(kCanvas); !error.empty()) {
        kiln::web::showFatalError(error);
        return 0;
    }
    ImGui_ImplOpenGL3_Init("#version 300 es");

    kiln::app::openInMemory(g.app);
    kiln::app::setStarterPrompts(g.app, readFile(kStarterPrompts));
    g.ui.compact = kiln::web::embedMode();
    if (std::string hash = kiln::web::currentHash(); !hash.empty()) openHash(hash);
    g.hash = kiln::app::formatRoute(kiln::app::currentRoute(g.app));
    kiln::web::setHash(g.hash, false);
    kiln::web::onHashChange(openHash);

    if (kiln::web::testModeRequested()) {
        kiln::ui::enableTestLocator();
        if (kiln::web::inputProbeRequested()) g.input_probe.emplace();
        kiln::web::installTestHandlers({
            [] {
                nlohmann::json state = kiln::app::stateSnapshot(globals().app);
                state["ready"] = state["ready"].get<bool>() && globals().frames_drawn > 0;
                state["frames_drawn"] = globals().frames_drawn;
                if (globals().input_probe) state["probe"] = kiln::ui::inputProbeState(*globals().input_probe);
                return state.dump();
            },
            [](const std::string& label) { return kiln::ui::itemRectJson(label); },
        });
    }
    kiln::web::runFrameLoop(frame);
    return 0;
}
