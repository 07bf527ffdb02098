// Kiln: projects, their numbered versions, and settings, stored in SQLite.
//
// Index
//   Value types      Project, GenerationStats, NewVersion, Version, VersionSummary, ProjectSummary,
//                    AppDataChanges, AppDataItem
//   Store            opens a database (migrating it), then the queries users of Kiln know by name
//   storeQueries()   every SQL statement the store runs, by name (kept as a fixture per release)
//   copyWithoutSettings()  a database file's bytes, less some settings (an export without keys)
//
// Every query throws StoreError for what the user can act on (not found, read-only, bad name)
// and SqliteError for anything else SQLite reports (I/O error, full disk, corruption).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/store/schema.h"
#include "core/store/sqlite.h"

namespace kiln::store {

struct Project {
    int64_t id = 0;
    std::string public_id;  // stable, for links (#/p/<public_id>)
    std::string name;
    int64_t created_at = 0;  // milliseconds since 1970, UTC
    int64_t updated_at = 0;
    std::optional<int64_t> deleted_at;  // set while the project is in the trash
};

// How a version was generated. Empty for versions made by hand (manual edits, restores).
struct GenerationStats {
    std::optional<int64_t> ttft_ms;  // time to first token
    std::optional<int64_t> duration_ms;
    std::optional<int64_t> prompt_tokens;
    std::optional<int64_t> completion_tokens;
    std::string finish_reason;  // "stop", "length", ... or empty
};

struct NewVersion {
    int64_t project_id = 0;
    std::optional<int64_t> parent_id;  // the version it was made from (any project, for forks)
    std::string prompt;
    std::string code;
    std::string model;
    std::string endpoint_label;
    GenerationStats stats;
};

// A version without its code, for timelines.
struct VersionSummary {
    int64_t id = 0;
    int64_t project_id = 0;
    int number = 0;
    std::optional<int64_t> parent_id;
    std::string prompt;
    std::string model;
    std::string endpoint_label;
    int64_t created_at = 0;
    GenerationStats stats;
    int64_t code_bytes = 0;
    // The errors its last run in the preview reported (version_console); empty when none was kept.
    // Only listVersions fills it.
    std::optional<int64_t> console_errors;
    // It came by sync from another library (version_origins); only listVersions fills it.
    bool made_elsewhere = false;
};

struct Version {
    VersionSummary summary;
    std::string code;
};

struct ProjectSummary {
    Project project;
    int version_count = 0;                 // the latest version's number (numbers have no gaps)
    std::optional<VersionSummary> latest;  // without stats; empty for a project with no version yet
};

// Where the next page of listProjects starts: the last item of the previous page.
struct ProjectCursor {
    int64_t updated_at = 0;
    int64_t id = 0;
};

struct ProjectPage {
    std::vector<ProjectSummary> items;
    std::optional<ProjectCursor> next;  // empty on the last page
};

// What an app in the preview changed in its localStorage (src/app/app_data.h), in order.
struct AppDataChanges {
    bool clear = false;  // everything the project kept is removed first
    std::vector<std::pair<std::string, std::optional<std::string>>> items;  // key, value (none: removed)
};

struct AppDataItem {
    std::string key;
    std::string value;
};

// The most a project's app data may hold: characters of its keys and values together (5 MB of
// the UTF-16 text browsers count, for text of the Basic Multilingual Plane).
constexpr int64_t kAppDataMaxLength = 5 * 1024 * 1024;

// What a version's app reported in its last run in the preview, as src/app/preview_console.h keeps it.
struct VersionConsole {
    std::string entries;  // a JSON array of {"level", "text", "line", "column"}, oldest first
    int64_t dropped = 0;
    int64_t errors = 0;
};

// The most a version's console may keep: entries, keys of one entry, and bytes of JSON (1,000
// entries of at most 2,000 bytes of text each, escaped). More is refused, also from an imported
// file, so that reading one back costs a bounded amount of memory.
constexpr int64_t kVersionConsoleMaxEntries = 1000;
constexpr int kVersionConsoleMaxKeys = 8;
constexpr size_t kVersionConsoleMaxBytes = 16 * 1024 * 1024;

// The number of entries of level "error" in a console's JSON; empty unless it is a JSON array of
// at most kVersionConsoleMaxEntries flat objects (no arrays or objects as values) of at most
// kVersionConsoleMaxKeys keys, in at most kVersionConsoleMaxBytes. Read as a stream: nothing is
// built, however the text is shaped.
std::optional<int64_t> consoleErrorCount(std::string_view entries);

// The characters (code points) of valid UTF-8 text, U+0000 included.
int64_t characterCount(std::string_view text);
// What an item of app data counts for against kAppDataMaxLength: the characters of its key and value.
int64_t appDataChars(std::string_view key, std::string_view value);

struct StoreOptions {
    // Milliseconds since 1970, UTC. Tests and fixture tools set a fixed clock.
    std::function<int64_t()> clock;
    std::vector<Migration> migrations = store::migrations();
};

struct NamedQuery {
    const char* name;
    const char* sql;
};

// A copy of the database file `image` without the settings named in `keys`. secure_delete
// overwrites the deleted rows, so no trace of them is left in free pages of the copy. Throws
// SqliteError if `image` cannot be read as a database.
std::vector<uint8_t> copyWithoutSettings(const std::vector<uint8_t>& image, const std::vector<std::string>& keys);

// Every statement the store prepares, by the name of the function that runs it.
const std::vector<NamedQuery>& storeQueries();

class Store {
public:
    // Opens (creating if missing) the database file at path and brings it to the current schema.
    // Throws StoreError as openSchema() does; a file that is refused is left untouched.
    static Store open(const std::string& path, StoreOptions options = {});
    // A new, empty database in memory.
    static Store openInMemory(StoreOptions options = {});
    // Takes an open connection (for example over Kiln's browser storage) and migrates it.
    Store(Database db, StoreOptions options);

