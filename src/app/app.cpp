#include "app/app.h"

#include "app/app_internal.h"
#include "app/embed_api.h"
#include "app/messages.h"
#include "core/codegen/text.h"
#include "core/codegen/utf8.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <chrono>
#include <cstring>
#include <stdexcept>
#include <string_view>

namespace kiln::app {

using internal::addVersion;
using internal::findVersion;
using internal::forgetCodeEdit;
using internal::guarded;
using internal::loadProject;
using internal::nameFromPrompt;
using internal::whenWritable;

// ---------------------------------------------------------------------------------------------
// Shared helpers (app_internal.h)
// ---------------------------------------------------------------------------------------------

void internal::whenWritable(App& app, std::function<void()> write) {
    if (refuseReadOnly(app)) return;
    // Asked again when the write runs: by then another tab may have replaced the library.
    auto checked = [&app, write = std::move(write)] {
        if (refuseReadOnly(app)) return;
        write();
        syncAfterCommit(app);
    };
    if (app.writer) {
        app.writer->write(std::move(checked));
    } else {
        checked();
    }
}

bool refuseReadOnly(App& app) {
    if (!app.store || !app.store->readOnly()) return false;
    app.error = app.store->schemaStatus().message;
    app.error_detail.clear();
    return true;
}

void internal::loadProject(App& app, const store::Project& project, int number) {
    app.shared.reset();  // a project shown leaves the shared view
    keepCodeEdit(app, true);
    // What went wrong in another project is not this one's: its error leaves with it. (An error
    // from before any project was open, such as storage that cannot be used, stays.)
    if (app.open && app.open->project.id != project.id) {
        app.error.clear();
        app.error_detail.clear();
    }
    OpenProject open;
    open.project = project;
    open.versions = app.store->listVersions(project.id);
    if (number == 0 && !open.versions.empty()) number = open.versions.back().number;
    if (number != 0) {
        std::optional<std::string> code = app.store->getCode(project.id, number);
        if (!code) {
            throw store::StoreError(store::StoreErrorKind::NotFound,
                                    "\"" + project.name + "\" has no version " + std::to_string(number) + ".");
        }
        open.selected = number;
        open.stored_code = *code;
    }
    open.code = app.store->getSetting(editKey(project.public_id, number)).value_or("");
    if (open.code.empty()) open.code = open.stored_code;
    open.code_kept = open.code;
    open.preview_revision = ++app.revisions;
    open.network = app.store->getSetting(previewNetworkKey(project.public_id)).value_or("on") != "off";
    app.open = std::move(open);
    switchPrompt(app, project.public_id);
}

int internal::addVersion(App& app, store::NewVersion version) {
    store::Version stored = app.store->insertVersion(version);
    const store::Project project = *app.store->getProject(version.project_id);
    if (app.open && app.open->project.id == version.project_id) loadProject(app, project, stored.summary.number);
    refreshProjects(app);
    if (app.version_saved) app.version_saved(project, stored);
    return stored.summary.number;
}

const store::VersionSummary* internal::findVersion(const OpenProject& open, int number) {
    for (const store::VersionSummary& version : open.versions) {
        if (version.number == number) return &version;
    }
    return nullptr;
}

uint32_t internal::codePointAt(std::string_view text, size_t pos, int length) {
    if (length == 1) return static_cast<unsigned char>(text[pos]);
    uint32_t c = static_cast<unsigned char>(text[pos]) & (0x7F >> length);
    for (int i = 1; i < length; ++i) c = c << 6 | (static_cast<unsigned char>(text[pos + i]) & 0x3F);
    return c;
}

bool internal::isDirectionControl(uint32_t c) {
    return c == 0x061C || c == 0x200E || c == 0x200F || (c >= 0x202A && c <= 0x202E) || (c >= 0x2066 && c <= 0x2069);
}

std::string internal::nameFromPrompt(const std::string& prompt) {
    // Short enough for a list row or a phone's title; a longer prompt is cut at a word, without
    // the punctuation before it.
    constexpr size_t kMaxName = 40;
    std::string name = prompt.substr(0, prompt.find('\n'));
    if (name.size() > kMaxName) {
        size_t cut = name.rfind(' ', kMaxName);
        name = name.substr(0, cut == std::string::npos ? codegen::utf8CutPoint(name, kMaxName) : cut);
        while (!name.empty() && std::string_view(" ,;:-").find(name.back()) != std::string_view::npos) name.pop_back();
        name += "…";
    }
    if (!name.empty()) name[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(name[0])));
    return name;
}

namespace {

constexpr char kUntitled[] = "Untitled ";

}  // namespace

std::string internal::untitledName(size_t number) {
    return kUntitled + std::to_string(number);
}

bool internal::isUntitledName(const std::string& name) {
    const size_t prefix = std::strlen(kUntitled);
    return name.size() > prefix && name.compare(0, prefix, kUntitled) == 0 &&
           std::all_of(name.begin() + prefix, name.end(), [](char c) { return c >= '0' && c <= '9'; });
}

