#include "app/app_data.h"

#include <nlohmann/json.hpp>

#include <algorithm>

#include "app/app.h"
#include "app/app_internal.h"

namespace kiln::app {

using internal::whenWritable;

namespace {

using Items = std::map<std::string, std::string>;

std::string memoryKey(AppDataArea area, const std::string& owner) {
    return std::string(appDataAreaName(area)) + ":" + owner;
}

// Applies changes to an area kept in memory as store::Store::changeAppData does to the library:
// removals first, then values under the same cap. Returns how many values were refused.
size_t applyInMemory(Items& items, const store::AppDataChanges& changes) {
    if (changes.clear) items.clear();
    for (const auto& [key, value] : changes.items) {
        if (!value) items.erase(key);
    }
    int64_t length = 0;
    for (const auto& [key, value] : items) length += store::appDataChars(key, value);
    size_t refused = 0;
    for (const auto& [key, value] : changes.items) {
        if (!value) continue;
        auto found = items.find(key);
        const int64_t before = found == items.end() ? 0 : store::appDataChars(key, found->second);
        const int64_t after = store::appDataChars(key, *value);
        if (length - before + after > store::kAppDataMaxLength) {
            ++refused;
            continue;
        }
        items[key] = *value;
        length += after - before;
    }
    return refused;
}

// Says in the console of the run that sent them that values were not kept (only while that run is
// the one shown: the console is the shown run's).
void reportRefused(App& app, uint64_t serial, size_t refused) {
    if (refused == 0 || serial != app.preview.serial) return;
    // A warning, not an error: Kiln's word, not the app's (Fix errors sends errors only).
    ConsoleEntry entry;
    entry.level = ConsoleLevel::Warn;
    entry.text = "Kiln did not keep " + std::to_string(refused) + (refused == 1 ? " value" : " values") +
                 " this app saved: a project's app data holds at most 5 MB. Clear some in the App data view.";
    addConsoleEntry(app, std::move(entry));
}

// The runs of a project no longer write: what the App data view changed is what stays, whatever an
// app still running out of sight saves after it.
void forgetRuns(App& app, int64_t project_id) {
    std::deque<AppDataRun>& runs = app.app_data.runs;
    runs.erase(
        std::remove_if(runs.begin(), runs.end(), [&](const AppDataRun& run) { return run.project_id == project_id; }),
        runs.end());
}

// The preview runs again, so that the app sees its data as the view left it.
void rerunPreview(App& app) {
    if (app.open) app.open->preview_revision = ++app.revisions;
}

nlohmann::json pairs(const Items& items) {
    nlohmann::json list = nlohmann::json::array();
    for (const auto& [key, value] : items) list.push_back({key, value});
    return list;
}

// The project `run` writes to, if it is still the one it ran for: a library replaced since
// (by an import here or in another tab) may give its id to another project.
bool stillItsProject(App& app, const AppDataRun& run) {
    const std::optional<store::Project> project = app.store->getProjectByPublicId(run.owner);
    return project && project->id == run.project_id;
}

// Whose data the preview's app uses: the shared app's, else the open project's.
AppDataRun ownerOfPreview(const App& app) {
    AppDataRun run;
    if (app.shared) {
        run.owner = app.shared->key;
    } else if (app.open) {
        run.project_id = app.open->project.id;
        run.owner = app.open->project.public_id;
    }
    return run;
}

}  // namespace

const char* appDataAreaName(AppDataArea area) {
    return area == AppDataArea::Session ? "session" : "local";
}

std::string previewAppData(App& app) {
    const AppDataRun run = ownerOfPreview(app);
    AppDataState& state = app.app_data;
    nlohmann::json local = nlohmann::json::array();
    if (run.project_id != 0 && app.store) {
        internal::guarded(app, [&] {
            for (const store::AppDataItem& item : app.store->getAppData(run.project_id)) {
                local.push_back({item.key, item.value});
            }
        });
    } else {
        local = pairs(state.memory[memoryKey(AppDataArea::Local, run.owner)]);
    }
    const nlohmann::json data = {{"local", local},
                                 {"session", pairs(state.memory[memoryKey(AppDataArea::Session, run.owner)])}};
    return data.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

void startAppDataRun(App& app) {
    AppDataState& state = app.app_data;
    AppDataRun run = ownerOfPreview(app);
    run.serial = app.preview.serial;
    state.run_data = previewAppData(app);
    state.read_only_said = false;
    state.runs.push_back(std::move(run));
    while (state.runs.size() > kAppDataRuns) state.runs.pop_front();
}

bool receiveAppData(App& app, std::string_view batch) {
    const nlohmann::json json = nlohmann::json::parse(batch, nullptr, false);
    if (!json.is_object()) return false;
    AppDataState& state = app.app_data;
    const auto serial = json.find("run");
    if (serial == json.end() || !serial->is_number_unsigned()) return false;
    const auto run = std::find_if(state.runs.begin(), state.runs.end(),
                                  [&](const AppDataRun& r) { return r.serial == serial->get<uint64_t>(); });
    if (run == state.runs.end()) return false;
    const auto area_name = json.find("area");
    if (area_name == json.end() || !area_name->is_string()) return false;
    AppDataArea area = AppDataArea::Local;
    if (*area_name == "session") {
        area = AppDataArea::Session;
    } else if (*area_name != "local") {
        return false;
    }
    store::AppDataChanges changes;
    if (auto clear = json.find("clear"); clear != json.end() && clear->is_boolean()) changes.clear = clear->get<bool>();
    if (auto list = json.find("changes");
        list != json.end() && list->is_array() && list->size() <= kAppDataMaxChanges) {
        for (const nlohmann::json& change : *list) {
            if (!change.is_array() || change.size() != 2 || !change[0].is_string()) continue;
            if (change[1].is_string()) {
                changes.items.emplace_back(change[0].get<std::string>(), change[1].get<std::string>());
            } else if (change[1].is_null()) {
                changes.items.emplace_back(change[0].get<std::string>(), std::nullopt);
            }
        }
    }
    if (!changes.clear && changes.items.empty()) return false;
    const AppDataRun owner = *run;
    if (area == AppDataArea::Session || owner.project_id == 0) {
        reportRefused(app, owner.serial, applyInMemory(state.memory[memoryKey(area, owner.owner)], changes));
        ++state.changes;
        return true;
    }
    if (app.store && app.store->readOnly()) {
        // Said once a run in its console, not as an error banner at each of its saves.
        if (!state.read_only_said && owner.serial == app.preview.serial) {
            addConsoleEntry(app, {ConsoleLevel::Warn,
                                  "Kiln keeps none of what this app saves: the library was made by a newer Kiln and is "
                                  "open read-only.",
                                  0, 0});
            state.read_only_said = true;
            return true;
        }
        return false;
    }
    whenWritable(app, [&app, owner, changes = std::move(changes)] {
        try {
            if (!stillItsProject(app, owner)) return;
            reportRefused(app, owner.serial, app.store->changeAppData(owner.project_id, changes));
            ++app.app_data.changes;
        } catch (const store::StoreError& error) {
            // A project moved to the trash while its app still ran keeps the data it had.
            if (error.kind() != store::StoreErrorKind::NotFound) app.error = error.what();
        } catch (const std::exception& error) {
            app.error = error.what();
        }
    });
    return true;
}

const AppDataList& appDataList(App& app) {
    AppDataState& state = app.app_data;
    AppDataList& list = state.list;
    const int64_t project_id = app.open && !app.shared ? app.open->project.id : 0;
    if (list.project_id == project_id && list.changes == state.changes) return list;
    list = {};
    list.project_id = project_id;
    list.changes = state.changes;
    if (project_id == 0 || !app.store) return list;
    internal::guarded(app, [&] {
        for (store::AppDataItem& item : app.store->getAppData(project_id)) {
            list.length += store::appDataChars(item.key, item.value);
            list.items.push_back({AppDataArea::Local, std::move(item.key), std::move(item.value)});
        }
    });
    for (const auto& [key, value] : state.memory[memoryKey(AppDataArea::Session, app.open->project.public_id)]) {
        list.items.push_back({AppDataArea::Session, key, value});
    }
    return list;
}

void removeAppDataItem(App& app, AppDataArea area, const std::string& key) {
    if (!app.open || app.shared) return;
    const int64_t project_id = app.open->project.id;
    const std::string owner = app.open->project.public_id;
    whenWritable(app, [&app, project_id, owner, area, key] {
        internal::guarded(app, [&] {
            if (area == AppDataArea::Local) {
                app.store->changeAppData(project_id, {false, {{key, std::nullopt}}});
            } else {
                app.app_data.memory[memoryKey(area, owner)].erase(key);
            }
            forgetRuns(app, project_id);
            ++app.app_data.changes;
            if (app.open && app.open->project.id == project_id) rerunPreview(app);
        });
    });
}

void clearAppData(App& app) {
    if (!app.open || app.shared) return;
    const int64_t project_id = app.open->project.id;
    const std::string owner = app.open->project.public_id;
    whenWritable(app, [&app, project_id, owner] {
        internal::guarded(app, [&] {
            std::vector<AppDataItem> removed;
            for (store::AppDataItem& item : app.store->getAppData(project_id)) {
                removed.push_back({AppDataArea::Local, std::move(item.key), std::move(item.value)});
            }
            Items& session = app.app_data.memory[memoryKey(AppDataArea::Session, owner)];
            for (const auto& [key, value] : session) removed.push_back({AppDataArea::Session, key, value});
            app.store->changeAppData(project_id, {true, {}});
            session.clear();
            app.app_data.undo_clear = std::move(removed);
            app.app_data.undo_project_id = project_id;
            forgetRuns(app, project_id);
            ++app.app_data.changes;
            if (app.open && app.open->project.id == project_id) rerunPreview(app);
        });
    });
}

void undoClearAppData(App& app) {
    AppDataState& state = app.app_data;
    if (!state.undo_clear || !app.open || app.shared || app.open->project.id != state.undo_project_id) return;
    const std::vector<AppDataItem> items = std::move(*state.undo_clear);
    state.undo_clear.reset();
    const int64_t project_id = app.open->project.id;
    const std::string owner = app.open->project.public_id;
    whenWritable(app, [&app, project_id, owner, items] {
        internal::guarded(app, [&] {
            store::AppDataChanges local;
            for (const AppDataItem& item : items) {
                if (item.area == AppDataArea::Local) {
                    local.items.emplace_back(item.key, item.value);
                } else {
                    app.app_data.memory[memoryKey(AppDataArea::Session, owner)][item.key] = item.value;
                }
            }
            if (const size_t refused = app.store->changeAppData(project_id, local)) {
                app.error = "Undo could not put back " + std::to_string(refused) +
                            (refused == 1 ? " value" : " values") +
                            ": the app saved new data since, and together they are past the 5 MB a project keeps.";
            }
            forgetRuns(app, project_id);
            ++app.app_data.changes;
            if (app.open && app.open->project.id == project_id) rerunPreview(app);
        });
    });
}

}  // namespace kiln::app
