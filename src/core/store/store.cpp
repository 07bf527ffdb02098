#include "core/store/store.h"

#include "core/store/library_import.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <limits>

namespace kiln::store {

// ---------------------------------------------------------------------------------------------
// SQL. Every statement the store runs is here, named after its function, so that each release
// can keep them as a fixture (tests/fixtures/queries-v<N>.json) and the next one can prove
// they still run on its schema.
// ---------------------------------------------------------------------------------------------

namespace {

constexpr const char kCreateProject[] =
    "INSERT INTO projects (public_id, name, created_at, updated_at) "
    "VALUES (lower(hex(randomblob(8))), :name, :now, :now) "
    "RETURNING id, public_id, name, created_at, updated_at, deleted_at";
constexpr const char kGetProject[] =
    "SELECT id, public_id, name, created_at, updated_at, deleted_at FROM projects WHERE id = :project_id";
constexpr const char kGetProjectByPublicId[] =
    "SELECT id, public_id, name, created_at, updated_at, deleted_at FROM projects WHERE public_id = :public_id";
constexpr const char kRenameProject[] =
    "UPDATE projects SET name = :name, updated_at = :now WHERE id = :project_id AND deleted_at IS NULL";
constexpr const char kDeleteProject[] =
    "UPDATE projects SET deleted_at = :now WHERE id = :project_id AND deleted_at IS NULL";
constexpr const char kRestoreProject[] = "UPDATE projects SET deleted_at = NULL WHERE id = :project_id";
constexpr const char kListProjects[] =
    "SELECT p.id, p.public_id, p.name, p.created_at, p.updated_at, p.deleted_at,"
    " v.id, v.project_id, v.number, v.parent_id, v.prompt, v.model, v.endpoint_label, v.created_at,"
    " v.ttft_ms, v.duration_ms, v.prompt_tokens, v.completion_tokens, v.finish_reason, octet_length(v.code) "
    "FROM projects p LEFT JOIN versions v ON v.project_id = p.id"
    " AND v.number = (SELECT max(number) FROM versions WHERE project_id = p.id) "
    "WHERE p.deleted_at IS NULL AND (p.updated_at, p.id) < (:after_updated_at, :after_id) "
    "ORDER BY p.updated_at DESC, p.id DESC LIMIT :limit";
constexpr const char kListDeletedProjects[] =
    "SELECT id, public_id, name, created_at, updated_at, deleted_at FROM projects "
    "WHERE deleted_at IS NOT NULL ORDER BY deleted_at DESC, id DESC";
constexpr const char kNextVersionNumber[] =
    "SELECT coalesce(max(number), 0) + 1 FROM versions WHERE project_id = :project_id";
constexpr const char kInsertVersion[] =
    "INSERT INTO versions (project_id, number, parent_id, prompt, code, model, endpoint_label, created_at,"
    " ttft_ms, duration_ms, prompt_tokens, completion_tokens, finish_reason) "
    "SELECT :project_id, coalesce(max(number), 0) + 1, :parent_id, :prompt, :code, :model, :endpoint_label, :now,"
    " :ttft_ms, :duration_ms, :prompt_tokens, :completion_tokens, :finish_reason "
    "FROM versions WHERE project_id = :project_id "
    "RETURNING id, number";
constexpr const char kSearchProjects[] =
    "SELECT DISTINCT v.project_id FROM version_search JOIN versions v ON v.id = version_search.docid"
    " JOIN projects p ON p.id = v.project_id "
    "WHERE version_search MATCH :query AND p.deleted_at IS NULL";
constexpr const char kTouchProject[] = "UPDATE projects SET updated_at = :now WHERE id = :project_id";
constexpr const char kGetCode[] =
    "SELECT code FROM versions WHERE project_id = :project_id AND (:number IS NULL OR number = :number) "
    "ORDER BY number DESC LIMIT 1";
constexpr const char kGetVersion[] =
    "SELECT id, project_id, number, parent_id, prompt, model, endpoint_label, created_at,"
    " ttft_ms, duration_ms, prompt_tokens, completion_tokens, finish_reason, octet_length(code), code "
    "FROM versions WHERE project_id = :project_id AND number = :number";
constexpr const char kListVersions[] =
    "SELECT v.id, v.project_id, v.number, v.parent_id, v.prompt, v.model, v.endpoint_label, v.created_at,"
    " v.ttft_ms, v.duration_ms, v.prompt_tokens, v.completion_tokens, v.finish_reason, octet_length(v.code), c.errors,"
    " o.version_id IS NOT NULL "
    "FROM versions v LEFT JOIN version_console c ON c.version_id = v.id"
    " LEFT JOIN version_origins o ON o.version_id = v.id WHERE v.project_id = :project_id "
    "ORDER BY v.number";
constexpr const char kGetVersionConsole[] =
    "SELECT entries, dropped, errors FROM version_console WHERE version_id = :version_id";
constexpr const char kSetVersionConsole[] =
    "INSERT INTO version_console (version_id, entries, dropped, errors, updated_at)"
    " SELECT id, :entries, :dropped, :errors, :now FROM versions WHERE id = :version_id "
    "ON CONFLICT (version_id) DO UPDATE SET entries = excluded.entries, dropped = excluded.dropped,"
    " errors = excluded.errors, updated_at = excluded.updated_at";
constexpr const char kGetSetting[] = "SELECT value FROM settings WHERE key = :key";
constexpr const char kSetSetting[] =
    "INSERT INTO settings (key, value) VALUES (:key, :value) ON CONFLICT (key) DO UPDATE SET value = excluded.value";
constexpr const char kGetAppData[] = "SELECT key, value FROM app_data WHERE project_id = :project_id ORDER BY key";
constexpr const char kAppDataLength[] = "SELECT coalesce(sum(chars), 0) FROM app_data WHERE project_id = :project_id";
constexpr const char kAppDataItemLength[] = "SELECT chars FROM app_data WHERE project_id = :project_id AND key = :key";
constexpr const char kSetAppData[] =
    "INSERT INTO app_data (project_id, key, value, chars) VALUES (:project_id, :key, :value, :chars) "
    "ON CONFLICT (project_id, key) DO UPDATE SET value = excluded.value, chars = excluded.chars";
constexpr const char kRemoveAppData[] = "DELETE FROM app_data WHERE project_id = :project_id AND key = :key";
constexpr const char kClearAppData[] = "DELETE FROM app_data WHERE project_id = :project_id";

constexpr size_t kMaxNameBytes = 200;

Project readProject(const Statement& row, int first = 0) {
    Project project;
    project.id = row.columnInt(first);
    project.public_id = row.columnText(first + 1);
    project.name = row.columnText(first + 2);
    project.created_at = row.columnInt(first + 3);
    project.updated_at = row.columnInt(first + 4);
    project.deleted_at = row.columnOptionalInt(first + 5);
    return project;
}

// Reads the 14 summary columns that kListVersions, kGetVersion and kListProjects share.
VersionSummary readVersionSummary(const Statement& row, int first = 0) {
    VersionSummary version;
    version.id = row.columnInt(first);
    version.project_id = row.columnInt(first + 1);
    version.number = static_cast<int>(row.columnInt(first + 2));
    version.parent_id = row.columnOptionalInt(first + 3);
    version.prompt = row.columnText(first + 4);
    version.model = row.columnText(first + 5);
    version.endpoint_label = row.columnText(first + 6);
    version.created_at = row.columnInt(first + 7);
    version.stats.ttft_ms = row.columnOptionalInt(first + 8);
    version.stats.duration_ms = row.columnOptionalInt(first + 9);
    version.stats.prompt_tokens = row.columnOptionalInt(first + 10);
    version.stats.completion_tokens = row.columnOptionalInt(first + 11);
    version.stats.finish_reason = row.columnText(first + 12);
    version.code_bytes = row.columnInt(first + 13);
    return version;
}

std::string trimmedName(const std::string& name) {
    const char* kSpace = " \t\r\n";
    size_t begin = name.find_first_not_of(kSpace);
    if (begin == std::string::npos) {
        throw StoreError(StoreErrorKind::InvalidArgument, "A project needs a name: type at least one character.");
    }
    std::string trimmed = name.substr(begin, name.find_last_not_of(kSpace) - begin + 1);
    if (trimmed.size() > kMaxNameBytes) {
        throw StoreError(StoreErrorKind::InvalidArgument,
                         "That name is too long: keep it under " + std::to_string(kMaxNameBytes) + " characters.");
    }
    return trimmed;
}

[[noreturn]] void throwProjectNotFound(int64_t project_id) {
    throw StoreError(StoreErrorKind::NotFound,
                     "Project " + std::to_string(project_id) + " does not exist or is in the trash.");
}

}  // namespace

const std::vector<NamedQuery>& storeQueries() {
    static const std::vector<NamedQuery> kQueries = {
        {"createProject", kCreateProject},
        {"getProject", kGetProject},
        {"getProjectByPublicId", kGetProjectByPublicId},
        {"renameProject", kRenameProject},
        {"deleteProject", kDeleteProject},
        {"restoreProject", kRestoreProject},
        {"listProjects", kListProjects},
        {"listDeletedProjects", kListDeletedProjects},
        {"getNextVersionNumber", kNextVersionNumber},
        {"insertVersion", kInsertVersion},
        {"insertVersion.touchProject", kTouchProject},
        {"insertVersion.index", kIndexVersion},
        {"insertVersion.globalId", kNewGlobalId},
        {"searchProjects", kSearchProjects},
        {"getCode", kGetCode},
        {"getVersion", kGetVersion},
        {"listVersions", kListVersions},
        {"getVersionConsole", kGetVersionConsole},
        {"setVersionConsole", kSetVersionConsole},
        {"getSetting", kGetSetting},
        {"setSetting", kSetSetting},
        {"getAppData", kGetAppData},
        {"appDataLength", kAppDataLength},
        {"appDataItemLength", kAppDataItemLength},
        {"setAppData", kSetAppData},
        {"removeAppData", kRemoveAppData},
        {"clearAppData", kClearAppData},
    };
    return kQueries;
}

// A cached statement, borrowed for one use: reset and unbound on the way in, reset on the way
// out, so that no statement holds a read transaction open between calls.
class Store::Query {
public:
    Query(Store& store, const char* sql) : statement_(store.prepared(sql)) {}
    ~Query() { statement_.reset(); }
    Statement* operator->() { return &statement_; }
    Statement& operator*() { return statement_; }

private:
    Statement& statement_;
};

// ---------------------------------------------------------------------------------------------
// Opening
// ---------------------------------------------------------------------------------------------

Store Store::open(const std::string& path, StoreOptions options) {
    return Store(Database(path), std::move(options));
}

Store Store::openInMemory(StoreOptions options) {
    return Store(Database(":memory:"), std::move(options));
}

Store::Store(Database db, StoreOptions options) : db_(std::move(db)), options_(std::move(options)) {
    if (!options_.clock) {
        options_.clock = [] {
            using namespace std::chrono;
            return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
        };
    }
    status_ = openSchema(db_, options_.migrations);
    // A library an earlier Kiln imported as it was may hold triggers, views, indexes or tables
    // that no migration makes: they go, and the app says so. One more query of the schema, and
    // a write only when there is something to remove.
    if (!status_.read_only && status_.found_version > 0) {
        status_.removed = removeForeignObjects(db_, status_.schema_version, options_.migrations);
    }
}

Store::Store(Store&&) noexcept = default;
Store& Store::operator=(Store&&) noexcept = default;
Store::~Store() = default;

Statement& Store::prepared(const char* sql) {
    auto& slot = statements_[sql];
    if (!slot) slot = std::make_unique<Statement>(db_, sql);
    slot->reset();
    slot->clearBindings();
    return *slot;
}

void Store::requireWritable() const {
    if (status_.read_only) throw StoreError(StoreErrorKind::ReadOnly, status_.message);
}

int64_t Store::now() const {
    return options_.clock();
}

// ---------------------------------------------------------------------------------------------
// Projects
// ---------------------------------------------------------------------------------------------

Project Store::createProject(const std::string& name) {
    requireWritable();
    Query query(*this, kCreateProject);
    query->bind(":name", trimmedName(name)).bind(":now", now());
    query->step();
    return readProject(*query);
}

std::optional<Project> Store::getProject(int64_t project_id) {
    Query query(*this, kGetProject);
    query->bind(":project_id", project_id);
    if (!query->step()) return std::nullopt;
    return readProject(*query);
}

std::optional<Project> Store::getProjectByPublicId(const std::string& public_id) {
    Query query(*this, kGetProjectByPublicId);
    query->bind(":public_id", public_id);
    if (!query->step()) return std::nullopt;
    return readProject(*query);
}

Project Store::requireLiveProject(int64_t project_id) {
    std::optional<Project> project = getProject(project_id);
    if (!project || project->deleted_at) throwProjectNotFound(project_id);
    return *project;
}

void Store::renameProject(int64_t project_id, const std::string& name) {
    requireWritable();
    Query query(*this, kRenameProject);
    query->bind(":name", trimmedName(name)).bind(":now", now()).bind(":project_id", project_id);
    query->run();
    if (db_.changes() == 0) throwProjectNotFound(project_id);
}

void Store::deleteProject(int64_t project_id) {
    requireWritable();
    Query query(*this, kDeleteProject);
    query->bind(":now", now()).bind(":project_id", project_id);
    query->run();
    if (db_.changes() == 0) throwProjectNotFound(project_id);
}

void Store::restoreProject(int64_t project_id) {
    requireWritable();
    if (!getProject(project_id)) throwProjectNotFound(project_id);
    Query query(*this, kRestoreProject);
    query->bind(":project_id", project_id);
    query->run();
}

ProjectPage Store::listProjects(int limit, std::optional<ProjectCursor> after) {
    constexpr int64_t kEnd = std::numeric_limits<int64_t>::max();
    ProjectCursor from = after.value_or(ProjectCursor{kEnd, kEnd});
    Query query(*this, kListProjects);
    // One extra row tells whether another page follows.
    query->bind(":after_updated_at", from.updated_at).bind(":after_id", from.id).bind(":limit", limit + 1);
    ProjectPage page;
    while (query->step()) {
        if (static_cast<int>(page.items.size()) == limit) {
            const Project& last = page.items.back().project;
            page.next = ProjectCursor{last.updated_at, last.id};
            break;
        }
        ProjectSummary item;
        item.project = readProject(*query);
        if (!query->isNull(6)) {
            item.latest = readVersionSummary(*query, 6);
            item.version_count = item.latest->number;
        }
        page.items.push_back(std::move(item));
    }
    return page;
}

std::vector<Project> Store::listDeletedProjects() {
    Query query(*this, kListDeletedProjects);
    std::vector<Project> projects;
    while (query->step()) projects.push_back(readProject(*query));
    return projects;
}

namespace {

// An FTS4 query for `words`: each word a quoted prefix phrase ("dark-theme" becomes
// "dark-theme*", which matches "dark theme…"), all of them required. Empty when no word has a
// letter or a digit to match.
std::string searchQuery(const std::string& words) {
    std::string query;
    size_t at = 0;
    while (at < words.size()) {
        const size_t end = std::min(words.find_first_of(" \t\r\n", at), words.size());
        std::string word;
        for (size_t i = at; i < end; ++i) {
            if (words[i] != '"') word += words[i];
        }
        at = end + 1;
        const bool matchable = std::any_of(word.begin(), word.end(), [](char c) {
            return std::isalnum(static_cast<unsigned char>(c)) || static_cast<unsigned char>(c) >= 0x80;
        });
        if (matchable) query += (query.empty() ? "\"" : " \"") + word + "*\"";
    }
    return query;
}

}  // namespace

std::vector<int64_t> Store::searchProjects(const std::string& words) {
    const std::string query_text = searchQuery(words);
    std::vector<int64_t> found;
    if (query_text.empty()) return found;
    Query query(*this, kSearchProjects);
    query->bind(":query", query_text);
    while (query->step()) found.push_back(query->columnInt(0));
    return found;
}

// ---------------------------------------------------------------------------------------------
// Versions
// ---------------------------------------------------------------------------------------------

int Store::getNextVersionNumber(int64_t project_id) {
    Query query(*this, kNextVersionNumber);
    query->bind(":project_id", project_id);
    query->step();
    return static_cast<int>(query->columnInt(0));
}

Version Store::insertVersion(const NewVersion& version) {
    requireWritable();
    Transaction transaction(db_);
    requireLiveProject(version.project_id);
    const int64_t created_at = now();
    Version stored;
    {
        Query insert(*this, kInsertVersion);
        insert->bind(":project_id", version.project_id)
            .bind(":parent_id", version.parent_id)
            .bind(":prompt", version.prompt)
            .bind(":code", version.code)
            .bind(":model", version.model)
            .bind(":endpoint_label", version.endpoint_label)
            .bind(":now", created_at)
            .bind(":ttft_ms", version.stats.ttft_ms)
            .bind(":duration_ms", version.stats.duration_ms)
            .bind(":prompt_tokens", version.stats.prompt_tokens)
            .bind(":completion_tokens", version.stats.completion_tokens)
            .bind(":finish_reason", version.stats.finish_reason);
        insert->step();
        stored.summary.id = insert->columnInt(0);
        stored.summary.number = static_cast<int>(insert->columnInt(1));
    }
    {
        Query index(*this, kIndexVersion);
        index->bind(":new_version_id", stored.summary.id).bind(":prompt", version.prompt).bind(":code", version.code);
        index->run();
    }
    {
        Query global_id(*this, kNewGlobalId);
        global_id->bind(":new_version_id", stored.summary.id);
        global_id->run();
    }
    {
        Query touch(*this, kTouchProject);
        touch->bind(":now", created_at).bind(":project_id", version.project_id);
        touch->run();
    }
    transaction.commit();

    stored.summary.project_id = version.project_id;
    stored.summary.parent_id = version.parent_id;
    stored.summary.prompt = version.prompt;
    stored.summary.model = version.model;
    stored.summary.endpoint_label = version.endpoint_label;
    stored.summary.created_at = created_at;
    stored.summary.stats = version.stats;
    stored.summary.code_bytes = static_cast<int64_t>(version.code.size());
    stored.code = version.code;
    return stored;
}

std::optional<std::string> Store::getCode(int64_t project_id, std::optional<int> number) {
    Query query(*this, kGetCode);
    query->bind(":project_id", project_id).bind(":number", number);
    if (!query->step()) return std::nullopt;
    return query->columnText(0);
}

std::optional<Version> Store::getVersion(int64_t project_id, int number) {
    Query query(*this, kGetVersion);
    query->bind(":project_id", project_id).bind(":number", number);
    if (!query->step()) return std::nullopt;
    Version version;
    version.summary = readVersionSummary(*query);
    version.code = query->columnText(14);
    return version;
}

std::vector<VersionSummary> Store::listVersions(int64_t project_id) {
    Query query(*this, kListVersions);
    query->bind(":project_id", project_id);
    std::vector<VersionSummary> versions;
    while (query->step()) {
        versions.push_back(readVersionSummary(*query));
        versions.back().console_errors = query->columnOptionalInt(14);
        versions.back().made_elsewhere = query->columnInt(15) != 0;
    }
    return versions;
}

// ---------------------------------------------------------------------------------------------
// The console of a version's last run
// ---------------------------------------------------------------------------------------------

namespace {

// Walks a console's JSON as consoleErrorCount describes; any other shape stops the walk.
struct ConsoleShape final : nlohmann::json_sax<nlohmann::json> {
    int depth = 0;  // 1: in the array; 2: in an entry
    int64_t entries = 0;
    int64_t errors = 0;
    int keys = 0;
    bool level = false;  // the value read next is the entry's "level"