namespace {

constexpr int kProjectPageSize = 500;

std::string lowerAscii(std::string_view text) {
    std::string lower(text);
    for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return lower;
}

// A version made without a model: a restore, a fork, an edit by hand.
store::NewVersion byHand(int64_t project_id, std::optional<int64_t> parent_id, std::string prompt, std::string code) {
    store::NewVersion version;
    version.project_id = project_id;
    version.parent_id = parent_id;
    version.prompt = std::move(prompt);
    version.code = std::move(code);
    return version;
}

// The id and code of version `number` of the open project; NotFound if it is gone.
std::pair<int64_t, std::string> storedVersion(App& app, int number) {
    const store::VersionSummary* version = findVersion(*app.open, number);
    std::optional<std::string> code = app.store->getCode(app.open->project.id, number);
    if (!version || !code) throw store::StoreError(store::StoreErrorKind::NotFound, "That version no longer exists.");
    return {version->id, *code};
}

// Reads what a library that was just opened or replaced holds: the settings and the projects.
// Says what opening removed that Kiln does not make (schema.h, SchemaStatus::removed).
void loadLibrary(App& app) {
    app.theme = parseTheme(app.store->getSetting("theme").value_or(""));
    app.auto_fix = app.store->getSetting("auto_fix").value_or("off") == "on";
    loadEndpointSettings(app);
    loadEmbedConsent(app);
    loadSyncSettings(app);
    refreshProjects(app);
    const std::vector<std::string>& removed = app.store->schemaStatus().removed;
    if (!removed.empty()) {
        std::string list;
        for (size_t i = 0; i < removed.size(); ++i) {
            list += (i == 0 ? "" : i + 1 == removed.size() ? " and " : ", ") + removed[i];
        }
        app.notice = "Removed " + list + " from the library. Your projects and versions are unchanged.";
    }
}

// Wall-clock milliseconds, for the times of imported rows that have none.
int64_t wallClockMs() {
    using namespace std::chrono;
    return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

// A fresh connection after the library's image was replaced: the store's idea of the schema
// (read-only or not) is the new image's, and nothing shown refers to the old one.
void reconnect(App& app) {
    detachSync(app);
    app.store.reset();
    app.store.emplace(app.database->connect(), store::StoreOptions{});
    app.open.reset();
    app.undo_delete.reset();
    app.app_data = {};  // its runs, lists and Undo name projects of the old image
    app.console = {};   // the run's version is the old image's
    loadLibrary(app);
}

void showFailure(App& app, const std::exception& failure) {
    app.error = failure.what();
    const auto* refused = dynamic_cast<const store::ImportRefused*>(&failure);
    app.error_detail = refused ? refused->detail() : "";
}

}  // namespace

// The settings and the sites allowed always are read again too: a copy kept from before would
// undo, at this tab's next save, a key forgotten or a site revoked there.
void internal::takeInChanges(App& app) {
    refreshProjects(app);
    ++app.app_data.changes;  // another tab's app or App data view may have changed it
    if (app.store) {
        guarded(app, [&] {
            loadEndpointSettings(app);
            loadEmbedConsent(app);
            reloadSyncSettings(app);
        });
    }
    if (!app.store || !app.open) return;
    guarded(app, [&] {
        std::optional<store::Project> project = app.store->getProject(app.open->project.id);
        if (!project || project->deleted_at || project->public_id != app.open->project.public_id) {
            app.open.reset();
            return;
        }
        app.open->project = *project;
        app.open->versions = app.store->listVersions(project->id);
        if (app.open->selected != 0 && !findVersion(*app.open, app.open->selected)) loadProject(app, *project, 0);
    });
}

namespace {

// Tells what replay could not recover, if anything: commits after a damaged record are lost.
void reportRecovery(App& app) {
    const storage::ReplayReport& report = app.database->recovery();
    if (report.stopped_because.empty()) return;
    app.notice = "Kiln restored your projects as of their last complete save; " +
                 std::to_string(report.dropped_keys.size()) + " later change(s) could not be read and were left out (" +
                 report.stopped_because + ").";
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Storage
// ---------------------------------------------------------------------------------------------

void openStorage(App& app, storage::KvBackend& backend, storage::PeerLink& link, const std::string& where,
                 std::function<void()> opened) {
    app.storage.opening = true;
    link.acquire(storage::PeerLink::LockMode::Exclusive, [&app, &backend, &link, where, opened] {
        auto done = [&app, &link, where, opened](std::unique_ptr<storage::DurableDatabase> database,
                                                 std::optional<storage::StorageError> error) {
            app.storage.opening = false;
            if (!error) {
                try {
                    // Still under the lock: the migrations of a new or older library commit here.
                    app.database = std::move(database);
                    app.store.emplace(app.database->connect(), store::StoreOptions{});
                } catch (const std::exception& failure) {
                    app.store.reset();
                    error = storage::StorageError{storage::StorageErrorKind::Failed, failure.what()};
                }
            }
            if (error) {
                link.release();
                openInMemory(app, *error);
                app.error = storageErrorMessage(*error);  // said once in full; the status bar keeps saying it
            } else {
                app.storage.where = where;
                app.storage.durable = true;
                app.writer = std::make_unique<storage::SharedWriter>(*app.database, link, true);
                app.writer->setChangeListener([&app] { internal::takeInChanges(app); });
                guarded(app, [&] { loadLibrary(app); });
                reportRecovery(app);
            }
            if (opened) opened();
        };
        storage::DurableDatabase::open(backend, kLibraryName, done);
    });
}

void openInMemory(App& app, storage::StorageError reason) {
    app.writer.reset();
    app.store.reset();
    app.database = storage::DurableDatabase::openWithoutStorage(std::move(reason));
    app.storage.where = "memory only";
    app.storage.durable = false;
    guarded(app, [&] {
        app.store.emplace(app.database->connect(), store::StoreOptions{});
        loadLibrary(app);
    });
}

bool savingWantsRetry(const App& app) {
    if (!app.database) return false;
    const storage::SaveStatus status = app.database->status();
    return status.error && status.error->kind != storage::StorageErrorKind::Conflict;
}

void retrySaving(App& app) {
    if (savingWantsRetry(app)) app.database->retrySaving();
}

std::string exportFileName(std::time_t now) {
    std::tm local{};
    localtime_r(&now, &local);
    char name[32];
    std::strftime(name, sizeof name, "kiln-%Y-%m-%d.sqlite", &local);
    return name;
}

namespace {

// `project_name` made safe to save on any system (see appFileName), then `extension`; `fallback`
// then `extension` when nothing is left.
std::string safeFileName(const std::string& project_name, const std::string& extension, const std::string& fallback) {
    constexpr size_t kMaxBytes = 120;
    // Characters that separate paths or that Windows refuses, and those that change the direction
    // text is shown in.
    const auto unsafe = [](uint32_t c) {
        return c < 0x20 || c == 0x7F || (c < 0x80 && std::strchr("/\\:*?\"<>|", static_cast<int>(c)) != nullptr) ||
               internal::isDirectionControl(c);
    };
    std::string name;
    for (size_t pos = 0; pos < project_name.size();) {
        const int length = codegen::utf8SequenceLength(project_name, pos);
        // Ill-formed bytes are replaced as unsafe ones are.
        const uint32_t c = length == 0 ? 0xFFFD : internal::codePointAt(project_name, pos, length);
        const size_t taken = length == 0 ? 1 : static_cast<size_t>(length);
        const bool replace = length == 0 || unsafe(c);
        if (name.size() + (replace ? 1 : taken) > kMaxBytes) break;
        if (!replace) {
            name.append(project_name, pos, taken);
        } else if (name.empty() || name.back() != '-') {
            name += '-';
        }
        pos += taken;
    }
    // A leading dot hides the file, a leading dash reads as an option; Windows drops trailing dots
    // and spaces.
    const auto trimmed = [](char c) { return c == ' ' || c == '.' || c == '-'; };
    while (!name.empty() && trimmed(name.back())) name.pop_back();
    name.erase(0, std::find_if_not(name.begin(), name.end(), trimmed) - name.begin());
    if (name.empty()) return fallback + extension;
    // Windows keeps these names for devices, with any extension and in any case.
    std::string stem = name.substr(0, name.find('.'));
    std::transform(stem.begin(), stem.end(), stem.begin(), [](unsigned char c) { return std::toupper(c); });
    const bool device = stem == "CON" || stem == "PRN" || stem == "AUX" || stem == "NUL" ||
                        (stem.size() == 4 && (stem.compare(0, 3, "COM") == 0 || stem.compare(0, 3, "LPT") == 0) &&
                         std::isdigit(static_cast<unsigned char>(stem[3])));
    return name + (device ? "-" + fallback : "") + extension;
}

}  // namespace

std::string appFileName(const std::string& project_name) {
    return safeFileName(project_name, ".html", "app");
}

std::string projectsFileName(const std::vector<std::string>& names, std::time_t now) {
    if (names.size() == 1) return safeFileName(names.front(), ".kiln", "project");
    std::tm local{};
    localtime_r(&now, &local);
    char date[16];
    std::strftime(date, sizeof date, "%Y-%m-%d", &local);
    return "kiln-" + std::to_string(names.size()) + "-projects-" + date + ".kiln";
}

void reportTabBlocked(App& app) {
    app.error = "The browser blocked the app's new tab. Allow pop-ups for this site and try again, or use Download.";
}

std::optional<storage::Bytes> exportDatabase(App& app, bool include_keys) {
    if (!app.database) return std::nullopt;
    try {
        storage::Bytes bytes = app.database->exportBytes();
        return include_keys ? bytes : store::copyWithoutSettings(bytes, secretSettingKeys());
    } catch (const std::exception& error) {
        app.error = std::string("Kiln could not export the library (") + error.what() + "). Try again in a moment.";
        return std::nullopt;
    }
}

std::optional<ProjectsFile> exportProjects(App& app, const std::vector<int64_t>& ids, std::time_t now) {
    if (!app.database || !app.store || ids.empty()) return std::nullopt;
    if (app.store->readOnly()) {
        app.error =
            "This library was made by a newer Kiln, so Kiln cannot tell what to leave out of a file of some "
            "of its projects. Export the whole library (Storage, Export database) instead.";
        return std::nullopt;
    }
    try {
        std::vector<std::string> names;
        for (const int64_t id : ids) {
            const std::optional<store::Project> project = app.store->getProject(id);
            if (!project) throw std::runtime_error("a project is no longer there");
            names.push_back(project->name);
        }
        return ProjectsFile{projectsFileName(names, now),
                            store::projectsFile(app.database->exportBytes(), ids, wallClockMs)};
    } catch (const std::exception& error) {
        app.error = std::string("Kiln could not export the projects (") + error.what() + "). Try again in a moment.";
        return std::nullopt;
    }
}

void offerImport(App& app, const std::string& file_name, storage::Bytes bytes) {
    app.pending_import.reset();
    if (refuseReadOnly(app)) return;
    try {
        // Checked before the user is asked anything: the dialog says what the file holds.
        const store::ImportFile file = store::ImportFile::check(bytes);
        app.pending_import = PendingImport{file_name, std::move(bytes), file.summary()};
    } catch (const std::exception& failure) {
        showFailure(app, failure);
    }
}

void receiveImportFile(App& app, const std::string& file_name, std::optional<storage::Bytes> bytes,
                       const std::string& problem) {
    if (bytes) {
        offerImport(app, file_name, std::move(*bytes));
    } else {
        app.error = "Kiln could not read " + file_name + " (" + problem +
                    "). Nothing was changed; try choosing the file again.";
    }
}

void cancelImport(App& app) {
    app.pending_import.reset();
}

void confirmImport(App& app, ImportChoice choice) {
    if (!app.pending_import) return;
    auto pending = std::make_shared<PendingImport>(std::move(*app.pending_import));
    app.pending_import.reset();
    whenWritable(app, [&app, pending, choice] {
        if (!app.database || !app.store) return;
        try {
            store::ImportFile file = store::ImportFile::check(pending->bytes);
            if (choice == ImportChoice::Add) {
                const int64_t added = file.addTo(app.store->database(), wallClockMs);
                app.error.clear();
                refreshProjects(app);
                app.notice = "Added " + std::to_string(added) + (added == 1 ? " project" : " projects") + " from " +
                             pending->file_name + " to your library.";
                return;
            }
            // Everything that can fail on the file's account happens before the library is touched.
            storage::Bytes previous = app.database->exportBytes();
            const storage::Bytes image = file.buildLibrary(&app.store->database(), wallClockMs);
            app.database->importBytes(image);
            app.undo_replace = std::move(previous);
            app.error.clear();
            reconnect(app);
            // Short: the status bar shows it with Undo after it.
            const store::ImportSummary& holds = file.summary();
            app.notice = "Replaced your library with " + pending->file_name + ": " + std::to_string(holds.projects) +
                         (holds.projects == 1 ? " project." : " projects.");
            syncOffAfterReplace(app);
        } catch (const std::exception& failure) {
            showFailure(app, failure);
        }
    });
}

void undoReplace(App& app) {
    if (!app.undo_replace) return;
    whenWritable(app, [&app] {
        if (!app.database || !app.undo_replace) return;
        try {
            app.database->restoreBytes(*app.undo_replace);
            app.undo_replace.reset();
            reconnect(app);
            app.notice = "Your previous library is back, as it was before the import.";
            syncOffAfterReplace(app);
        } catch (const std::exception& failure) {
            showFailure(app, failure);
        }
    });
}

// ---------------------------------------------------------------------------------------------
// Routes
// ---------------------------------------------------------------------------------------------

std::string formatRoute(const Route& route) {
    if (!route.share.empty()) return std::string(kShareRoute) + route.share;
    if (route.project.empty()) return "#/";
    std::string hash = "#/p/" + route.project;
    if (route.version > 0) hash += "/v/" + std::to_string(route.version);
    return hash;
}

std::optional<Route> parseRoute(std::string_view hash) {
    if (hash.empty() || hash == "#" || hash == "#/") return Route{};
    if (hash.substr(0, kShareRoute.size()) == kShareRoute) {
        Route route;
        route.share = std::string(hash.substr(kShareRoute.size()));
        if (route.share.empty()) return std::nullopt;
        return route;
    }
    constexpr std::string_view kProject = "#/p/";
    if (hash.substr(0, kProject.size()) != kProject) return std::nullopt;
    hash.remove_prefix(kProject.size());
    Route route;
    size_t slash = hash.find('/');
    route.project = std::string(hash.substr(0, slash));
    if (route.project.empty() || !std::all_of(route.project.begin(), route.project.end(),
                                              [](char c) { return std::isxdigit(static_cast<unsigned char>(c)); })) {
        return std::nullopt;
    }
    if (slash == std::string_view::npos) return route;
    std::string_view rest = hash.substr(slash);
    constexpr std::string_view kVersion = "/v/";
    if (rest.substr(0, kVersion.size()) != kVersion) return std::nullopt;
    rest.remove_prefix(kVersion.size());
    auto [end, error] = std::from_chars(rest.data(), rest.data() + rest.size(), route.version);
    if (error != std::errc() || end != rest.data() + rest.size() || route.version < 1) return std::nullopt;
    return route;
}

Route currentRoute(const App& app) {
    if (app.shared) return {"", 0, app.shared->data};
    if (!app.open) return {};
    return {app.open->project.public_id, app.open->selected};
}

void navigate(App& app, const Route& route) {
    if (route == currentRoute(app)) return;
    if (!route.share.empty()) {
        openShared(app, route.share);
        return;
    }
    closeShared(app);
    if (route == currentRoute(app)) return;
    if (route.project.empty()) {
        closeProject(app);
        return;
    }
    openProject(app, route.project, route.version);
}

std::optional<std::string> routeToPush(App& app) {
    if (!app.store) return std::nullopt;
    std::string hash = formatRoute(currentRoute(app));
    if (hash == app.shown_hash) return std::nullopt;
    app.shown_hash = hash;
    return hash;
}

std::optional<std::string> openHash(App& app, const std::string& hash) {
    if (!app.store) return std::nullopt;  // followRoutes reads the hash once the library is open
    std::optional<Route> route = parseRoute(hash);
    if (!route) {
        app.error = "That link does not name a project or version of Kiln: " + hash;
        return std::nullopt;
    }
    navigate(app, *route);
    app.shown_hash = formatRoute(currentRoute(app));
    if (app.shown_hash == hash) return std::nullopt;
    return app.shown_hash;
}

std::string followRoutes(App& app, const std::string& hash) {
    if (!hash.empty()) openHash(app, hash);
    app.shown_hash = formatRoute(currentRoute(app));
    return app.shown_hash;
}

// ---------------------------------------------------------------------------------------------
// Library
// ---------------------------------------------------------------------------------------------

void setStarterPrompts(App& app, const std::string& text) {
    app.starter_prompts.clear();
    size_t start = 0;
    while (start < text.size()) {
        size_t end = text.find('\n', start);
        if (end == std::string::npos) end = text.size();
        std::string line = text.substr(start, end - start);
        while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
        if (!line.empty()) app.starter_prompts.push_back(line);
        start = end + 1;
    }
}

const char* themeName(Theme theme) {
    switch (theme) {
        case Theme::Light:
            return "light";
        case Theme::Dark:
            return "dark";
        case Theme::System:
            break;
    }
    return "system";
}

Theme parseTheme(std::string_view name) {
    for (Theme theme : kThemes) {
        if (name == themeName(theme)) return theme;
    }
    return Theme::System;
}

void setTheme(App& app, Theme theme) {
    app.theme = theme;
    whenWritable(app, [&app, theme] {
        if (app.store && !app.store->readOnly()) {
            guarded(app, [&] { app.store->setSetting("theme", themeName(theme)); });
        }
    });
}

void refreshProjects(App& app) {
    if (!app.store) return;
    guarded(app, [&] { app.projects = app.store->listProjects(kProjectPageSize).items; });
    app.search_stale = true;
}

std::vector<const store::ProjectSummary*> visibleProjects(App& app) {
    const std::string needle = lowerAscii(app.search);
    if (!needle.empty() && app.store && (app.search_stale || app.searched != app.search)) {
        app.search_hits.clear();
        guarded(app, [&] { app.search_hits = app.store->searchProjects(app.search); });
        app.searched = app.search;
        app.search_stale = false;
    }
    std::vector<const store::ProjectSummary*> visible;
    for (const store::ProjectSummary& item : app.projects) {
        if (needle.empty() || lowerAscii(item.project.name).find(needle) != std::string::npos ||
            std::find(app.search_hits.begin(), app.search_hits.end(), item.project.id) != app.search_hits.end()) {
            visible.push_back(&item);
        }
    }
    return visible;
}

void newProject(App& app, const std::string& name, const std::string& code) {
    if (!app.store) return;
    whenWritable(app, [&app, name, code] {
        guarded(app, [&] {
            store::Project project =
                app.store->createProject(name.empty() ? internal::untitledName(app.projects.size() + 1) : name);
            refreshProjects(app);
            loadProject(app, project, 0);
            if (!code.empty()) {
                addVersion(app, byHand(project.id, std::nullopt, "Started with the code it was given", code));
            }
        });
    });
}

std::string promptKey(const std::string& owner) {
    return "prompt:" + owner;
}

void internal::switchPrompt(App& app, const std::string& owner) {
    if (app.prompt_owner == owner) return;
    keepPrompt(app, true);
    app.prompt_owner = owner;
    app.prompt = app.store ? app.store->getSetting(promptKey(owner)).value_or("") : "";
    app.prompt_kept = app.prompt;
}

void syncPrompt(App& app) {
    // The shared view has no prompt box; before the library is open there is no text to read.
    if (app.shared || !app.store) return;
    internal::switchPrompt(app, app.open ? app.open->project.public_id : "");
}

int64_t keepPrompt(App& app, bool now) {
    if (!app.prompt_owner || app.prompt == app.prompt_kept || !app.store || app.store->readOnly()) return 0;
    const int64_t time = app.clock_ms ? app.clock_ms() : 0;
    if (!now && app.prompt_kept_at >= 0 && time - app.prompt_kept_at < kKeepTypedMs) {
        return kKeepTypedMs - (time - app.prompt_kept_at);
    }
    app.prompt_kept = app.prompt;
    app.prompt_kept_at = time;
    whenWritable(app, [&app, key = promptKey(*app.prompt_owner), text = app.prompt] {
        guarded(app, [&] { app.store->setSetting(key, text); });
    });
    return 0;
}

void internal::clearSentPrompt(App& app, int64_t project_id, const std::string& instruction) {
    const std::optional<store::Project> project = app.store ? app.store->getProject(project_id) : std::nullopt;
    if (!project) return;
    if (app.prompt_owner == project->public_id) {
        if (codegen::trim(app.prompt) == instruction) app.prompt.clear();  // unless a new one is typed
        keepPrompt(app, true);
        return;
    }
    // Typed for a project not shown now: its kept text, the same way.
    const std::string key = promptKey(project->public_id);
    if (codegen::trim(app.store->getSetting(key).value_or("")) != instruction) return;
    whenWritable(app, [&app, key] { guarded(app, [&] { app.store->setSetting(key, ""); }); });
}

void startFromPrompt(App& app, const std::string& prompt) {
    if (!app.store) return;
    whenWritable(app, [&app, prompt] {
        guarded(app, [&] {
            store::Project project = app.store->createProject(nameFromPrompt(prompt));
            refreshProjects(app);
            loadProject(app, project, 0);
            app.prompt = prompt;
        });
    });
}

void renameProject(App& app, int64_t project_id, const std::string& name) {
    whenWritable(app, [&app, project_id, name] {
        guarded(app, [&] {
            app.store->renameProject(project_id, name);
            if (app.open && app.open->project.id == project_id) app.open->project = *app.store->getProject(project_id);
            refreshProjects(app);
        });
    });
}

void deleteProject(App& app, int64_t project_id) {
    whenWritable(app, [&app, project_id] {
        guarded(app, [&] {
            std::optional<store::Project> project = app.store->getProject(project_id);
            app.store->deleteProject(project_id);
            app.undo_delete = project;
            if (app.open && app.open->project.id == project_id) closeProject(app);
            refreshProjects(app);
        });
    });
}

void undoDelete(App& app) {
    if (!app.undo_delete) return;
    store::Project project = *app.undo_delete;
    app.undo_delete.reset();
    whenWritable(app, [&app, project] {
        guarded(app, [&] {
            app.store->restoreProject(project.id);
            refreshProjects(app);
            loadProject(app, *app.store->getProject(project.id), 0);
        });
    });
}

// ---------------------------------------------------------------------------------------------
// Project and versions
// ---------------------------------------------------------------------------------------------

void openProject(App& app, const std::string& public_id, int version) {
    if (!app.store) return;
    guarded(app, [&] {
        std::optional<store::Project> project = app.store->getProjectByPublicId(public_id);
        if (!project || project->deleted_at) {
            throw store::StoreError(store::StoreErrorKind::NotFound,
                                    "That link names a project that is not in this library (it may have been deleted, "
                                    "or made in another browser).");
        }
        loadProject(app, *project, version);
    });
}

void closeProject(App& app) {
    app.shared.reset();
    keepCodeEdit(app, true);
    app.open.reset();
}

void selectVersion(App& app, int number) {
    if (!app.open || app.open->selected == number) return;
    guarded(app, [&] { loadProject(app, app.open->project, number); });
}

int defaultBase(const OpenProject& open, int number) {
    int before = 0;
    for (const store::VersionSummary& version : open.versions) {
        if (version.number < number) before = version.number;
        if (version.number != number || !version.parent_id) continue;
        for (const store::VersionSummary& parent : open.versions) {
            if (parent.id == *version.parent_id && parent.number < number) return parent.number;
        }
    }
    return before;
}

void compareVersions(App& app, int base) {
    if (!app.open || app.open->selected == 0) return;
    OpenProject& open = *app.open;
    if (base == 0) base = defaultBase(open, open.selected);
    if (open.changes.comparison && open.changes.base == base && open.changes.target == open.selected) return;
    guarded(app, [&] {
        std::string before;
        if (base != 0) before = storedVersion(app, base).second;
        open.changes = {base, open.selected, std::make_shared<diff::Comparison>(std::move(before), open.stored_code)};
    });
}

void restoreVersion(App& app, int number) {
    whenWritable(app, [&app, number] {
        if (!app.open) return;
        guarded(app, [&] {
            auto [version_id, code] = storedVersion(app, number);
            addVersion(app,
                       byHand(app.open->project.id, version_id, "Restored version " + std::to_string(number), code));
        });
    });
}

void forkVersion(App& app, int number) {
    whenWritable(app, [&app, number] {
        if (!app.open) return;
        guarded(app, [&] {
            auto [version_id, code] = storedVersion(app, number);
            const std::string source = app.open->project.name;
            store::Project fork = app.store->createProject(source.size() > 190 ? "Fork" : source + " (fork)");
            loadProject(app, fork, 0);
            addVersion(app, byHand(fork.id, version_id, "Forked from " + source + ", version " + std::to_string(number),
                                   code));
        });
    });
}

// ---------------------------------------------------------------------------------------------
// Code
// ---------------------------------------------------------------------------------------------

bool codeEdited(const App& app) {
    return app.open && app.open->code != app.open->stored_code;
}

std::string editKey(const std::string& public_id, int number) {
    return "edit:" + public_id + ":" + std::to_string(number);
}

int64_t keepCodeEdit(App& app, bool now) {
    if (!app.open || !app.store || app.store->readOnly()) return 0;
    OpenProject& open = *app.open;
    if (open.code == open.code_kept) return 0;
    const int64_t time = app.clock_ms ? app.clock_ms() : 0;
    if (!now && open.code_kept_at >= 0 && time - open.code_kept_at < kKeepTypedMs) {
        return kKeepTypedMs - (time - open.code_kept_at);
    }
    open.code_kept = open.code;
    open.code_kept_at = time;
    // An edit undone back to the stored code is no edit: its key is emptied.
    whenWritable(app, [&app, key = editKey(open.project.public_id, open.selected),
                       edit = codeEdited(app) ? open.code : std::string()] {
        guarded(app, [&] { app.store->setSetting(key, edit); });
    });
    return 0;
}

void internal::forgetCodeEdit(App& app, int64_t project_id, int number, const std::string& edit) {
    whenWritable(app, [&app, project_id, number, edit] {
        guarded(app, [&] {
            const std::optional<store::Project> project = app.store->getProject(project_id);
            if (!project) return;
            const std::string key = editKey(project->public_id, number);
            if (app.store->getSetting(key) == edit) app.store->setSetting(key, "");
        });
    });
}

void saveCodeEdit(App& app) {
    whenWritable(app, [&app] {
        if (!codeEdited(app)) return;
        guarded(app, [&] {
            const OpenProject& open = *app.open;
            const store::VersionSummary* parent = findVersion(open, open.selected);
            const int64_t project_id = open.project.id;
            const int number = open.selected;
            const std::string edit = open.code;
            addVersion(app, byHand(project_id, parent ? std::optional<int64_t>(parent->id) : std::nullopt,
                                   "Edited by hand", edit));
            forgetCodeEdit(app, project_id, number, edit);
        });
    });
}

void discardCodeEdit(App& app) {
    if (!app.open) return;
    app.open->code = app.open->stored_code;
    keepCodeEdit(app, true);
}

void dismissError(App& app) {
    app.error.clear();
    app.error_detail.clear();
}

void dismissNotice(App& app) {
    app.notice.clear();
}

// ---------------------------------------------------------------------------------------------
// Save state
// ---------------------------------------------------------------------------------------------

namespace {

std::string notSavedLabel(storage::StorageErrorKind kind) {
    switch (kind) {
        case storage::StorageErrorKind::QuotaExceeded:
            return "Not saved: storage is full";
        case storage::StorageErrorKind::Unavailable:
            return "Not saved: no storage here";
        case storage::StorageErrorKind::Conflict:
            return "Not saved: another tab saved first";
        case storage::StorageErrorKind::Damaged:
            return "Not saved: stored data is damaged";
        case storage::StorageErrorKind::Failed:
            break;
    }
    return "Not saved: saving failed";
}

}  // namespace

SaveView saveView(const App& app) {
    using State = SaveView::State;
    if (!app.database) return {State::Opening, app.storage.opening ? "Opening your projects…" : "Not open", ""};
    const storage::SaveStatus status = app.database->status();
    SaveView view;
    view.detail = status.error ? storageErrorMessage(*status.error) : "";
    switch (status.state) {
        case storage::SaveState::Saved:
            view = {State::Saved, "Saved", view.detail};
            break;
        case storage::SaveState::Saving:
            view = {State::Saving, "Saving…", ""};
            break;
        case storage::SaveState::Unsaved:
            view = {State::Unsaved, "Unsaved changes", ""};
            break;
        case storage::SaveState::NotSaved:
            view = {State::NotSaved, notSavedLabel(status.error->kind), view.detail};
            break;
    }
    if (app.writer && app.writer->waitingWrites() > 0 &&
        app.writer->lockState() == storage::SharedWriter::LockState::WaitingExclusive) {
        view.label = "Waiting for another Kiln tab to finish saving…";
    }
    return view;
}

const char* saveStateName(SaveView::State state) {
    switch (state) {
        case SaveView::State::Saved:
            return "saved";
        case SaveView::State::Saving:
            return "saving";
        case SaveView::State::Unsaved:
            return "unsaved";
        case SaveView::State::NotSaved:
            return "not_saved";
        case SaveView::State::Opening:
            break;
    }
    return "opening";
}

// ---------------------------------------------------------------------------------------------
// Snapshot
// ---------------------------------------------------------------------------------------------

namespace {

// The console's counts and its last entries (all of them would make every snapshot large).
nlohmann::json consoleSnapshot(const PreviewConsole& console) {
    constexpr size_t kShown = 20;
    nlohmann::json last = nlohmann::json::array();
    for (size_t i = console.entries.size() > kShown ? console.entries.size() - kShown : 0; i < console.entries.size();
         ++i) {
        const ConsoleEntry& entry = console.entries[i];
        last.push_back({{"level", consoleLevelName(entry.level)},
                        {"text", entry.text},
                        {"line", entry.line},
                        {"column", entry.column}});
    }
    return {{"count", console.entries.size()},
            {"errors", console.errors},
            {"dropped", console.dropped},
            {"blank", console.blank},
            {"blank_message", blankAppMessage(console)},
            {"last_run", console.last_run},
            {"last", last}};
}

// What the last Fix errors asked, and once its version shows, which errors it still reports.
nlohmann::json fixSnapshot(const App& app) {
    if (!app.fix) return nullptr;
    nlohmann::json fix = {{"errors", app.fix->errors},
                          {"round", app.fix->round},
                          {"auto_fix", app.auto_fix},
                          {"auto_fix_note", app.auto_fix_note},
                          {"report", nullptr}};
    if (const std::optional<FixReport> report = fixReport(app)) {
        fix["report"] = {{"asked", report->asked},
                         {"still", report->still},
                         {"loaded", report->loaded},
                         {"message", fixReportMessage(*report)}};
    }
    return fix;
}

}  // namespace

nlohmann::json stateSnapshot(const App& app) {
    nlohmann::json projects = nlohmann::json::array();
    for (const store::ProjectSummary& item : app.projects) {
        projects.push_back({{"id", item.project.public_id},
                            {"name", item.project.name},
                            {"versions", item.version_count},
                            {"updated_at", item.project.updated_at}});
    }
    nlohmann::json open = nullptr;
    if (app.open) {
        nlohmann::json versions = nlohmann::json::array();
        for (const store::VersionSummary& version : app.open->versions) {
            versions.push_back({{"number", version.number},
                                {"prompt", version.prompt},
                                {"model", version.model},
                                {"made_elsewhere", version.made_elsewhere},
                                {"console_errors", version.console_errors ? nlohmann::json(*version.console_errors)
                                                                          : nlohmann::json(nullptr)}});
        }
        open = {{"id", app.open->project.public_id},
                {"name", app.open->project.name},
                {"version", app.open->selected},
                {"versions", versions},
                {"code_bytes", app.open->code.size()},
                {"code_edited", codeEdited(app)},
                {"preview_revision", app.open->preview_revision},
                {"network", app.open->network}};
        if (const auto& comparison = app.open->changes.comparison) {
            open["changes"] = {{"base", app.open->changes.base},
                               {"target", app.open->changes.target},
                               {"added", comparison->diff().added},
                               {"removed", comparison->diff().removed}};
        }
    }
    const store::SchemaStatus* status = app.store ? &app.store->schemaStatus() : nullptr;
    const SaveView save = saveView(app);
    nlohmann::json storage_json = {
        {"where", app.storage.where},
        {"durable", app.storage.durable},
        {"status", save.label},
        {"message", save.detail},
        {"used_bytes", app.storage.used_bytes ? nlohmann::json(*app.storage.used_bytes) : nullptr},
        {"quota_bytes", app.storage.quota_bytes ? nlohmann::json(*app.storage.quota_bytes) : nullptr},
        {"persisted", app.storage.persisted ? nlohmann::json(*app.storage.persisted) : nullptr},
    };
    if (app.database) {
        const storage::SaveStatus saved = app.database->status();
        storage_json["committed"] = saved.committed;
        storage_json["saved_through"] = saved.saved;
        storage_json["compacting"] = saved.compacting;
        storage_json["stored_log_bytes"] = app.database->storedLogBytes();
        storage_json["recovery"] = app.database->recovery().stopped_because;
    }
    if (app.writer) {
        static const char* kLocks[] = {"none", "waiting_shared", "shared", "waiting_exclusive", "exclusive"};
        storage_json["lock"] = kLocks[static_cast<int>(app.writer->lockState())];
        storage_json["waiting_writes"] = app.writer->waitingWrites();
    }
    nlohmann::json snapshot = {
        {"ready", app.store.has_value()},
        {"sqlite_version", store::Database::libraryVersion()},
        {"schema_version", status ? status->schema_version : 0},
        {"read_only", status ? status->read_only : false},
        {"saved", saveStateName(save.state)},
        {"storage", storage_json},
        {"pending_import", app.pending_import ? nlohmann::json(app.pending_import->file_name) : nullptr},
        {"pending_import_holds",
         app.pending_import ? nlohmann::json(store::describeImport(app.pending_import->summary)) : nullptr},
        {"undo_replace", app.undo_replace.has_value()},
        {"error_detail", app.error_detail},
        {"notice", app.notice},
        {"projects", projects},
        {"search", app.search},
        {"open", open},
        {"preview",
         {{"state", previewRunName(app.preview.state)}, {"key", app.preview.key}, {"serial", app.preview.serial}}},
        {"console", consoleSnapshot(app.console)},
        {"fix", fixSnapshot(app)},
        {"route", formatRoute(currentRoute(app))},
        {"prompt", app.prompt},
        {"theme", themeName(app.theme)},
        {"starter_prompts", app.starter_prompts},
        {"undo_delete", app.undo_delete ? nlohmann::json(app.undo_delete->name) : nlohmann::json(nullptr)},
        {"errors", app.error.empty() ? nlohmann::json::array() : nlohmann::json::array({app.error})},
    };
    nlohmann::json pending = nullptr;
    if (app.embed.pending) pending = {{"origin", app.embed.pending->origin}, {"text", app.embed.pending->text}};
    snapshot["embed"] = {{"origin", app.embed.origin},
                         {"visible", app.embed.visible ? nlohmann::json(*app.embed.visible) : nlohmann::json(nullptr)},
                         {"pending", pending},
                         {"can_allow", consentCanAllow(app)},
                         {"always", app.embed.always},
                         {"denied", app.embed.denied}};
    snapshot["share_link"] = nullptr;
    if (app.share_link) {
        snapshot["share_link"] = {{"project", app.share_link->project},
                                  {"version", app.share_link->version},
                                  {"link", app.share_link->link},
                                  {"problem", app.share_link->problem},
                                  {"edited", app.share_link->edited}};
    }
    snapshot["shared"] = nullptr;
    if (app.shared) {
        static const char* kPhases[] = {"opening", "ready", "refused"};
        const SharedView& view = *app.shared;
        snapshot["shared"] = {{"phase", kPhases[static_cast<int>(view.phase)]},
                              {"problem", view.problem},
                              {"name", view.app.name},
                              {"prompt", view.app.prompt},
                              {"model", view.app.model},
                              {"code_bytes", view.app.code.size()},
                              {"network", view.network}};
    }
    snapshot["sync"] = syncSnapshot(app);
    snapshot.update(generationSnapshot(app));
    return snapshot;
}

}  // namespace kiln::app
