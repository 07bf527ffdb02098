// Kiln: what the user sees and can do, as plain state and actions. No ImGui, no browser: the
// ui/ panels read this state and call these actions; tests drive the same actions natively.
//
// Index
//   Route            the part of the URL after '#': which project and version are open
//   OpenProject      the project being worked on: its versions, the shown code, the preview
//   App              everything the panels show
//   Actions          library, project, version, code and prompt actions
//   stateSnapshot    JSON of what the user sees, for tests
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/store/store.h"

namespace kiln::app {

// "#/p/<public id>/v/<number>"; version 0 means the latest; an empty project means the library.
struct Route {
    std::string project;
    int version = 0;
    bool operator==(const Route& other) const { return project == other.project && version == other.version; }
};

std::string formatRoute(const Route& route);
// Parses a location hash ("#/p/ab12/v/3", "#/p/ab12", "#/", ""); empty for anything else.
std::optional<Route> parseRoute(std::string_view hash);

struct OpenProject {
    store::Project project;
    std::vector<store::VersionSummary> versions;  // oldest first
    int selected = 0;                              // the version shown; 0 while there is none
    std::string code;                              // the code shown, with any unsaved edit
    std::string stored_code;                       // the selected version's code as stored
    uint64_t preview_revision = 0;                 // changes whenever the preview must reload
};


struct App {
    std::optional<store::Store> store;
    std::string storage_label;                    // where projects are kept, in words
    std::vector<store::ProjectSummary> projects;  // the library, most recently updated first
    std::string search;                           // the sidebar's filter
    std::optional<OpenProject> open;
    std::string prompt;  // the prompt box; never cleared by a failure
    std::optional<store::Project> undo_delete;  // just moved to the trash, offered back
    std::vector<std::string> starter_prompts;
    std::string theme = "system";  // "system", "light" or "dark"; kept in the settings
    std::string error;             // the last failure, shown until dismissed
};

// ---- Library ---------------------------------------------------------------------------------

// Opens a new store in memory (nothing is saved yet), ready to use.
void openInMemory(App& app);
// One starter prompt per non-empty line of `text` (assets/prompts/starters.txt).
void setStarterPrompts(App& app, const std::string& text);
// Chooses "system", "light" or "dark" and keeps the choice in the settings.
void setTheme(App& app, const std::string& theme);
// Re-reads the project list from the store.
void refreshProjects(App& app);
// The projects whose name contains the search text (case-insensitive for ASCII letters).
std::vector<const store::ProjectSummary*> visibleProjects(const App& app);
// Creates a project named "Untitled N" and opens it.
void newProject(App& app);
// Creates a project for a starter prompt: named after it, opened, with the prompt in the box.
void startFromPrompt(App& app, const std::string& prompt);
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

// ---- Code --------------------------------------------------------------------------------------

bool codeEdited(const App& app);
// Saves the edited code as a new version ("Edited by hand") and shows it in the preview.
void saveCodeEdit(App& app);
void discardCodeEdit(App& app);

// ---- Routing and errors ----------------------------------------------------------------------

Route currentRoute(const App& app);
// Opens what a link names: the library, a project, or one of its versions.
void navigate(App& app, const Route& route);
void dismissError(App& app);

// A snapshot of what the user sees, for tests and diagnostics.
nlohmann::json stateSnapshot(const App& app);

}  // namespace kiln::app