    bool scalar() {
        level = false;
        return depth == 2;
    }
    bool null() override { return scalar(); }
    bool boolean(bool) override { return scalar(); }
    bool number_integer(number_integer_t) override { return scalar(); }
    bool number_unsigned(number_unsigned_t) override { return scalar(); }
    bool number_float(number_float_t, const string_t&) override { return scalar(); }
    bool binary(binary_t&) override { return false; }
    bool string(string_t& value) override {
        if (level && value == "error") ++errors;
        return scalar();
    }
    bool start_object(std::size_t) override {
        if (depth != 1 || ++entries > kVersionConsoleMaxEntries) return false;
        depth = 2;
        keys = 0;
        return true;
    }
    bool key(string_t& name) override {
        level = name == "level";
        return ++keys <= kVersionConsoleMaxKeys;
    }
    bool end_object() override {
        depth = 1;
        return true;
    }
    bool start_array(std::size_t) override {
        if (depth != 0) return false;
        depth = 1;
        return true;
    }
    bool end_array() override {
        depth = 0;
        return true;
    }
    bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception&) override { return false; }
};

}  // namespace

std::optional<int64_t> consoleErrorCount(std::string_view entries) {
    if (entries.size() > kVersionConsoleMaxBytes) return std::nullopt;
    ConsoleShape shape;
    if (!nlohmann::json::sax_parse(entries, &shape)) return std::nullopt;
    return shape.errors;
}

