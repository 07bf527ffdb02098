// Kiln: the whole interface, drawn from app state once per frame.
#pragma once

#include <algorithm>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "app/app.h"
#include "ui/code_editor.h"
#include "ui/theme.h"
#include "ui/wrapped_text.h"

namespace kiln::ui {

// The phone's tabs, the desktop's views beside the prompt, and the phone Code tab's two views; each
// in the order its tabs are drawn.
enum class PhoneTab { Projects, Prompt, Code, Preview, Versions };
enum class ViewTab { Preview, Code, Changes, AppData };
enum class CodeView { Code, Changes, AppData };
// Kiln's modal dialogs; ImGui opens a popup in the frame after the click that asked for it.
enum class Dialog { None, Rename, Storage, Settings, Sync };

// What only the interface remembers: panel sizes, the phone tab, text being typed in popups.
struct UiState {
    float sidebar_width = 260.0f;
    float prompt_width = 360.0f;
    PhoneTab phone_tab = PhoneTab::Projects;
    ViewTab view_tab = ViewTab::Preview;
    CodeView phone_code_view = CodeView::Code;
    // An action that changes what the rest of the frame draws (the project list, the open
    // project) runs after the frame instead of in the middle of it.
    std::function<void()> deferred;
    CodeEditorState code_editor;
    WrappedTextState prompt_box;
    uint64_t code_editor_revision = 0;  // the preview revision the editor last showed
    bool dark = false;                  // the theme applied, for the code editor's palette
    bool update_waiting = false;        // a new version of Kiln is ready to take over
    int64_t copied_at_ms = -1;          // app.clock_ms when Copy code or Copy link was clicked (says "Copied")
    uint64_t shown_shared = 0;          // the shared view's revision the views were last switched for
    std::string version_model;          // the model whose versions the list shows ("" for all)
    bool console_open = false;          // the console below the preview shows its messages
    int code_jump_line = 0;             // > 0: the code panel shows this line next (a console entry's)
    int code_jump_column = 0;
    std::string rename_text;
    int64_t rename_project = 0;
    Dialog open_next = Dialog::None;                                // the dialog that opens next frame
    bool export_keys = false;                                       // the Storage popup's "Include API keys" box
    std::vector<std::string> export_chosen;                         // the projects chosen there to export (public ids)
    app::EndpointSettings settings_edit;                            // the Settings popup's fields while it is open
    app::SyncSettings sync_edit;                                    // the Sync popup's fields while it is open
    std::string sync_edit_origin;                                   // the server its password field is for
    app::GenerationPhase shown_phase = app::GenerationPhase::Idle;  // switches views when it changes
    size_t streamed_bytes = 0;                                      // the streamed code the editor last showed
    bool follow_stream = true;  // the streamed code scrolls with its end (the user scrolled up: false)
    float window_height = 0;    // the last frame's (keepCaretInView)
};

// Where the page must place the live preview this frame; the platform puts a real <iframe> there.
struct PreviewPlacement {
    bool visible = false;
    float x = 0, y = 0, w = 0, h = 0;  // CSS pixels
    uint64_t revision = 0;             // reload the document when this changes
    const std::string* code = nullptr;
    const std::string* data = nullptr;  // what the app kept (app::previewAppData)
    bool network = true;                // false: the app runs without the network
    bool stop = false;                  // the app must not run: remove its frame
};

struct FrameOutput {
    PreviewPlacement preview;
    bool apply_update = false;             // the user asked for the new version of Kiln
    bool export_database = false;          // the user asked to download the library
    bool export_keys = false;              // ... with the API keys in it
    bool pick_import_file = false;         // the user asked for the file picker
    std::vector<int64_t> export_projects;  // the user asked to download these projects as a file
    // The user asked to download the app the code panel shows (this code, as this file name).
    const std::string* download_code = nullptr;
    std::string download_name;
    // The user asked to open the app the preview shows in a tab of its own (under this title).
    const std::string* tab_code = nullptr;
    bool tab_network = true;
    std::string tab_title;
    std::string tab_data;        // what the app kept, for it to start with there (app::previewAppData)
    bool storage_shown = false;  // the Storage popup is open: keep its figures fresh
    double redraw_in_ms = 0;     // > 0: what this frame shows changes by itself then (a countdown)

    // Asks for a frame `ms` from now (the soonest of all asked for, when several are).
    void redrawIn(double ms) {
        if (ms > 0) redraw_in_ms = redraw_in_ms > 0 ? std::min(redraw_in_ms, ms) : ms;
    }
};

FrameOutput drawApp(app::App& app, UiState& ui, const Fonts& fonts);

}  // namespace kiln::ui
