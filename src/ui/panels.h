// Kiln: the panels, dialogs and banners that app_ui.cpp lays out, one file each. Each reads app
// state and calls app actions; what only the interface remembers is in UiState, what the page must
// do after the frame in FrameOutput (app_ui.h).
//
//   panel_sidebar.cpp     the project sidebar (the phone's Projects tab)
//   panel_welcome.cpp     the greeting of an empty library
//   panel_header.cpp      the open project's name, Rename, Delete
//   panel_prompt.cpp      the prompt box, Send, the generation's progress and draft
//   panel_versions.cpp    the versions timeline, Restore, Fork
//   panel_code.cpp        the code editor and Copy code, Download; or the code as it streams
//   panel_preview.cpp     the Network switch, Open in new tab, Share link, the preview guard, the app's frame
//   panel_shared.cpp      the shared view's header and prompt (app/share.h)
//   panel_console.cpp     the console below the preview (app/preview_console.h)
//   changes_view.cpp      the Changes view (changes_view.h)
//   panel_app_data.cpp    the App data view: what the app keeps, Remove, Clear app data (app/app_data.h)
//   status_bar.cpp        the status bar
//   banner_error.cpp      the error banner
//   banner_messages.cpp   the passing messages (notice, new version of Kiln, undo of a delete)
//   dialog_rename.cpp     Rename project
//   dialog_storage.cpp    Storage: space, export, import
//   dialog_import.cpp     the import confirmation
//   dialog_settings.cpp   Settings: endpoint, model, key, options, consented sites
//   dialog_consent.cpp    an embedding page asks to generate with the user's endpoint
//   dialog_share.cpp      Share link: a version's link, its size, Copy link
#pragma once

#include "app/app.h"
#include "core/store/store.h"
#include "ui/app_ui.h"
#include "ui/theme.h"

namespace kiln::ui {

// The project sidebar: title (not on a phone), New project, search, the list, the theme choice.
// On a phone, opening or starting a project switches to the Prompt tab.
void drawSidebar(app::App& app, UiState& ui, const Fonts& fonts, bool phone);

// The greeting of an empty library (or of no open project), with the starter prompts.
void drawWelcome(app::App& app, UiState& ui, const Fonts& fonts, bool phone);

// The open project's name with Rename, Export (the project as a file of its own) and Delete.
// Needs app.open.
void drawHeader(app::App& app, UiState& ui, const Fonts& fonts, FrameOutput& out);

// The prompt box, Send or Stop, and the running or last generation. Sets out.redraw_in_ms while
// Send counts down.
void drawPromptBox(app::App& app, UiState& ui, FrameOutput& out);

// The versions timeline of the open project, Restore and Fork. Needs app.open.
void drawVersions(app::App& app, UiState& ui);

// The code of the selected version in the editor with its actions, or the code streaming in; in
// the shared view, the shared app's code, read-only. Needs app.open or app.shared.
void drawCode(app::App& app, UiState& ui, const Fonts& fonts, FrameOutput& out);

// "Copied" on the line of the last item, for a while after ui.copied_at_ms (panel_code.cpp).
void drawCopied(UiState& ui, int64_t now, FrameOutput& out);

// The preview panel; returns where the page must put the app's frame (or that it must stop it).
// Needs app.open or app.shared.
PreviewPlacement drawPreview(app::App& app, UiState& ui, FrameOutput& out);

// The height the console below the preview takes of `available`: none while the app reported
// nothing, its header's line while closed.
float consoleHeight(const app::App& app, const UiState& ui, float available);
// The console below the preview, `height` tall (consoleHeight).
void drawConsole(app::App& app, UiState& ui, float height);
// Fix errors (app::fixErrors), disabled where it cannot run, with a tooltip saying why; then the
// Auto-fix switch (app::setAutoFix).
void drawFixButton(app::App& app);
// Shows the code panel with the caret where a console entry with a line points.
void showCodeAt(UiState& ui, const app::ConsoleEntry& entry);

// The App data view of the open project. Needs app.open.
void drawAppData(app::App& app);

// The shared view's header: the shared app's name (or that its link is being opened, or why it is
// refused), Save to my library and Close. Switches to the preview when a new link's app is shown.
// Needs app.shared.
void drawSharedHeader(app::App& app, UiState& ui, const Fonts& fonts, bool phone);
// The shared app's prompt and model. Needs a ready app.shared.
void drawSharedPrompt(const app::App& app);

// The status bar, one line; on a phone the passing messages are left to drawMessages above the tabs.
void drawStatusBar(app::App& app, UiState& ui, FrameOutput& out, bool phone);

// The error banner, when app.error is set.
void drawErrorBanner(app::App& app);

// The passing messages and their buttons: each on the status bar's line (`in_status_bar`), or
// wrapped on lines of its own.
void drawMessages(app::App& app, UiState& ui, FrameOutput& out, bool in_status_bar);

// Opens the Rename project dialog on `project` next frame.
void beginRename(UiState& ui, const store::Project& project);

// True once, in the frame `dialog` opens, if UiState::open_next asked for it.
inline bool opensNow(UiState& ui, Dialog dialog) {
    if (ui.open_next != dialog) return false;
    ui.open_next = Dialog::None;
    return true;
}

// The dialogs: each opens itself when UiState::open_next or app state asks, and draws while open.
void drawRenamePopup(app::App& app, UiState& ui);
void drawStoragePopup(app::App& app, UiState& ui, FrameOutput& out);
void drawImportPopup(app::App& app);
void drawSettingsPopup(app::App& app, UiState& ui);
void drawSyncPopup(app::App& app, UiState& ui);
void drawConsentPopup(app::App& app, FrameOutput& out);
void drawShareLinkPopup(app::App& app, UiState& ui, FrameOutput& out);

}  // namespace kiln::ui
