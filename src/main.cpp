// Kiln's entry point: wires the app state, the ImGui panels and the browser platform together,
// and owns the only globals. Each frame: input has been queued by the platform; build the UI
// from app state; render; act on what the UI asked of the platform (a download, the file picker)
// and keep the storage figures and retries going. Storage answers, lock grants and news from
// other tabs wake the frame loop when they changed what is shown: the save state, the commits in
// memory (this tab's or another's), a message.
#include <imgui.h>

#include <ctime>
#include <fstream>
#include <memory>
#include <optional>
#include <sstream>

#include "app/app.h"
#include "app/embed_api.h"
#include "platform/web/browser_storage.h"
#include "platform/web/embed.h"
#include "platform/web/fetch_stream.h"
#include "platform/web/files.h"
#include "platform/web/imgui_backend.h"
#include "platform/web/indexeddb_backend.h"
#include "platform/web/offline.h"
#include "platform/web/preview.h"
#include "platform/web/router.h"
#include "platform/web/share_codec.h"
#include "platform/web/tab_link.h"
#include "platform/web/timing.h"
#include "platform/web/webgl_renderer.h"
#include "test_hooks.h"
#include "ui/app_ui.h"
#include "ui/theme.h"

namespace {

constexpr const char* kCanvas = "#canvas";
constexpr const char* kFontDir = "/assets/fonts";
constexpr const char* kStarterPrompts = "/assets/prompts/starters.txt";
constexpr const char* kSystemPrompt = "/assets/prompts/system.md";
// While a generation runs, its elapsed time is redrawn and the stall timeout checked this often.
constexpr double kGenerationTickMs = 500;
constexpr const char* kSqliteType = "application/vnd.sqlite3";
constexpr const char* kHtmlType = "text/html";
constexpr const char* kImportAccept = ".kiln,.sqlite,.sqlite3,.db,application/vnd.sqlite3,application/x-sqlite3";
constexpr double kStorageFrameDelayMs = 40;

// What storage events can change on screen. A frame is drawn only when it differs from what the
// last frame showed, and a little later, so that the steps of one save (lock, refresh, write,
// acknowledgment: a few milliseconds in all) share one frame: with software WebGL a frame holds
// the main thread for tens of milliseconds, and every storage step waiting behind it would be
// that much later.
struct StorageView {
    kiln::storage::SaveStatus status;
    size_t waiting_writes = 0;
    std::string error;
    std::string notice;
    bool pending_import = false;

