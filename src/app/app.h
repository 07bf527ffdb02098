// Kiln: what the user sees and can do, as plain state and actions. No ImGui, no browser: the
// ui/ panels read this state and call these actions; tests drive the same actions natively.
//
// Index
//   Route            the part of the URL after '#': which project and version are open, or a
//                    shared app (share.h)
//   OpenProject      the project being worked on: its versions, the shown code, the preview
//   StorageInfo      where the library is kept, and what the browser says about its space
//   App              everything the panels show
//   Changes          what a version changed from an earlier one (the Changes view)
//   Actions          storage, library, project, version, code and prompt actions
//   SaveView         the save state in words, for the status bar
//   stateSnapshot    JSON of what the user sees, for tests
//
// Every action that writes goes through the SharedWriter when there is one (other tabs share the
// library): it runs at once if this tab may write, or a moment later, once it may.
#pragma once

#include <cstdint>
#include <ctime>
#include <functional>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "app/app_data.h"
#include "app/generation.h"
#include "app/preview_console.h"
#include "app/preview_guard.h"
#include "app/share.h"
#include "app/sync.h"
#include "core/diff/line_diff.h"
#include "core/storage/durable_database.h"
#include "core/storage/shared_writer.h"
#include "core/store/library_import.h"
#include "core/store/store.h"

namespace kiln::app {

// "#/p/<public id>/v/<number>"; version 0 means the latest; an empty project means the library.
// "#/share/<data>": a share link (share.h), whatever its data holds.
struct Route {
    std::string project;
    int version = 0;
    std::string share{};  // a share link's data; when set, project and version are not
    bool operator==(const Route& other) const {
        return project == other.project && version == other.version && share == other.share;
    }
};

std::string formatRoute(const Route& route);
// Parses a location hash ("#/p/ab12/v/3", "#/p/ab12", "#/", "#/share/…", ""); empty for anything else.
std::optional<Route> parseRoute(std::string_view hash);

// The look the user chose, kept in the settings by name ("system", "light", "dark"); System
// follows the page's colour scheme.
enum class Theme { System, Light, Dark };
constexpr Theme kThemes[] = {Theme::System, Theme::Light, Theme::Dark};
const char* themeName(Theme theme);
// The theme a stored name means; System for a name Kiln does not know.
Theme parseTheme(std::string_view name);

// What a version changed: the Changes view compares the selected version (target) with an
// earlier one (base; 0 when the target is the first version, compared with nothing).
struct Changes {
    int base = 0;
    int target = 0;
    std::shared_ptr<const diff::Comparison> comparison;  // null until asked for
};

struct OpenProject {
    store::Project project;
    std::vector<store::VersionSummary> versions;  // oldest first
    int selected = 0;                             // the version shown; 0 while there is none
    std::string code;                             // the code shown, with any unsaved edit
    std::string stored_code;                      // the selected version's code as stored
    std::string code_kept;                        // code as last kept (keepCodeEdit) or read
    int64_t code_kept_at = -1;                    // when it was last kept (clock_ms); -1: not yet
    uint64_t preview_revision = 0;                // changes whenever the preview must reload (App::revisions)
    bool network = true;                          // the preview may use the network (preview_guard.h)
    Changes changes;                              // built by compareVersions()
};

struct StorageInfo {
    std::string where;     // where the library is kept, in words ("this browser", "memory only")
    bool durable = false;  // false: nothing outlives the tab
    bool opening = false;  // open() is reading the library
    // What the browser reports (navigator.storage); empty until it answered.
    std::optional<uint64_t> used_bytes;
    std::optional<uint64_t> quota_bytes;
    std::optional<bool> persisted;  // true: the browser will not clear it to make room
};

// A file the user chose to import, already checked (store/library_import.h), waiting for them
// to choose what it does.
struct PendingImport {
    std::string file_name;
    storage::Bytes bytes;
    store::ImportSummary summary;  // what it holds, for the confirmation
};

enum class ImportChoice {
    Add,      // its projects join the library as new projects; nothing already there changes
    Replace,  // it becomes the library (settings and keys stay this browser's); Undo until reload
};

// A prompt that the embedding page asked Kiln to send, waiting for the user's answer
// (embed_api.h).
struct ConsentRequest {
    std::string origin;      // the embedding page's
    std::string text;        // the prompt it sends
    nlohmann::json request;  // its id for the request, echoed in Kiln's answer (null when none)
};

// The page that embeds Kiln, and what its user allowed it (embed_api.h).
struct EmbedState {
    std::string origin;  // the embedding page's origin; "" when there is none
    // Posts a message (JSON text) to the embedding page; set by the platform.
    std::function<void(const std::string& message)> post;
    // Whether Kiln's frame is visible and unobstructed on the embedding page (IntersectionObserver
    // v2); unknown where the browser cannot tell.
    // Set through setEmbedVisible (embed_api.h), which also restarts the consent dialog's arming.
    std::optional<bool> visible;
    std::optional<ConsentRequest> pending;                 // the user is being asked
    int64_t pending_since_ms = 0;                          // app.clock_ms when pending was asked
    int64_t visible_since_ms = 0;                          // app.clock_ms when visible last changed
    std::vector<std::string> always;                       // origins allowed always (settings)
    std::vector<std::string> denied;                       // origins denied, until the page reloads
    std::map<std::string, std::vector<int64_t>> sends_ms;  // recent sends per origin (rate limit)
};

// The storage members are destroyed in reverse order of declaration: the writer (it holds the
// database's listener) first, then the store (its connection), then the database under it.
struct App {
    std::unique_ptr<storage::DurableDatabase> database;
    std::optional<store::Store> store;
    std::unique_ptr<storage::SharedWriter> writer;  // null when no other tab can share the library
    StorageInfo storage;
    std::optional<PendingImport> pending_import;
    std::string notice;  // a passing message (an import done), until dismissed
    // The library as it was before the last Replace, byte for byte: offered back (undoReplace)
    // until the page is reloaded.
    std::optional<storage::Bytes> undo_replace;
    std::vector<store::ProjectSummary> projects;  // the library, most recently updated first
    std::string search;                           // the sidebar's filter
    // What the library's full-text search found for `searched` (store::Store::searchProjects);
    // searched again when the filter or the library changes (search_stale).
    std::string searched;
    std::vector<int64_t> search_hits;
    bool search_stale = true;
    std::optional<OpenProject> open;
    uint64_t revisions = 0;  // the last revision given to what the code panel and preview show
    // Share links (share.h): the platform's codec, the page's URL without its hash (what a link
    // starts with), the Share link dialog, and a shared app shown over the open project.
    ShareCodec* share_codec = nullptr;
    std::string page_url;
    std::optional<ShareLink> share_link;
    uint64_t share_requests = 0;
    std::optional<SharedView> shared;
    std::string prompt;                         // the prompt box; never cleared by a failure
    std::optional<std::string> prompt_owner;    // whose text it holds (syncPrompt); empty until read
    std::string prompt_kept;                    // its text as last kept for, or read from, its owner
    int64_t prompt_kept_at = -1;                // when it was last kept (clock_ms); -1: not yet
    std::optional<store::Project> undo_delete;  // just moved to the trash, offered back
    std::vector<std::string> starter_prompts;
    Theme theme = Theme::System;
    std::string shown_hash;    // the route the URL shows (routeToPush, openHash)
    std::string error;         // the last failure, shown until dismissed or another project opens
    std::string error_detail;  // its technical detail (SQLite's words), behind a Details toggle
    // Called after each version this tab stores (generated, edited by hand, restored, forked, given
    // with a new project), with its project as it is then. The platform tells the embedding page
    // (embed_api.h).
    std::function<void(const store::Project& project, const store::Version& version)> version_saved;

