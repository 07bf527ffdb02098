// Kiln: a library as CouchDB documents, the side of sync that Kiln keeps.
//
// Index
//   The documents        what a project and a version look like to a CouchDB peer
//   LibraryDocs          LocalDocs over a library: refresh, changes, revisions, storing, checkpoints
//   libraryDocsQueries   every statement it runs, by name (kept in the query fixtures)
//
// The documents.
//   "project:<public id>"  {"type": "project", "name", "created_at", "deleted_at": ms or null}
//       Its revisions are kept (sync_revs), with their bodies. Renaming, trashing or restoring
//       a project here makes a revision at the next refresh(). Two libraries that renamed it
//       apart both keep both revisions after sync; CouchDB's winner names the project on both,
//       and the other name stays in its history. Trashing is a revision like any other, so it
//       syncs and can be undone; a project whose every revision is a deletion (`_deleted`, made by
//       another CouchDB client) goes to the trash, where it can be restored.
//   "version:<global id>"  {"type": "version", "project": public id, "parent": global id or null,
//       "prompt", "code", "model", "endpoint_label", "created_at", "ttft_ms", "duration_ms",
//       "prompt_tokens", "completion_tokens", "finish_reason", "made_on": the id of the library
//       that made it}
//       Immutable, as versions are: its one revision is "1-" + contentHash(id), its body is its
//       row. Its number is not in it: numbers are each library's own (below).
//   App data, consoles, settings and keys are not documents: they never leave the library.
//
// Numbering. A version that comes by sync is added to its project (which is made, named
// "Synced project", if its document has not come yet), and then the project's versions are
// numbered 1, 2, 3… by when they were made (created_at, then global id). Two libraries that each
// made "version 4" apart therefore both end with the earlier as 4 and the later as 5, the later
// marked on the library that did not make it (version_origins); versions made before the fork
// keep their numbers. This is the only way a number once shown changes.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "core/store/store.h"
#include "core/sync/replicator.h"
#include "core/sync/rev_tree.h"

namespace kiln::sync {

constexpr char kPlaceholderProjectName[] = "Synced project";

class LibraryDocs : public LocalDocs {
public:
    // Over `store`'s library (of schema kSyncSchemaVersion or later). Every method that writes
    // throws StoreError(ReadOnly) on a library opened read-only.
    explicit LibraryDocs(store::Store& store);

    // This library's id in documents and replications: 32 hex digits, made on first use and kept
    // in the settings (which no file carries: a library imported elsewhere gets its own).
    std::string libraryId();

    // Makes the documents follow the library: a revision for each project changed since the last
    // refresh (or never seen), a change for each version not yet listed. One transaction; does
    // not write when nothing changed. A pass calls it first. Returns how many documents changed:
    // changes made here since the last refresh.
    size_t refresh();

    std::vector<LocalChange> changesSince(uint64_t since, size_t limit) override;
    uint64_t changesAfter(uint64_t since) override;
    std::map<std::string, std::vector<std::string>> missingRevs(
        const std::map<std::string, std::vector<std::string>>& revs) override;
    std::optional<nlohmann::json> getDoc(const std::string& id, const std::string& rev) override;
    // Keeps what another library made (see the documents above; anything else is refused), in one
    // transaction, then numbers the versions of each project that got one.
    size_t putDocs(const std::vector<nlohmann::json>& docs) override;
    std::optional<std::string> checkpoint(const std::string& id) override;
    void setCheckpoint(const std::string& id, const std::string& last_seq) override;

private:
    class Query;
    struct RevBody {
        nlohmann::json body;  // null when never seen (an ancestor)
        bool deleted = false;
    };
    struct ProjectRow {
        store::Project project;
        bool placeholder = false;  // made for versions that came before its document
    };

    void bumpChange(const std::string& doc_id);
    RevTree projectTree(const std::string& doc_id);
    std::optional<RevBody> revBody(const std::string& doc_id, const std::string& rev);
    std::vector<ProjectRow> projectRows(const std::optional<std::string>& public_id);  // nullopt: all
    std::optional<ProjectRow> projectRow(const std::string& public_id);
    bool hasVersion(const std::string& global_id);
    bool refreshProject(const ProjectRow& row);  // whether it made a revision
    bool putProject(const nlohmann::json& doc, const RevPath& path, bool deleted);
    bool putVersion(const nlohmann::json& doc, std::set<int64_t>& renumber);
    void applyWinner(const std::string& public_id);
    void renumber(int64_t project_id);

    store::Store& store_;
    std::map<const char*, std::unique_ptr<store::Statement>> statements_;
};

// Every statement LibraryDocs runs, by name.
const std::vector<store::NamedQuery>& libraryDocsQueries();

}  // namespace kiln::sync