    bool operator==(const StorageView& other) const {
        return status == other.status && waiting_writes == other.waiting_writes && error == other.error &&
               notice == other.notice && pending_import == other.pending_import;
    }
};

// Declared before the app, which uses them until it is gone.
struct Platform {
    std::unique_ptr<kiln::web::IndexedDbBackend> backend;
    std::unique_ptr<kiln::web::TabLink> link;
    std::unique_ptr<kiln::web::FetchClient> fetch;
    std::unique_ptr<kiln::web::BrowserShareCodec> share;
    bool generation_tick = false;  // a generation check is on its way
    bool preview_tick = false;     // the preview's next heartbeat is on its way
    bool redraw_tick = false;      // a frame for a countdown on screen is on its way
    double sync_tick_at = -1;      // when the sync tick on its way fires (monotonic ms); -1: none
    bool retry_scheduled = false;
    bool persistence_asked = false;
    bool estimating = false;
    uint64_t estimated_at = ~uint64_t{0};  // the saved sequence number the last estimate saw
    StorageView drawn;                     // as the last frame showed it
    bool frame_scheduled = false;          // a frame for storage events is on its way
};

struct Globals {
    Platform platform;
    kiln::app::App app;
    kiln::ui::UiState ui;
    kiln::ui::Fonts fonts;
    float font_pixel_ratio = 0;                              // the ratio the font atlas was built for
    kiln::ui::Glyphs font_glyphs = kiln::ui::Glyphs::Start;  // and the characters it holds
    std::optional<bool> dark;                                // the theme applied (dark or not); none yet
    int frames_drawn = 0;
};

Globals& globals() {
    static Globals instance;
    return instance;
}

// Builds the font atlas, and rebuilds it when the page moves to a screen with another pixel ratio
// (or zooms). The first frame has Kiln's own words only (the library opens after it), so its atlas
// holds the Latin-1 glyphs alone, a fraction of the time to rasterize; every later frame has them all.
void syncFonts(float pixel_ratio) {
    Globals& g = globals();
    const kiln::ui::Glyphs glyphs = g.frames_drawn == 0 ? kiln::ui::Glyphs::Start : kiln::ui::Glyphs::All;
    if (pixel_ratio == g.font_pixel_ratio && glyphs == g.font_glyphs) return;
    const bool first = g.font_pixel_ratio == 0;
    g.font_pixel_ratio = pixel_ratio;
    g.font_glyphs = glyphs;
    g.fonts = kiln::ui::loadFonts(kFontDir, pixel_ratio, glyphs);
    if (first) kiln::web::markTime("kiln:fonts-built");
    kiln::web::uploadFontAtlas();
}

// Applies the theme the user chose, or the page's colour scheme for "system".
void syncTheme() {
    Globals& g = globals();
    const kiln::app::Theme theme = g.app.theme;
    const bool dark =
        theme == kiln::app::Theme::Dark || (theme == kiln::app::Theme::System && kiln::web::prefersDarkColorScheme());
    if (g.dark == dark) return;
    g.dark = dark;
    g.ui.dark = dark;
    kiln::ui::applyTheme(dark);
}

std::string readFile(const char* path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream out;
    out << in.rdbuf();
    return out.str();
}

void placePreview(const kiln::ui::PreviewPlacement& preview) {
    if (preview.stop) {
        kiln::web::stopPreview();
    } else if (preview.visible) {
        kiln::web::showPreview(preview.x, preview.y, preview.w, preview.h, preview.revision, *preview.code,
                               *preview.data, preview.network);
    } else {
        kiln::web::hidePreview();
    }
}

// The URL's hash and what is open, kept in step (app::routeToPush, app::openHash).
void syncRoute() {
    if (std::optional<std::string> hash = kiln::app::routeToPush(globals().app)) kiln::web::setHash(*hash, true);
}

void openHash(const std::string& hash) {
    if (std::optional<std::string> shown = kiln::app::openHash(globals().app, hash)) {
        kiln::web::setHash(*shown, false);
    }
}

StorageView storageView(const kiln::app::App& app) {
    StorageView view;
    if (app.database) view.status = app.database->status();
    if (app.writer) view.waiting_writes = app.writer->waitingWrites();
    view.error = app.error;
    view.notice = app.notice;
    view.pending_import = app.pending_import.has_value();
    return view;
}

// After a storage event: frames soon if it changed what is shown. Two: the first draws the change,
// the second what ImGui lays out from the first (a message banner sizes itself to its text).
void wakeIfChanged() {
    Platform& p = globals().platform;
    if (p.frame_scheduled || storageView(globals().app) == p.drawn) return;
    p.frame_scheduled = true;
    kiln::web::afterDelay(kStorageFrameDelayMs, [] {
        globals().platform.frame_scheduled = false;
        kiln::web::requestFrame(2);
    });
}

// Storage upkeep after each frame: retries while saving fails, the persistence request once
// something is saved, and the figures of the Storage popup.
void syncStorage(bool storage_shown) {
    Globals& g = globals();
    Platform& p = g.platform;
    if (!g.app.database || !g.app.storage.durable) return;
    const kiln::storage::SaveStatus status = g.app.database->status();
    if (kiln::app::savingWantsRetry(g.app) && !p.retry_scheduled) {
        p.retry_scheduled = true;
        kiln::web::afterDelay(kiln::app::kSaveRetryMs, [] {
            globals().platform.retry_scheduled = false;
            kiln::app::retrySaving(globals().app);
            kiln::web::requestFrame();
        });
    }
    if (!p.persistence_asked && status.saved > 0) {
        p.persistence_asked = true;
        kiln::web::requestPersistence([](bool persisted) {
            globals().app.storage.persisted = persisted;
            kiln::web::requestFrame();
        });
    }
    const bool fresh = p.estimated_at == status.saved && !storage_shown;
    if (!p.estimating && !fresh && status.state == kiln::storage::SaveState::Saved) {
        p.estimating = true;
        p.estimated_at = status.saved;
        kiln::web::estimateStorage([](std::optional<kiln::web::StorageEstimate> estimate) {
            Globals& g = globals();
            g.platform.estimating = false;
            if (estimate && (g.app.storage.used_bytes != estimate->used_bytes ||
                             g.app.storage.quota_bytes != estimate->quota_bytes)) {
                g.app.storage.used_bytes = estimate->used_bytes;
                g.app.storage.quota_bytes = estimate->quota_bytes;
                kiln::web::requestFrame(2);
            }
        });
    }
}

// While a generation runs: the stall check and the elapsed time, twice a second.
void syncGeneration() {
    Globals& g = globals();
    if (g.app.generation.phase != kiln::app::GenerationPhase::Running || g.platform.generation_tick) return;
    g.platform.generation_tick = true;
    kiln::web::afterDelay(kGenerationTickMs, [] {
        globals().platform.generation_tick = false;
        kiln::app::checkGenerationStall(globals().app);
        kiln::web::requestFrame();
    });
}

// While a preview runs: its heartbeat (app/preview_guard.h), a ping every kPreviewPingMs; a
// frame only when what the panel says changes.
void syncPreviewHeartbeat() {
    Globals& g = globals();
    if (!kiln::app::previewNeedsHeartbeat(g.app) || g.platform.preview_tick) return;
    g.platform.preview_tick = true;
    kiln::web::afterDelay(kiln::app::kPreviewPingMs, [] {
        Globals& g = globals();
        g.platform.preview_tick = false;
        const auto answered = static_cast<int64_t>(kiln::web::previewAnsweredMs());
        if (kiln::app::previewTick(g.app, answered)) kiln::web::requestFrame(2);
        if (kiln::app::previewNeedsHeartbeat(g.app)) {
            kiln::web::pingPreview();
            syncPreviewHeartbeat();
        }
    });
}

// While sync is on: a tick when the next pass is due (app/sync.h). A pass due sooner than the
// tick on its way (a change was saved) gets a tick of its own; the later one then finds none due.
void scheduleSyncPass() {
    Platform& p = globals().platform;
    const int64_t due = kiln::app::syncDueInMs(globals().app);
    if (due < 0) return;
    const double at = static_cast<double>(kiln::web::monotonicMs() + due);
    if (p.sync_tick_at >= 0 && p.sync_tick_at <= at) return;
    p.sync_tick_at = at;
    kiln::web::afterDelay(static_cast<double>(due), [at] {
        Platform& p = globals().platform;
        if (p.sync_tick_at == at) p.sync_tick_at = -1;
        kiln::app::syncTick(globals().app);
        kiln::web::requestFrame();
        scheduleSyncPass();  // a hidden tab draws no frame, and still syncs
    });
}

// The preview guard's marks, in localStorage (src/platform/web/preview.h).
struct BrowserPreviewMarks : kiln::app::PreviewMarks {
    bool has(const std::string& key) override { return kiln::web::previewMarkSet(key); }
    void set(const std::string& key, bool on) override { kiln::web::setPreviewMark(key, on); }
};

// While the last frame showed a countdown (Send waiting out a Retry-After): a frame when its
// number changes, and none once it is gone.
void syncCountdown(double redraw_in_ms) {
    Platform& p = globals().platform;
    if (redraw_in_ms <= 0 || p.redraw_tick) return;
    p.redraw_tick = true;
    kiln::web::afterDelay(redraw_in_ms, [] {
        globals().platform.redraw_tick = false;
        kiln::web::requestFrame(1);
    });
}

void frame() {
    Globals& g = globals();
    syncFonts(kiln::web::canvasSize().pixel_ratio);
    syncTheme();
    kiln::test_hooks::beginFrame();
    ImGui::NewFrame();
    ImGui::PushFont(g.fonts.body);
    g.ui.update_waiting = kiln::web::updateWaiting();
    const kiln::ui::FrameOutput out = kiln::ui::drawApp(g.app, g.ui, g.fonts);
    kiln::test_hooks::drawExtras();
    ImGui::PopFont();
    ImGui::Render();
    kiln::test_hooks::endFrame();
    placePreview(out.preview);
    if (out.apply_update) kiln::web::applyUpdate();
    syncRoute();

    kiln::web::renderFrame(*ImGui::GetDrawData(), ImGui::GetStyle().Colors[ImGuiCol_WindowBg]);
    if (++g.frames_drawn == 1) kiln::web::markTime("kiln:first-frame");

    if (out.export_database) {
        if (std::optional<kiln::storage::Bytes> bytes = kiln::app::exportDatabase(g.app, out.export_keys)) {
            kiln::web::downloadFile(kiln::app::exportFileName(std::time(nullptr)), *bytes, kSqliteType);
        }
    }
    if (std::optional<kiln::app::ProjectsFile> file =
            kiln::app::exportProjects(g.app, out.export_projects, std::time(nullptr))) {
        kiln::web::downloadFile(file->name, file->bytes, kSqliteType);
    }
    if (out.download_code) {
        kiln::web::downloadFile(out.download_name,
                                std::vector<uint8_t>(out.download_code->begin(), out.download_code->end()), kHtmlType);
    }
    if (out.tab_code && !kiln::web::openPreviewTab(*out.tab_code, out.tab_data, out.tab_network, out.tab_title)) {
        kiln::app::reportTabBlocked(g.app);
    }
    if (out.pick_import_file) kiln::web::pickFile();
    syncStorage(out.storage_shown);
    syncGeneration();
    syncCountdown(out.redraw_in_ms);
    syncPreviewHeartbeat();
    scheduleSyncPass();
    g.platform.drawn = storageView(g.app);
}

// Once the library is open, the page that embeds Kiln (if any) is told so, acts through the app's
// actions, and hears of every version saved.
void listenToEmbedder() {
    if (!kiln::web::hasEmbedder()) return;
    kiln::app::App& app = globals().app;
    app.embed.origin = kiln::web::embedderOrigin();
    app.embed.post = kiln::web::postToEmbedder;
    // Where the browser can tell, Kiln's consent buttons wait until its frame is seen.
    if (kiln::web::watchVisibility([](bool visible) { kiln::app::setEmbedVisible(globals().app, visible); })) {
        kiln::app::setEmbedVisible(app, false);
    }
    app.version_saved = [](const kiln::store::Project& project, const kiln::store::Version& version) {
        kiln::web::postToEmbedder(kiln::app::embedVersionMessage(project, version));
    };
    kiln::web::listenToEmbedder([](const std::string& message) {
        if (kiln::app::handleEmbedMessage(globals().app, message)) wakeIfChanged();
    });
    kiln::web::postToEmbedder(kiln::app::embedReadyMessage());
}

// Opens the library from IndexedDB (in memory, saying why, if that fails), and listens for the
// moments to retry saving and for files to import.
void openStorage() {
    Platform& p = globals().platform;
    p.backend =
        std::make_unique<kiln::web::IndexedDbBackend>(kiln::web::IndexedDbOptions{"kiln", "relaxed", wakeIfChanged});
    p.link = std::make_unique<kiln::web::TabLink>(std::string("kiln:") + kiln::app::kLibraryName, wakeIfChanged);
    kiln::app::openStorage(globals().app, *p.backend, *p.link, "this browser (IndexedDB)", [] {
        kiln::web::markTime("kiln:library-open");
        kiln::web::setHash(kiln::app::followRoutes(globals().app, kiln::web::currentHash()), false);
        listenToEmbedder();
        kiln::web::requestFrame();
    });
    kiln::web::onStorageRetryMoments([] {
        kiln::app::retrySaving(globals().app);
        kiln::web::requestFrame();
    });
    kiln::web::listenForFiles(
        kCanvas, kImportAccept,
        [](const std::string& name, std::optional<kiln::storage::Bytes> bytes, const std::string& problem) {
            kiln::app::receiveImportFile(globals().app, name, std::move(bytes), problem);
            kiln::web::requestFrame();
        });
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

    std::string error = kiln::web::initCanvas(kCanvas);
    if (error.empty()) error = kiln::web::initRenderer();
    if (!error.empty()) {
        kiln::web::showFatalError(error);
        return 0;
    }

    g.app.origin_of = kiln::web::urlOrigin;  // before the settings are read
    // Before the library opens: its hash may be a share link.
    g.platform.share = std::make_unique<kiln::web::BrowserShareCodec>([] { kiln::web::requestFrame(2); });
    g.app.share_codec = g.platform.share.get();
    g.app.page_url = kiln::web::pageUrl();
    openStorage();
    kiln::app::setStarterPrompts(g.app, readFile(kStarterPrompts));
    // An answer may change when sync is due (the watch between passes); a hidden tab draws no
    // frame to find out, so the sync timer is set here too.
    g.platform.fetch = std::make_unique<kiln::web::FetchClient>([] {
        kiln::web::requestFrame();
        scheduleSyncPass();
    });
    g.app.http = g.platform.fetch.get();
    g.app.clock_ms = kiln::web::monotonicMs;
    static BrowserPreviewMarks preview_marks;
    g.app.preview_marks = &preview_marks;
    kiln::web::onPreviewReports([](kiln::web::PreviewReport kind, const std::string& batch) {
        return kind == kiln::web::PreviewReport::Console ? kiln::app::receiveConsole(globals().app, batch)
                                                         : kiln::app::receiveAppData(globals().app, batch);
    });
    g.app.origin = kiln::web::pageOrigin();
    g.app.system_prompt = readFile(kSystemPrompt);
    kiln::web::onHashChange(openHash);

    // The test build's hooks (test_hooks.h); nothing in the build that users get.
    kiln::test_hooks::install({&g.app, &g.frames_drawn, wakeIfChanged});
    kiln::web::runFrameLoop(frame);
    return 0;
}
