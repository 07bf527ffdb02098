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

int64_t itemLength(const std::string& key, const std::string& value) {
    return store::characterCount(key) + store::characterCount(value);
}

// Applies changes to an area kept in memory, under the same cap as the library's; returns how many
// values were refused (store::Store::changeAppData does the same for the library).
size_t applyInMemory(Items& items, const store::AppDataChanges& changes) {
    if (changes.clear) items.clear();
    int64_t length = 0;
    for (const auto& [key, value] : items) length += itemLength(key, value);
    size_t refused = 0;
    for (const auto& [key, value] : changes.items) {
        auto found = items.find(key);
        const int64_t before = found == items.end() ? 0 : itemLength(key, found->second);
        if (!value) {
            if (found != items.end()) items.erase(found);
            length -= before;
            continue;
        }
        const int64_t after = itemLength(key, *value);
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
    ConsoleEntry entry;
    entry.level = ConsoleLevel::Error;
    entry.text = "Kiln did not keep " + std::to_string(refused) + (refused == 1 ? " value" : " values") +
                 " this app saved: a project's app data holds at most 5 MB. Clear some in the App data view.";
    addConsoleEntry(app, std::move(entry));
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
    if (auto list = json.find("changes"); list != json.end() && list->is_array()) {
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
    whenWritable(app, [&app, owner, changes = std::move(changes)] {
        try {
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
            list.length += itemLength(item.key, item.value);
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
            app.store->changeAppData(project_id, local);
            ++app.app_data.changes;
            if (app.open && app.open->project.id == project_id) rerunPreview(app);
        });
    });
}

}  // namespace kiln::app
