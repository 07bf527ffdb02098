#include "core/app/app.h"

namespace kiln::app {

namespace {

constexpr int kProjectPageSize = 100;

// Runs a store action; a failure becomes the visible error instead of escaping to the loop.
template <typename Action>
void guarded(App& app, Action action) {
    try {
        action();
    } catch (const std::exception& error) {
        app.error = error.what();
    }
}

}  // namespace

void openInMemory(App& app) {
    guarded(app, [&] {
        app.store = store::Store::openInMemory();
        app.storage_label = "In memory: nothing is saved when this tab closes";
        refreshProjects(app);
    });
}

void refreshProjects(App& app) {
    if (!app.store) return;
    guarded(app, [&] { app.projects = app.store->listProjects(kProjectPageSize).items; });
}

void newProject(App& app) {
    if (!app.store) return;
    guarded(app, [&] {
        app.store->createProject("Untitled " + std::to_string(app.projects.size() + 1));
        refreshProjects(app);
    });
}

void dismissError(App& app) { app.error.clear(); }

nlohmann::json stateSnapshot(const App& app) {
    nlohmann::json projects = nlohmann::json::array();
    for (const store::ProjectSummary& item : app.projects) {
        projects.push_back({{"id", item.project.public_id},
                            {"name", item.project.name},
                            {"versions", item.version_count},
                            {"updated_at", item.project.updated_at}});
    }
    const store::SchemaStatus* status = app.store ? &app.store->schemaStatus() : nullptr;
    return {
        {"ready", app.store.has_value()},
        {"sqlite_version", store::Database::libraryVersion()},
        {"schema_version", status ? status->schema_version : 0},
        {"read_only", status ? status->read_only : false},
        {"storage", app.storage_label},
        {"projects", projects},
        {"errors", app.error.empty() ? nlohmann::json::array() : nlohmann::json::array({app.error})},
    };
}

}  // namespace kiln::app
