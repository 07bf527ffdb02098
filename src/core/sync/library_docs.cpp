#include "core/sync/library_docs.h"

#include <algorithm>

#include "core/store/schema.h"
#include "core/sync/rev_tree.h"

// Index
//   Statements      every query, by what it does
//   Checks          what a document from elsewhere must look like
//   Refresh         the library's changes as documents
//   Reading         changes, missing revisions, documents
//   Storing         what comes: projects, versions, numbering
//   Checkpoints

namespace kiln::sync {

using nlohmann::json;

namespace {

// ---------------------------------------------------------------------------------------------
// Statements
// ---------------------------------------------------------------------------------------------

constexpr const char kBumpChange[] =
    "INSERT OR REPLACE INTO sync_changes (seq, doc_id)"
    " VALUES ((SELECT coalesce(max(seq), 0) + 1 FROM sync_changes), :doc_id)";
constexpr const char kListChanges[] =
    "SELECT seq, doc_id FROM sync_changes WHERE seq > :since ORDER BY seq LIMIT :limit";
constexpr const char kCountChanges[] = "SELECT count(*) FROM sync_changes WHERE seq > :since";
constexpr const char kProjectRevs[] = "SELECT rev, parent, deleted FROM sync_revs WHERE doc_id = :doc_id";
constexpr const char kRevBody[] = "SELECT body, deleted FROM sync_revs WHERE doc_id = :doc_id AND rev = :rev";
constexpr const char kInsertRev[] =
    "INSERT OR IGNORE INTO sync_revs (doc_id, rev, parent, deleted, body)"
    " VALUES (:doc_id, :rev, :parent, :deleted, :body)";
constexpr const char kLearnParent[] =
    "UPDATE sync_revs SET parent = :parent WHERE doc_id = :doc_id AND rev = :rev AND parent = ''";
// The project :public_id, or every project when it is null.
constexpr const char kProjectRows[] =
    "SELECT p.id, p.public_id, p.name, p.created_at, p.deleted_at, s.project_id IS NOT NULL"
    " FROM projects p LEFT JOIN sync_placeholders s ON s.project_id = p.id"
    " WHERE :public_id IS NULL OR p.public_id = :public_id ORDER BY p.id";
constexpr const char kUnlistedVersions[] =
    "SELECT g.global_id FROM version_global_ids g"
    " WHERE NOT EXISTS (SELECT 1 FROM sync_changes c WHERE c.doc_id = 'version:' || g.global_id)"
    " ORDER BY g.version_id";
constexpr const char kCreateSyncedProject[] =
    "INSERT INTO projects (public_id, name, created_at, updated_at, deleted_at)"
    " VALUES (:public_id, :name, :created_at, :now, :deleted_at) RETURNING id";
constexpr const char kApplyProject[] =
    "UPDATE projects SET name = :name, created_at = :created_at, deleted_at = :deleted_at,"
    " updated_at = max(updated_at, :now) WHERE id = :project_id"
    " AND (name, created_at, deleted_at IS :deleted_at) IS NOT (:name, :created_at, 1)";
constexpr const char kTrashProject[] =
    "UPDATE projects SET deleted_at = :now WHERE id = :project_id AND deleted_at IS NULL";
constexpr const char kAddPlaceholder[] = "INSERT INTO sync_placeholders (project_id) VALUES (:project_id)";
constexpr const char kRemovePlaceholder[] = "DELETE FROM sync_placeholders WHERE project_id = :project_id";
constexpr const char kHasVersion[] = "SELECT 1 FROM version_global_ids WHERE global_id = :global_id";
constexpr const char kVersionDoc[] =
    "SELECT p.public_id, coalesce(pg.global_id, pp.parent_global_id), v.prompt, v.code, v.model, v.endpoint_label, "
    "v.created_at, v.ttft_ms,"
    " v.duration_ms, v.prompt_tokens, v.completion_tokens, v.finish_reason, o.library_id"
    " FROM version_global_ids g JOIN versions v ON v.id = g.version_id JOIN projects p ON p.id = v.project_id"
    " LEFT JOIN version_global_ids pg ON pg.version_id = v.parent_id"
    " LEFT JOIN sync_pending_parents pp ON pp.version_id = v.id"
    " LEFT JOIN version_origins o ON o.version_id = v.id WHERE g.global_id = :global_id";
constexpr const char kInsertSyncedVersion[] =
    "INSERT INTO versions (project_id, number, parent_id, prompt, code, model, endpoint_label, created_at,"
    " ttft_ms, duration_ms, prompt_tokens, completion_tokens, finish_reason) "
    "SELECT :project_id, coalesce(max(number), 0) + 1,"
    " (SELECT version_id FROM version_global_ids WHERE global_id = :parent), :prompt, :code, :model,"
    " :endpoint_label, :created_at, :ttft_ms, :duration_ms, :prompt_tokens, :completion_tokens, :finish_reason "
    "FROM versions WHERE project_id = :project_id RETURNING id";
constexpr const char kAddPendingParent[] =
    "INSERT INTO sync_pending_parents (version_id, parent_global_id) VALUES (:new_version_id, :parent)";
// Versions whose parent came after them get it: each pending parent that is here now.
constexpr const char kLinkPendingParents[] =
    "UPDATE versions SET parent_id = g.version_id FROM sync_pending_parents p"
    " JOIN version_global_ids g ON g.global_id = p.parent_global_id WHERE versions.id = p.version_id";
constexpr const char kForgetLinkedParents[] =
    "DELETE FROM sync_pending_parents WHERE parent_global_id IN (SELECT global_id FROM version_global_ids)";
constexpr const char kInsertOrigin[] =
    "INSERT INTO version_origins (version_id, library_id) VALUES (:new_version_id, :library_id)";
constexpr const char kTouchProjectAt[] = "UPDATE projects SET updated_at = max(updated_at, :at) WHERE id = :project_id";
// Numbers by when versions were made: first each to minus its rank (numbers are positive, so no
// two collide on UNIQUE (project_id, number) on the way), then back to plus. Every version has a
// global id here (kGiveGlobalIds runs first).
constexpr const char kMisnumbered[] =
    "SELECT count(*) FROM (SELECT v.number, row_number() OVER (ORDER BY v.created_at, g.global_id) AS rank"
    " FROM versions v JOIN version_global_ids g ON g.version_id = v.id WHERE v.project_id = :project_id)"
    " WHERE number != rank";
constexpr const char kRenumberByRank[] =
    "UPDATE versions SET number = -r.rank FROM (SELECT v.id, row_number() OVER (ORDER BY v.created_at, g.global_id)"
    " AS rank FROM versions v JOIN version_global_ids g ON g.version_id = v.id WHERE v.project_id = :project_id) r"
    " WHERE versions.id = r.id";
constexpr const char kRenumberPositive[] =
    "UPDATE versions SET number = -number WHERE project_id = :project_id AND number < 0";
constexpr const char kGetCheckpoint[] = "SELECT last_seq FROM sync_checkpoints WHERE id = :id";
constexpr const char kSetCheckpoint[] =
    "INSERT OR REPLACE INTO sync_checkpoints (id, last_seq) VALUES (:id, :last_seq)";

constexpr char kLibraryIdSetting[] = "sync_library_id";
constexpr char kProjectPrefix[] = "project:";
constexpr char kVersionPrefix[] = "version:";
constexpr size_t kMaxNameBytes = 200;  // as the store's own names

// ---------------------------------------------------------------------------------------------
// Checks
// ---------------------------------------------------------------------------------------------

bool isHex(const std::string& text, size_t length) {
    return text.size() == length && std::all_of(text.begin(), text.end(), [](char c) {
               return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
           });
}

bool startsWith(const std::string& text, const char* prefix) {
    return text.rfind(prefix, 0) == 0;
}

std::string versionRev(const std::string& doc_id) {
    return "1-" + contentHash(doc_id);
}

// A member that must be a string ("" when absent, for the optional ones).
std::optional<std::string> stringOf(const json& doc, const char* name, bool required) {
    const auto it = doc.find(name);
    if (it == doc.end()) return required ? std::nullopt : std::optional<std::string>("");
    if (!it->is_string()) return std::nullopt;
    return it->get<std::string>();
}

// A member that is a whole number from 0 up, or null/absent (when `required` is false).
bool countOf(const json& doc, const char* name, bool required, std::optional<int64_t>& out) {
    out.reset();
    const auto it = doc.find(name);
    if (it == doc.end() || it->is_null()) return !required;
    if (!it->is_number_integer() || it->get<int64_t>() < 0) return false;
    out = it->get<int64_t>();
    return true;
}

// What the store takes as a name: something besides spaces, and not too long.
bool validName(const std::string& name) {
    return name.size() <= kMaxNameBytes && name.find_first_not_of(" \t\r\n") != std::string::npos;
}

// `_deleted`: false when absent; nullopt when it is there and not a boolean.
std::optional<bool> deletedOf(const json& doc) {
    const auto it = doc.find("_deleted");
    if (it == doc.end()) return false;
    if (!it->is_boolean()) return std::nullopt;
    return it->get<bool>();
}

// `_revisions`, which must name `_rev` first; nullopt when either is missing or wrong.
std::optional<RevPath> revisionsOf(const json& doc) {
    const auto rev = doc.find("_rev");
    const auto revisions = doc.find("_revisions");
    if (rev == doc.end() || !rev->is_string() || revisions == doc.end() || !revisions->is_object()) return std::nullopt;
    const auto start = revisions->find("start");
    const auto ids = revisions->find("ids");
    if (start == revisions->end() || !start->is_number_integer() || ids == revisions->end() || !ids->is_array() ||
        ids->size() > 1000) {
        return std::nullopt;
    }
    RevPath path{start->get<int64_t>(), {}};
    for (const json& id : *ids) {
        if (!id.is_string()) return std::nullopt;
        path.ids.push_back(id.get<std::string>());
    }
    if (!path.valid() || path.revs().front() != rev->get<std::string>()) return std::nullopt;
    return path;
}

json projectBody(const std::string& name, int64_t created_at, std::optional<int64_t> deleted_at) {
    return {{"type", "project"},
            {"name", name},
            {"created_at", created_at},
            {"deleted_at", deleted_at ? json(*deleted_at) : json(nullptr)}};
}

// What a project's document says, checked; nullopt when it is not one Kiln keeps.
struct ProjectFields {
    std::string name;
    int64_t created_at = 0;
    std::optional<int64_t> deleted_at;
};

std::optional<ProjectFields> projectFields(const json& body) {
    ProjectFields fields;
    std::optional<int64_t> created_at;
    const std::optional<std::string> type = stringOf(body, "type", true);
    const std::optional<std::string> name = stringOf(body, "name", true);
    if (!type || *type != "project" || !name || !validName(*name) || !countOf(body, "created_at", true, created_at) ||
        !countOf(body, "deleted_at", false, fields.deleted_at)) {
        return std::nullopt;
    }
    fields.name = *name;
    fields.created_at = *created_at;
    return fields;
}

}  // namespace

const std::vector<store::NamedQuery>& libraryDocsQueries() {
    static const std::vector<store::NamedQuery> kQueries = {
        {"sync.giveGlobalIds", store::kGiveGlobalIds},
        {"sync.bumpChange", kBumpChange},
        {"sync.listChanges", kListChanges},
        {"sync.countChanges", kCountChanges},
        {"sync.projectRevs", kProjectRevs},
        {"sync.revBody", kRevBody},
        {"sync.insertRev", kInsertRev},
        {"sync.learnParent", kLearnParent},
        {"sync.projectRows", kProjectRows},
        {"sync.unlistedVersions", kUnlistedVersions},
        {"sync.createSyncedProject", kCreateSyncedProject},
        {"sync.applyProject", kApplyProject},
        {"sync.trashProject", kTrashProject},
        {"sync.addPlaceholder", kAddPlaceholder},
        {"sync.removePlaceholder", kRemovePlaceholder},
        {"sync.hasVersion", kHasVersion},
        {"sync.versionDoc", kVersionDoc},
        {"sync.insertSyncedVersion", kInsertSyncedVersion},
        {"sync.insertSyncedVersion.index", store::kIndexVersion},
        {"sync.insertSyncedVersion.globalId", store::kNewGlobalId},
        {"sync.addPendingParent", kAddPendingParent},
        {"sync.linkPendingParents", kLinkPendingParents},
        {"sync.forgetLinkedParents", kForgetLinkedParents},
        {"sync.insertOrigin", kInsertOrigin},
        {"sync.touchProjectAt", kTouchProjectAt},
        {"sync.misnumbered", kMisnumbered},
        {"sync.renumberByRank", kRenumberByRank},
        {"sync.renumberPositive", kRenumberPositive},
        {"sync.getCheckpoint", kGetCheckpoint},
        {"sync.setCheckpoint", kSetCheckpoint},
    };
    return kQueries;
}

LibraryDocs::LibraryDocs(store::Store& store) : store_(store) {}

// A cached statement, reset when it goes out of scope, so that no read stays open between calls
// (an open read holds the library's file: another tab's commits could not be taken in).
class LibraryDocs::Query {
public:
    Query(LibraryDocs& docs, const char* sql) {
        auto& slot = docs.statements_[sql];
        if (!slot) slot = std::make_unique<store::Statement>(docs.store_.database(), sql);
        statement_ = slot.get();
        statement_->reset();
        statement_->clearBindings();
    }
    ~Query() { statement_->reset(); }
    Query(const Query&) = delete;
    Query& operator=(const Query&) = delete;
    store::Statement* operator->() { return statement_; }

private:
    store::Statement* statement_ = nullptr;
};

std::string LibraryDocs::libraryId() {
    if (std::optional<std::string> id = store_.getSetting(kLibraryIdSetting); id && isHex(*id, 32)) return *id;
    store_.requireWritable();
    const std::string id = contentHash(std::to_string(store_.now()) + "\n" +
                                       std::to_string(store_.database().queryInt("SELECT random()")));
    store_.setSetting(kLibraryIdSetting, id);
    return id;
}

void LibraryDocs::bumpChange(const std::string& doc_id) {
    Query(*this, kBumpChange)->bind(":doc_id", doc_id).run();
}

RevTree LibraryDocs::projectTree(const std::string& doc_id) {
    // Rows come in key order, not parent before child: the tree is built from each one's path.
    struct Row {
        std::string parent;
        bool deleted;
    };
    std::map<std::string, Row> rows;
    {
        Query query(*this, kProjectRevs);
        query->bind(":doc_id", doc_id);
        while (query->step()) rows[query->columnText(0)] = {query->columnText(1), query->columnInt(2) != 0};
    }
    RevTree tree;
    for (const auto& [rev, row] : rows) {
        RevPath path{parseRev(rev)->generation, {parseRev(rev)->hash}};
        if (!row.parent.empty()) path.ids.push_back(parseRev(row.parent)->hash);
        tree.add(path, row.deleted);
    }
    return tree;
}

std::optional<LibraryDocs::RevBody> LibraryDocs::revBody(const std::string& doc_id, const std::string& rev) {
    Query query(*this, kRevBody);
    query->bind(":doc_id", doc_id).bind(":rev", rev);
    if (!query->step()) return std::nullopt;
    return RevBody{query->isNull(0) ? json() : json::parse(query->columnText(0), nullptr, false),
                   query->columnInt(1) != 0};
}

std::vector<LibraryDocs::ProjectRow> LibraryDocs::projectRows(const std::optional<std::string>& public_id) {
    std::vector<ProjectRow> rows;
    Query query(*this, kProjectRows);
    query->bind(":public_id", public_id);
    while (query->step()) {
        ProjectRow row;
        row.project.id = query->columnInt(0);
        row.project.public_id = query->columnText(1);
        row.project.name = query->columnText(2);
        row.project.created_at = query->columnInt(3);
        row.project.deleted_at = query->columnOptionalInt(4);
        row.placeholder = query->columnInt(5) != 0;
        rows.push_back(std::move(row));
    }
    return rows;
}

std::optional<LibraryDocs::ProjectRow> LibraryDocs::projectRow(const std::string& public_id) {
    std::vector<ProjectRow> rows = projectRows(public_id);
    if (rows.empty()) return std::nullopt;
    return std::move(rows.front());
}

// ---------------------------------------------------------------------------------------------
// Refresh
// ---------------------------------------------------------------------------------------------

bool LibraryDocs::refreshProject(const ProjectRow& row) {
    // A project made for versions that came before its document is not a document of this
    // library's making: what the user does to it waits for that document (putProject).
    if (row.placeholder) return false;
    const store::Project& project = row.project;
    const std::string doc_id = kProjectPrefix + project.public_id;
    const json body = projectBody(project.name, project.created_at, project.deleted_at);
    const RevTree tree = projectTree(doc_id);
    const std::string winner = tree.winner();
    if (!winner.empty()) {
        if (const std::optional<RevBody> stored = revBody(doc_id, winner)) {
            if (stored->deleted && project.deleted_at) return false;  // a deletion, and in the trash here
            if (stored->body == body) return false;
        }
    }
    RevPath path = winner.empty() ? RevPath{0, {}} : tree.pathTo(winner, 1);
    path.start++;
    path.ids.insert(path.ids.begin(), contentHash(winner + "\n" + body.dump()));
    Query(*this, kInsertRev)
        ->bind(":doc_id", doc_id)
        .bind(":rev", path.revs().front())
        .bind(":parent", winner)
        .bind(":deleted", 0)
        .bind(":body", body.dump())
        .run();
    bumpChange(doc_id);
    return true;
}

size_t LibraryDocs::refresh() {
    store_.requireWritable();
    libraryId();
    store::Transaction transaction(store_.database());
    Query(*this, store::kGiveGlobalIds)->run();  // versions an older Kiln (another tab) added
    const std::vector<ProjectRow> projects = projectRows(std::nullopt);
    size_t changed = 0;
    for (const ProjectRow& row : projects) changed += refreshProject(row) ? 1 : 0;
    std::vector<std::string> unlisted;
    {
        Query query(*this, kUnlistedVersions);
        while (query->step()) unlisted.push_back(query->columnText(0));
    }
    for (const std::string& global_id : unlisted) bumpChange(kVersionPrefix + global_id);
    transaction.commit();
    return changed + unlisted.size();
}

// ---------------------------------------------------------------------------------------------
// Reading
// ---------------------------------------------------------------------------------------------

std::vector<LocalChange> LibraryDocs::changesSince(uint64_t since, size_t limit) {
    std::vector<LocalChange> changes;
    {
        Query query(*this, kListChanges);
        query->bind(":since", static_cast<int64_t>(since)).bind(":limit", static_cast<int64_t>(limit));
        while (query->step()) changes.push_back({static_cast<uint64_t>(query->columnInt(0)), query->columnText(1), {}});
    }
    for (LocalChange& change : changes) {
        change.revs = startsWith(change.id, kProjectPrefix) ? projectTree(change.id).leaves()
                                                            : std::vector<std::string>{versionRev(change.id)};
    }
    return changes;
}

uint64_t LibraryDocs::changesAfter(uint64_t since) {
    Query query(*this, kCountChanges);
    query->bind(":since", static_cast<int64_t>(since)).step();
    return static_cast<uint64_t>(query->columnInt(0));
}

bool LibraryDocs::hasVersion(const std::string& global_id) {
    Query query(*this, kHasVersion);
    return query->bind(":global_id", global_id).step();
}

std::map<std::string, std::vector<std::string>> LibraryDocs::missingRevs(
    const std::map<std::string, std::vector<std::string>>& revs) {
    std::map<std::string, std::vector<std::string>> missing;
    for (const auto& [id, list] : revs) {
        if (startsWith(id, kVersionPrefix)) {
            const bool here = hasVersion(id.substr(8));
            for (const std::string& rev : list) {
                if (!here || rev != versionRev(id)) missing[id].push_back(rev);
            }
            continue;
        }
        const RevTree tree = projectTree(id);
        for (const std::string& rev : list) {
            if (!tree.has(rev)) missing[id].push_back(rev);
        }
    }
    return missing;
}

std::optional<json> LibraryDocs::getDoc(const std::string& id, const std::string& rev) {
    if (startsWith(id, kVersionPrefix)) {
        if (rev != versionRev(id)) return std::nullopt;
        json doc;
        bool made_here = false;
        {
            Query query(*this, kVersionDoc);
            if (!query->bind(":global_id", id.substr(8)).step()) return std::nullopt;
            const auto optional = [&](int column) {
                return query->isNull(column) ? json(nullptr) : json(query->columnInt(column));
            };
            doc = {{"_id", id},
                   {"_rev", rev},
                   {"_revisions", {{"start", 1}, {"ids", {rev.substr(2)}}}},
                   {"type", "version"},
                   {"project", query->columnText(0)},
                   {"parent", query->isNull(1) ? json(nullptr) : json(query->columnText(1))},
                   {"prompt", query->columnText(2)},
                   {"code", query->columnText(3)},
                   {"model", query->columnText(4)},
                   {"endpoint_label", query->columnText(5)},
                   {"created_at", query->columnInt(6)},
                   {"ttft_ms", optional(7)},
                   {"duration_ms", optional(8)},
                   {"prompt_tokens", optional(9)},
                   {"completion_tokens", optional(10)},
                   {"finish_reason", query->columnText(11)},
                   {"made_on", query->isNull(12) ? std::string() : query->columnText(12)}};
            made_here = query->isNull(12);
        }
        if (made_here) doc["made_on"] = libraryId();
        return doc;
    }
    const std::optional<RevBody> stored = revBody(id, rev);
    if (!stored || !stored->body.is_object()) return std::nullopt;
    json doc = stored->body;
    const RevPath path = projectTree(id).pathTo(rev);
    doc["_id"] = id;
    doc["_rev"] = rev;
    doc["_revisions"] = {{"start", path.start}, {"ids", path.ids}};
    if (stored->deleted) doc["_deleted"] = true;
    return doc;
}

// ---------------------------------------------------------------------------------------------
// Storing
// ---------------------------------------------------------------------------------------------

size_t LibraryDocs::putDocs(const std::vector<json>& docs) {
    store_.requireWritable();
    libraryId();
    store::Transaction transaction(store_.database());
    Query(*this, store::kGiveGlobalIds)->run();  // every version numbered below has one
    size_t refused = 0;
    std::set<int64_t> renumber;
    // Projects first, then versions by when they were made, so that a version's project (and,
    // mostly, its parent) is here before it when they come together.
    std::vector<const json*> ordered;
    for (const json& doc : docs) ordered.push_back(&doc);
    const auto rank = [](const json* doc) {
        const auto id = doc->is_object() ? doc->find("_id") : json::const_iterator();
        const bool version = doc->is_object() && id != doc->end() && id->is_string() &&
                             startsWith(id->get<std::string>(), kVersionPrefix);
        const auto created_at = version ? doc->find("created_at") : json::const_iterator();
        return std::make_pair(version,
                              version && created_at->is_number_integer() ? created_at->get<int64_t>() : int64_t{0});
    };
    std::stable_sort(ordered.begin(), ordered.end(), [&](const json* a, const json* b) { return rank(a) < rank(b); });
    for (const json* each : ordered) {
        const json& doc = *each;
        const std::optional<std::string> id = doc.is_object() ? stringOf(doc, "_id", true) : std::nullopt;
        const std::optional<RevPath> path = id ? revisionsOf(doc) : std::nullopt;
        const std::optional<bool> deleted = id ? deletedOf(doc) : std::nullopt;
        bool kept = false;
        if (path && deleted && startsWith(*id, kProjectPrefix)) kept = putProject(doc, *path, *deleted);
        if (path && deleted && !*deleted && startsWith(*id, kVersionPrefix)) kept = putVersion(doc, renumber);
        if (!kept) refused++;
    }
    // A parent that came after its child (another batch, another order) is linked now.
    Query(*this, kLinkPendingParents)->run();
    Query(*this, kForgetLinkedParents)->run();
    for (const int64_t project_id : renumber) this->renumber(project_id);
    transaction.commit();
    return refused;
}

bool LibraryDocs::putProject(const json& doc, const RevPath& path, bool deleted) {
    const std::string id = doc["_id"].get<std::string>();
    const std::string public_id = id.substr(8);
    if (!isHex(public_id, 16)) return false;
    json body = json::object();
    for (const auto& [key, value] : doc.items()) {
        if (key.empty() || key[0] != '_') body[key] = value;
    }
    if (!deleted && !projectFields(body)) return false;

    // A change here not yet made a revision becomes one first, so that it is merged, not lost.
    // A placeholder's (made for versions that came first) is made one on top of what came.
    const std::optional<ProjectRow> before = projectRow(public_id);
    if (before) refreshProject(*before);
    RevTree tree = projectTree(id);
    if (!tree.add(path, deleted)) return true;  // known here already
    const std::vector<std::string> revs = path.revs();
    for (size_t i = 0; i < revs.size(); i++) {
        const std::string parent = i + 1 < revs.size() ? revs[i + 1] : std::string();
        Query insert(*this, kInsertRev);
        insert->bind(":doc_id", id)
            .bind(":rev", revs[i])
            .bind(":parent", parent)
            .bind(":deleted", i == 0 && deleted ? 1 : 0);
        if (i == 0) {
            insert->bind(":body", body.dump());
        } else {
            insert->bind(":body", nullptr);
        }
        insert->run();
        if (!parent.empty())
            Query(*this, kLearnParent)->bind(":doc_id", id).bind(":rev", revs[i]).bind(":parent", parent).run();
    }
    applyWinner(public_id);
    bumpChange(id);
    if (before && before->placeholder) {
        const bool renamed = before->project.name != kPlaceholderProjectName;
        const bool trashed = before->project.deleted_at.has_value();
        if (renamed || trashed) {
            std::optional<ProjectRow> now = projectRow(public_id);
            if (renamed) now->project.name = before->project.name;
            if (trashed) now->project.deleted_at = before->project.deleted_at;
            Query(*this, kApplyProject)
                ->bind(":project_id", now->project.id)
                .bind(":name", now->project.name)
                .bind(":created_at", now->project.created_at)
                .bind(":deleted_at", now->project.deleted_at)
                .bind(":now", store_.now())
                .run();
            refreshProject(*now);
        }
    }
    return true;
}

// The project's row follows its document's winner; the row is then no placeholder.
void LibraryDocs::applyWinner(const std::string& public_id) {
    const std::string doc_id = kProjectPrefix + public_id;
    const std::optional<RevBody> winner = revBody(doc_id, projectTree(doc_id).winner());
    if (!winner) return;
    const std::optional<ProjectFields> fields = winner->deleted ? std::nullopt : projectFields(winner->body);
    const std::optional<ProjectRow> row = projectRow(public_id);
    if (!row) {
        if (!fields) return;  // a deletion of a project never seen here: nothing to show
        Query(*this, kCreateSyncedProject)
            ->bind(":public_id", public_id)
            .bind(":name", fields->name)
            .bind(":created_at", fields->created_at)
            .bind(":now", store_.now())
            .bind(":deleted_at", fields->deleted_at)
            .run();
        return;
    }
    if (winner->deleted) {
        Query(*this, kTrashProject)->bind(":now", store_.now()).bind(":project_id", row->project.id).run();
    } else if (fields) {
        Query(*this, kApplyProject)
            ->bind(":project_id", row->project.id)
            .bind(":name", fields->name)
            .bind(":created_at", fields->created_at)
            .bind(":deleted_at", fields->deleted_at)
            .bind(":now", store_.now())
            .run();
    }
    Query(*this, kRemovePlaceholder)->bind(":project_id", row->project.id).run();
}

bool LibraryDocs::putVersion(const json& doc, std::set<int64_t>& renumber) {
    const std::string id = doc["_id"].get<std::string>();
    const std::string global_id = id.substr(8);
    if (!isHex(global_id, 32) || doc["_rev"] != versionRev(id)) return false;
    const std::optional<std::string> type = stringOf(doc, "type", true);
    const std::optional<std::string> project = stringOf(doc, "project", true);
    const std::optional<std::string> prompt = stringOf(doc, "prompt", false);
    const std::optional<std::string> code = stringOf(doc, "code", true);
    const std::optional<std::string> model = stringOf(doc, "model", false);
    const std::optional<std::string> endpoint_label = stringOf(doc, "endpoint_label", false);
    const std::optional<std::string> finish_reason = stringOf(doc, "finish_reason", false);
    const std::optional<std::string> made_on = stringOf(doc, "made_on", true);
    std::optional<int64_t> created_at, ttft_ms, duration_ms, prompt_tokens, completion_tokens;
    std::optional<std::string> parent;
    if (const auto it = doc.find("parent"); it != doc.end() && !it->is_null()) {
        if (!it->is_string() || !isHex(it->get<std::string>(), 32)) return false;
        parent = it->get<std::string>();
    }
    if (!type || *type != "version" || !project || !isHex(*project, 16) || !prompt || !code || !model ||
        !endpoint_label || !finish_reason || !made_on || !isHex(*made_on, 32) ||
        !countOf(doc, "created_at", true, created_at) || !countOf(doc, "ttft_ms", false, ttft_ms) ||
        !countOf(doc, "duration_ms", false, duration_ms) || !countOf(doc, "prompt_tokens", false, prompt_tokens) ||
        !countOf(doc, "completion_tokens", false, completion_tokens)) {
        return false;
    }
    if (hasVersion(global_id)) return true;  // here already

    int64_t project_id = 0;
    if (const std::optional<ProjectRow> row = projectRow(*project)) {
        project_id = row->project.id;
    } else {
        {
            Query create(*this, kCreateSyncedProject);
            create->bind(":public_id", *project)
                .bind(":name", kPlaceholderProjectName)
                .bind(":created_at", *created_at)
                .bind(":now", store_.now())
                .bind(":deleted_at", nullptr)
                .step();
            project_id = create->columnInt(0);
        }
        Query(*this, kAddPlaceholder)->bind(":project_id", project_id).run();
        // Its document may be here as a deletion only (applyWinner made no row for it).
        if (!projectTree(kProjectPrefix + *project).empty()) applyWinner(*project);
    }
    int64_t version_id = 0;
    {
        Query insert(*this, kInsertSyncedVersion);
        insert->bind(":project_id", project_id)
            .bind(":parent", parent)
            .bind(":prompt", *prompt)
            .bind(":code", *code)
            .bind(":model", *model)
            .bind(":endpoint_label", *endpoint_label)
            .bind(":created_at", *created_at)
            .bind(":ttft_ms", ttft_ms)
            .bind(":duration_ms", duration_ms)
            .bind(":prompt_tokens", prompt_tokens)
            .bind(":completion_tokens", completion_tokens)
            .bind(":finish_reason", *finish_reason)
            .step();
        version_id = insert->columnInt(0);
    }
    Query(*this, store::kIndexVersion)
        ->bind(":new_version_id", version_id)
        .bind(":prompt", *prompt)
        .bind(":code", *code)
        .run();
    Query(*this, store::kNewGlobalId)->bind(":new_version_id", version_id).bind(":global_id", global_id).run();
    if (parent && !hasVersion(*parent)) {
        Query(*this, kAddPendingParent)->bind(":new_version_id", version_id).bind(":parent", *parent).run();
    }
    if (*made_on != libraryId()) {
        Query(*this, kInsertOrigin)->bind(":new_version_id", version_id).bind(":library_id", *made_on).run();
    }
    Query(*this, kTouchProjectAt)->bind(":at", *created_at).bind(":project_id", project_id).run();
    bumpChange(id);
    renumber.insert(project_id);
    return true;
}

void LibraryDocs::renumber(int64_t project_id) {
    {
        Query misnumbered(*this, kMisnumbered);
        misnumbered->bind(":project_id", project_id).step();
        if (misnumbered->columnInt(0) == 0) return;
    }
    Query(*this, kRenumberByRank)->bind(":project_id", project_id).run();
    Query(*this, kRenumberPositive)->bind(":project_id", project_id).run();
}

// ---------------------------------------------------------------------------------------------
// Checkpoints
// ---------------------------------------------------------------------------------------------

std::optional<std::string> LibraryDocs::checkpoint(const std::string& id) {
    Query query(*this, kGetCheckpoint);
    if (!query->bind(":id", id).step()) return std::nullopt;
    return query->columnText(0);
}

void LibraryDocs::setCheckpoint(const std::string& id, const std::string& last_seq) {
    store_.requireWritable();
    Query(*this, kSetCheckpoint)->bind(":id", id).bind(":last_seq", last_seq).run();
}

}  // namespace kiln::sync