std::optional<VersionConsole> Store::getVersionConsole(int64_t version_id) {
    Query query(*this, kGetVersionConsole);
    query->bind(":version_id", version_id);
    if (!query->step()) return std::nullopt;
    return VersionConsole{query->columnText(0), query->columnInt(1), query->columnInt(2)};
}

void Store::setVersionConsole(int64_t version_id, const std::string& entries, int64_t dropped) {
    requireWritable();
    const std::optional<int64_t> errors = consoleErrorCount(entries);
    if (!errors || dropped < 0) {
        throw StoreError(StoreErrorKind::InvalidArgument,
                         "A version's console must be a JSON array of entries, and what it dropped a count.");
    }
    Query query(*this, kSetVersionConsole);
    query->bind(":version_id", version_id)
        .bind(":entries", entries)
        .bind(":dropped", dropped)
        .bind(":errors", *errors)
        .bind(":now", now());
    query->run();
    if (db_.changes() == 0) {
        throw StoreError(StoreErrorKind::NotFound, "Version " + std::to_string(version_id) + " does not exist.");
    }
}

// ---------------------------------------------------------------------------------------------
// Settings
// ---------------------------------------------------------------------------------------------

std::optional<std::string> Store::getSetting(const std::string& key) {
    Query query(*this, kGetSetting);
    query->bind(":key", key);
    if (!query->step()) return std::nullopt;
    return query->columnText(0);
}

