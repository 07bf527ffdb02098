#include "platform/web/preview.h"

#include <emscripten.h>

#include "platform/web/imgui_backend.h"

// The JS inside EM_ASM is not C++: clang-format would split its `!==`.
// clang-format off
namespace kiln::web {

namespace {

struct Preview {
    bool loaded = false;  // some revision has been handed to the page
    std::uint64_t revision = 0;
    bool visible = false;
    float x = 0, y = 0, w = 0, h = 0;
};

Preview& preview() {
    static Preview instance;
    return instance;
}

struct Reports {
    std::function<bool(PreviewReport, const std::string&)> received;
    std::string batch;  // where JS puts the batch being delivered
};

Reports& reports() {
    static Reports instance;
    return instance;
}

EM_JS(void, preview_listen_to_reports, (), {
    window.kilnPreview.listen(function(kind, batch) {
        var bytes = new TextEncoder().encode(batch);
        var at = _kiln_preview_report_buffer(bytes.length);  // may grow memory: HEAPU8 after it
        HEAPU8.set(bytes, at);
        _kiln_preview_report(kind === 'storage' ? 1 : 0);
    });
});

}  // namespace

void showPreview(float x, float y, float w, float h, std::uint64_t revision, const std::string& html,
                 const std::string& data, bool network) {
    Preview& p = preview();
    if (!p.loaded || revision != p.revision) {
        p.loaded = true;
        p.revision = revision;
        p.visible = false;  // a new host frame may have been made: place it
        EM_ASM({ window.kilnPreview.load(UTF8ToString($0), UTF8ToString($1), $2 !== 0, $3); }, html.c_str(), data.c_str(),
               network ? 1 : 0, static_cast<double>(revision));
    }
    if (p.visible && x == p.x && y == p.y && w == p.w && h == p.h) return;
    p.visible = true;
    p.x = x;
    p.y = y;
    p.w = w;
    p.h = h;
    EM_ASM({ window.kilnPreview.place($0, $1, $2, $3); }, x, y, w, h);
}

void hidePreview() {
    Preview& p = preview();
    if (!p.visible) return;
    p.visible = false;
    EM_ASM({ window.kilnPreview.hide(); });
}

void stopPreview() {
    Preview& p = preview();
    if (!p.loaded) return;
    p.loaded = false;
    p.visible = false;
    EM_ASM({ window.kilnPreview.stop(); });
}

bool openPreviewTab(const std::string& html, const std::string& data, bool network, const std::string& title) {
    return EM_ASM_INT({ return window.kilnPreview.openTab(UTF8ToString($0), UTF8ToString($1), $2 !== 0, UTF8ToString($3)) ? 1 : 0; },
                      html.c_str(), data.c_str(), network ? 1 : 0, title.c_str()) != 0;
}

void pingPreview() {
    EM_ASM({ window.kilnPreview.ping(); });
}

double previewAnsweredMs() {
    return EM_ASM_DOUBLE({ return window.kilnPreview.lastAnswer(); });
}

void onPreviewReports(std::function<bool(PreviewReport kind, const std::string& batch)> received) {
    reports().received = std::move(received);
    preview_listen_to_reports();
}

bool previewMarkSet(const std::string& key) {
    return EM_ASM_INT({ return window.kilnPreviewMarks.has(UTF8ToString($0)) ? 1 : 0; }, key.c_str()) != 0;
}

void setPreviewMark(const std::string& key, bool on) {
    EM_ASM({ window.kilnPreviewMarks.set(UTF8ToString($0), $1 !== 0); }, key.c_str(), on ? 1 : 0);
}

}  // namespace kiln::web
// clang-format on

extern "C" {

EMSCRIPTEN_KEEPALIVE char* kiln_preview_report_buffer(size_t size) {
    std::string& batch = kiln::web::reports().batch;
    batch.assign(size, '\0');
    return batch.data();
}

EMSCRIPTEN_KEEPALIVE void kiln_preview_report(int kind) {
    kiln::web::Reports& reports = kiln::web::reports();
    const std::string batch = std::move(reports.batch);
    reports.batch.clear();
    const auto report = kind == 1 ? kiln::web::PreviewReport::Storage : kiln::web::PreviewReport::Console;
    if (reports.received && reports.received(report, batch)) kiln::web::requestFrame();
}

}  // extern "C"