    Store(Store&&) noexcept;
    Store& operator=(Store&&) noexcept;
    ~Store();

    const SchemaStatus& schemaStatus() const { return status_; }
    bool readOnly() const { return status_.read_only; }
    Database& database() { return db_; }

    // Creates a project with a new public id. The name is trimmed; an empty name is refused.
    Project createProject(const std::string& name);
    std::optional<Project> getProject(int64_t project_id);
    std::optional<Project> getProjectByPublicId(const std::string& public_id);
    // Renames a live project and marks it updated. NotFound if missing or in the trash.
    void renameProject(int64_t project_id, const std::string& name);
    // Moves a project to the trash (recoverable). Its versions are kept. NotFound if missing.
    void deleteProject(int64_t project_id);
    // Takes a project out of the trash. NotFound if missing; a live project is left as it is.
    void restoreProject(int64_t project_id);

    // Live projects, most recently updated first, `limit` at a time; pass the previous page's
    // `next` to continue. Each item carries the version count and the latest version's summary.
    ProjectPage listProjects(int limit, std::optional<ProjectCursor> after = std::nullopt);
    // Projects in the trash, most recently deleted first.
    std::vector<Project> listDeletedProjects();
    // The live projects with a version whose prompt or code holds every word of `words` (as
    // words, or as the start of one: "pomo tim" finds "pomodoro timer"), in no particular order.
    // Case and accents do not count. Words are split at spaces; quotes are ignored.
    std::vector<int64_t> searchProjects(const std::string& words);

    // The number the next version of the project will get (1 for a project with none).
    int getNextVersionNumber(int64_t project_id);
    // Stores a new version of a live project, numbered inside the same transaction (so two
    // inserts never share a number), and marks the project updated. Returns it as stored.
    Version insertVersion(const NewVersion& version);
    // The code of version `number` of the project, or of its latest version when number is empty.
    // Empty if there is no such version.
    std::optional<std::string> getCode(int64_t project_id, std::optional<int> number = std::nullopt);
    std::optional<Version> getVersion(int64_t project_id, int number);
    // All versions of the project, oldest first, without their code.
    std::vector<VersionSummary> listVersions(int64_t project_id);

    // A project's app data, by key.
    std::vector<AppDataItem> getAppData(int64_t project_id);
    // The characters of its keys and values together (what kAppDataMaxLength caps).
    int64_t appDataLength(int64_t project_id);
    // Applies an app's changes to a live project's data in one transaction: its removals, then its
    // values in order. A value that would bring the data past kAppDataMaxLength is not stored (the
    // key keeps what it had); returns how many were refused. The project is not marked updated: it is the app's data,
    // not a version. NotFound if the project is missing or in the trash.
    size_t changeAppData(int64_t project_id, const AppDataChanges& changes);

    // What a version's app reported in its last run; empty when none was kept.
    std::optional<VersionConsole> getVersionConsole(int64_t version_id);
    // Keeps what a version's app reported in its last run (`entries`, and how many were not kept),
    // in place of the run before; counts its errors. Refuses (InvalidArgument) entries that
    // consoleErrorCount does not accept; NotFound if there is no such version. Neither the version
    // nor its project is marked updated.
    void setVersionConsole(int64_t version_id, const std::string& entries, int64_t dropped);

    std::optional<std::string> getSetting(const std::string& key);
    void setSetting(const std::string& key, const std::string& value);

    // The store's clock: milliseconds since 1970, UTC (StoreOptions::clock).
    int64_t now() const;
    // Throws StoreError(ReadOnly) on a library opened read-only.
    void requireWritable() const;

private:
    class Query;
    Statement& prepared(const char* sql);
    Project requireLiveProject(int64_t project_id);

    Database db_;
    StoreOptions options_;
    SchemaStatus status_;
    std::unordered_map<const char*, std::unique_ptr<Statement>> statements_;
};

}  // namespace kiln::store