void Store::setSetting(const std::string& key, const std::string& value) {
    requireWritable();
    Query query(*this, kSetSetting);
    query->bind(":key", key).bind(":value", value);
    query->run();
}

// ---------------------------------------------------------------------------------------------
// App data
// ---------------------------------------------------------------------------------------------

std::vector<AppDataItem> Store::getAppData(int64_t project_id) {
    Query query(*this, kGetAppData);
    query->bind(":project_id", project_id);
    std::vector<AppDataItem> items;
    while (query->step()) items.push_back({query->columnText(0), query->columnText(1)});
    return items;
}

int64_t Store::appDataLength(int64_t project_id) {
    Query query(*this, kAppDataLength);
    query->bind(":project_id", project_id);
    query->step();
    return query->columnInt(0);
}

size_t Store::changeAppData(int64_t project_id, const AppDataChanges& changes) {
    requireWritable();
    Transaction transaction(db_);
    requireLiveProject(project_id);
    if (changes.clear) {
        Query clear(*this, kClearAppData);
        clear->bind(":project_id", project_id);
        clear->run();
    }
    int64_t length = appDataLength(project_id);
    auto lengthOf = [&](const std::string& key) {
        Query item(*this, kAppDataItemLength);
        item->bind(":project_id", project_id).bind(":key", key);
        return item->step() ? item->columnInt(0) : int64_t{0};
    };
    // Removals first: a batch holds each key once (the preview merges them), and what it frees
    // counts for what it sets.
    for (const auto& [key, value] : changes.items) {
        if (value) continue;
        length -= lengthOf(key);
        Query remove(*this, kRemoveAppData);
        remove->bind(":project_id", project_id).bind(":key", key);
        remove->run();
    }
    size_t refused = 0;
    for (const auto& [key, value] : changes.items) {
        if (!value) continue;
        const int64_t before = lengthOf(key);
        const int64_t after = appDataChars(key, *value);
        if (length - before + after > kAppDataMaxLength) {
            ++refused;
            continue;
        }
        Query set(*this, kSetAppData);
        set->bind(":project_id", project_id).bind(":key", key).bind(":value", *value).bind(":chars", after);
        set->run();
        length += after - before;
    }
    transaction.commit();
    return refused;
}

int64_t characterCount(std::string_view text) {
    int64_t count = 0;
    for (unsigned char c : text) count += (c & 0xC0) != 0x80;
    return count;
}

int64_t appDataChars(std::string_view key, std::string_view value) {
    return characterCount(key) + characterCount(value);
}

std::vector<uint8_t> copyWithoutSettings(const std::vector<uint8_t>& image, const std::vector<std::string>& keys) {
    Database copy(":memory:");
    copy.deserialize(image);
    copy.exec("PRAGMA secure_delete = ON");
    Statement remove(copy, "DELETE FROM settings WHERE key = ?");
    for (const std::string& key : keys) {
        remove.reset();
        remove.bind(1, key).run();
    }
    return copy.serialize();
}

}  // namespace kiln::store