    // Code generation (generation.h). http and clock_ms are set by the platform (fakes in tests).
    HttpClient* http = nullptr;
    OriginOf origin_of;                 // the browser's URL parser (generation.h)
    std::function<int64_t()> clock_ms;  // milliseconds on a monotonic clock
    std::string origin;                 // Kiln's own origin, for messages about CORS
    std::string system_prompt;          // assets/prompts/system.md
    EndpointSettings settings;
    std::vector<std::string> models;  // the endpoint's /models list, once it answered
    ConnectionTest connection_test;
    Generation generation;
    std::optional<Draft> draft;
    int64_t retry_not_before_ms = 0;  // a 429 or 503 asked to wait until then
    EmbedState embed;

    // The live preview's guard (preview_guard.h); the marks are the platform's (a fake in tests).
    PreviewGuard preview;
    PreviewMarks* preview_marks = nullptr;
    PreviewConsole console;         // what the run the preview shows reported (preview_console.h)
    std::optional<FixRequest> fix;  // the last Fix errors (preview_console.h)
    bool auto_fix = false;          // Fix errors goes on by itself (setAutoFix)
    std::string auto_fix_note;      // how the auto-fix goes, or why it stopped; empty when it did not run
    AppDataState app_data;          // what the preview's apps keep (app_data.h)
    SyncState sync;                 // the library synced with a CouchDB-protocol server (sync.h)
};

// ---- Storage ---------------------------------------------------------------------------------

// The database name of the library in the key-value store, and of its lock and channel.
constexpr char kLibraryName[] = "library";

// Opens the library kept in `backend`, under the exclusive lock of `link` (replaying it, then
// migrating it if needed), and keeps coordinating with the other tabs through `link`. Returns at
// once; `opened` is called when the store is ready, in memory (see openInMemory) if storage
// failed, with the reason in the save state. backend and link must outlive app, and app must not
// move from then on (callbacks hold it).
void openStorage(App& app, storage::KvBackend& backend, storage::PeerLink& link, const std::string& where,
                 std::function<void()> opened = {});
// Opens an empty library kept in memory only: everything works, nothing outlives the tab, and the
// save state says `reason`.
void openInMemory(App& app, storage::StorageError reason = {storage::StorageErrorKind::Unavailable, ""});
// While a failure keeps changes in memory, saving is tried again this often (and whenever the
// browser comes back online or the page becomes visible).
constexpr double kSaveRetryMs = 5000;
// Whether saving failed in a way that trying again can mend (not a conflict with another tab).
bool savingWantsRetry(const App& app);
// Tries again to save what a storage failure left in memory (nothing to do otherwise).
void retrySaving(App& app);
// The name an export is downloaded as, from the local date: "kiln-2025-01-31.sqlite".
std::string exportFileName(std::time_t now);
// The name the open version's code is downloaded as: the project's name made safe to save on any
// system (no separators, control or direction characters, device names or leading dots; at most
// 120 bytes, cut between characters), then ".html". "app.html" when nothing is left.
std::string appFileName(const std::string& project_name);
// The name a file of projects (exportProjects) is downloaded as: one project's name made safe as
// appFileName makes it, then ".kiln" ("project.kiln" when nothing is left); several projects,
// "kiln-3-projects-2025-01-31.kiln" from the local date.
std::string projectsFileName(const std::vector<std::string>& names, std::time_t now);
// Says that the browser refused to open the app's tab (a pop-up blocker), and what to do instead.
void reportTabBlocked(App& app);
// The whole library as a SQLite file (sql.js opens it), or nothing with the error set. API keys
// are left out (securely deleted from the copy) unless include_keys.
std::optional<storage::Bytes> exportDatabase(App& app, bool include_keys = false);
// The projects `ids` as a file of their own, named by projectsFileName: a SQLite file like an
// export that holds only them, with their versions, app data and consoles, and no settings
// (store::projectsFile). Nothing, with the error set, when it cannot be made: a library from a
// newer Kiln is refused (export the whole library instead). Importing the file adds its projects
// to a library.
struct ProjectsFile {
    std::string name;
    storage::Bytes bytes;
};
std::optional<ProjectsFile> exportProjects(App& app, const std::vector<int64_t>& ids, std::time_t now);
// Checks a chosen file at once (library_import.h) and, if it passes, keeps it until the user
// chooses what it does (confirmImport) or cancels. A refused file, or a read-only library, sets
// the error (and error_detail) and keeps nothing; nothing is changed either way.
void offerImport(App& app, const std::string& file_name, storage::Bytes bytes);
// Add: the file's projects are added in one transaction, as new projects (names that collide get
// " (2)"). Replace: a new library image is built from the file's content and this library's
// settings, and replaces the library; the previous image is kept for undoReplace. A failure
// leaves the library as it was and says why in the error.
void confirmImport(App& app, ImportChoice choice = ImportChoice::Add);
void cancelImport(App& app);
// A file the user chose or dropped: offered for import (offerImport) when the browser read it;
// else (`bytes` empty) the error says what `problem` the browser had with it.
void receiveImportFile(App& app, const std::string& file_name, std::optional<storage::Bytes> bytes,
                       const std::string& problem);
// Puts back, byte for byte, the library a Replace replaced.
void undoReplace(App& app);
// True when the library is read-only (made by a newer Kiln): then sets the error to say so.
// Every action that writes asks this first.
bool refuseReadOnly(App& app);

// ---- Library ---------------------------------------------------------------------------------

// One starter prompt per non-empty line of `text` (assets/prompts/starters.txt).
void setStarterPrompts(App& app, const std::string& text);
// Chooses the theme and keeps the choice in the settings.
void setTheme(App& app, Theme theme);
// Re-reads the project list from the store.
void refreshProjects(App& app);
// The projects whose name contains the search text (case-insensitive for ASCII letters), or one
// of whose versions holds its words in its prompt or code (Store::searchProjects).
std::vector<const store::ProjectSummary*> visibleProjects(App& app);
// Creates a project named `name` ("Untitled N" when empty) and opens it; with `code`, that code
// is its version 1 ("Started with the code it was given").
void newProject(App& app, const std::string& name = "", const std::string& code = "");
// Creates a project for a starter prompt: named after it, opened, with the prompt in the box.
void startFromPrompt(App& app, const std::string& prompt);

// The prompt box belongs to the open project, or with none open to the start page (where a prompt
// from an embedding page waits until sending makes its project): its text is
// kept in the library's settings, under promptKey, and comes back with its project, also after a
// reload. Opening a project brings its text into the box (loadProject); syncPrompt does the same
// when no project is open any more. The panels keep the text as it is edited.
// What is typed (here, and in the code panel: keepCodeEdit) is kept at most this often.
constexpr int64_t kKeepTypedMs = 1000;
// The settings key of the text typed for a project (its public id; "" for the start page).
std::string promptKey(const std::string& owner);
// Brings the box to the text of what is open now (nothing: the start page), keeping the text it
// had for its owner first.
void syncPrompt(App& app);
// Keeps the box's text for its owner when it changed since it was last kept: at once when `now`,
// else once kKeepTypedMs have passed since then. Nothing with a read-only library. Returns the
// milliseconds until text not kept yet is due (0: nothing waits), for the panel's next frame.
int64_t keepPrompt(App& app, bool now);
void renameProject(App& app, int64_t project_id, const std::string& name);
// Moves a project to the trash and offers to undo it; closes it if it was open.
void deleteProject(App& app, int64_t project_id);
// Takes the last deleted project out of the trash and opens it.
void undoDelete(App& app);

// ---- Project and versions --------------------------------------------------------------------

// Opens a project by public id at a version (0: the latest). Sets the error if there is none.
void openProject(App& app, const std::string& public_id, int version = 0);
void closeProject(App& app);
// Shows another version of the open project; an unsaved edit is kept only if it is saved first.
void selectVersion(App& app, int number);
// Makes a new version from an old one's code ("Restored version N").
void restoreVersion(App& app, int number);
// Starts a new project from a version ("<name> (fork)") and opens it.
void forkVersion(App& app, int number);
// The version `number` is compared with by default: the one it was made from, else the one
// before it (0 for the first version).
int defaultBase(const OpenProject& open, int number);
// Compares the selected version with version `base` (0: defaultBase) into open->changes. Reads
// the base's code once; nothing to do when that comparison is already there.
void compareVersions(App& app, int base = 0);

// ---- Code --------------------------------------------------------------------------------------

bool codeEdited(const App& app);
// Hand edits of a version's code are never dropped without a word: the edit is kept in the
// library's settings under editKey as it is typed, and at once when another version or project
// opens or the project closes; it comes back with its version, also after a reload, until it is
// saved as a new version, discarded, or sent with a follow-up that made a version.
// Version 0: code typed into a project that has no version yet.
std::string editKey(const std::string& public_id, int number);
// Keeps the open version's edit when it changed since it was last kept: at once when `now`, else
// once kKeepTypedMs have passed since then (an edit undone back to the stored code forgets it).
// Nothing with a read-only library. Returns the milliseconds until an edit not kept yet is due
// (0: nothing waits), for the panel's next frame.
int64_t keepCodeEdit(App& app, bool now);
// Saves the edited code as a new version ("Edited by hand") and shows it in the preview; the
// edit is no longer kept.
void saveCodeEdit(App& app);
void discardCodeEdit(App& app);

// ---- Routing and errors ----------------------------------------------------------------------

Route currentRoute(const App& app);
// Opens what a link names: the library, a project, or one of its versions.
void navigate(App& app, const Route& route);
// The URL's hash keeps naming what is open (shown_hash). After a frame: the hash to show as a new
// history entry when what is open changed (a change the user made); nothing while the library is
// still opening (the hash then names what to open) or when the URL already shows it.
std::optional<std::string> routeToPush(App& app);
// Opens what `hash` names (a reload, Back and Forward, a pasted link); returns the hash the URL
// should show instead, without a new history entry, when it differs (a link to what is not here).
// A hash that names nothing of Kiln's sets the error. Nothing while the library is still opening.
std::optional<std::string> openHash(App& app, const std::string& hash);
// Once the library is open: opens what the page's `hash` names (if anything); returns the hash
// the URL should show from then on.
std::string followRoutes(App& app, const std::string& hash);
void dismissError(App& app);
void dismissNotice(App& app);

// ---- Save state --------------------------------------------------------------------------------

struct SaveView {
    // Opening: no library yet; NotSaved: a failure keeps changes in memory (shown as a warning).
    enum class State { Opening, Saved, Saving, Unsaved, NotSaved };
    State state = State::Opening;
    std::string label;   // a few words for the status bar
    std::string detail;  // complete sentences: what happened and what to do; empty when all is well
};

SaveView saveView(const App& app);
// The state's name in stateSnapshot: "opening", "saved", "saving", "unsaved", "not_saved".
const char* saveStateName(SaveView::State state);

// A snapshot of what the user sees, for tests and diagnostics.
nlohmann::json stateSnapshot(const App& app);

}  // namespace kiln::app
