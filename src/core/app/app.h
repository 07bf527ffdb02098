// Kiln: what the user sees and can do, as plain state and actions. No ImGui, no browser: the
// ui/ panels read this state and call these actions; tests drive the same actions natively.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "core/store/store.h"

namespace kiln::app {

struct App {
    std::optional<store::Store> store;
    std::string storage_label;                    // where projects are kept, in words
    std::vector<store::ProjectSummary> projects;  // the first page of the library
    std::string error;                            // the last failure, shown until dismissed
};

// Opens a new store in memory (nothing is saved yet), ready to use.
void openInMemory(App& app);
// Re-reads the project list from the store.
void refreshProjects(App& app);
// Creates a project named "Untitled N" and shows it first in the list.
void newProject(App& app);
void dismissError(App& app);

// A snapshot of what the user sees, for tests and diagnostics.
nlohmann::json stateSnapshot(const App& app);

}  // namespace kiln::app
