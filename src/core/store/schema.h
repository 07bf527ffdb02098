// Kiln: the database schema and its migrations.
//
// Index
//   StoreError        a failure Kiln explains to the user (not SQLite's words alone)
//   Migration         one released, never-edited step of the schema
//   migrations()      the ordered list; its last version is the current schema
//   openSchema()      checks a freshly opened database and brings it to the current schema
//
// Rules (see CONTRIBUTING.md, "Add a migration"): append only; expand only (new tables, new columns
// with defaults, new indexes); a released migration is never edited; each runs in its own
// transaction together with the PRAGMA user_version that records it.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/store/sqlite.h"

namespace kiln::store {

enum class StoreErrorKind {
    NotSqlite,        // the bytes are not a SQLite database (or are damaged beyond reading)
    NotKiln,          // a SQLite database, but another application's
    MigrationFailed,  // a migration failed; its transaction was rolled back
    ReadOnly,         // the database was opened read-only (made by a newer Kiln)
    NotFound,         // no such project or version
    InvalidArgument,  // a value the user gave cannot be stored as it is
};

// what() is a complete sentence for the user: what happened, and what to do about it.
class StoreError : public std::runtime_error {
public:
    StoreError(StoreErrorKind kind, const std::string& message) : std::runtime_error(message), kind_(kind) {}
    StoreErrorKind kind() const { return kind_; }

private:
    StoreErrorKind kind_;
};

// "KILN" in ASCII, stored in the database header (PRAGMA application_id).
constexpr int32_t kApplicationId = 0x4B494C4E;

struct Migration {
    int version;       // the PRAGMA user_version after it ran: 1, 2, 3, ... without gaps
    const char* name;  // shown in errors
    const char* sql;   // one or more statements
};

// The schema version that made version_search, the full-text index of versions, and the statement
// that adds a version to it (every insert into versions is followed by it).
constexpr int kSearchSchemaVersion = 4;
constexpr const char kIndexVersion[] =
    "INSERT INTO version_search (docid, prompt, code) VALUES (:new_version_id, :prompt, :code)";

// The schema version that gave each version a global id (the version_global_ids table: 32 random
// lowercase hex digits, unique in the library), the statement that gives a new version its id
// (insertVersion and an import run it for each version they add), and the one that gives every
// version without one its id (openSchema runs it on every open: an older Kiln adds none).
constexpr int kGlobalIdSchemaVersion = 5;
// (kNewGlobalId: a random id unless :global_id is bound.)
constexpr const char kNewGlobalId[] =
    "INSERT INTO version_global_ids (version_id, global_id)"
    " VALUES (:new_version_id, coalesce(:global_id, lower(hex(randomblob(16)))))";
constexpr const char kGiveGlobalIds[] =
    "INSERT INTO version_global_ids (version_id, global_id) SELECT id, lower(hex(randomblob(16))) FROM versions"
    " WHERE id NOT IN (SELECT version_id FROM version_global_ids)";

// The schema version that made the tables of sync (sync_changes, sync_revs, sync_checkpoints,
// version_origins, sync_placeholders, sync_pending_parents: src/core/sync/library_docs.h).
constexpr int kSyncSchemaVersion = 6;

// The released migrations, oldest first.
const std::vector<Migration>& migrations();
int currentSchemaVersion();

struct SchemaStatus {
    int found_version = 0;   // user_version when opened (0 for a new database)
    int schema_version = 0;  // user_version now
    bool read_only = false;  // made by a newer Kiln: opened read-only, never written
    std::string message;     // why it is read-only; empty otherwise
    // Schema objects Kiln's migrations do not make (an earlier import brought them), removed by
    // Store when it opened the database, in words: "a trigger named “x” that Kiln does not make".
    std::vector<std::string> removed;
};

// A new in-memory database holding exactly what migrations 1..version of `list` make: the
// reference an imported file or an opened library is compared with.
Database referenceSchema(int version, const std::vector<Migration>& list = migrations());

// Checks that db is empty or Kiln's, then runs the migrations of `list` that it lacks, each in
// its own transaction. When the schema is current this costs one query of the header.
//
// Throws StoreError: NotSqlite (not a database), NotKiln (another application id, or tables
// without Kiln's id), MigrationFailed (the failing migration was rolled back: the database is as
// it was before that migration). A database whose user_version is newer than `list` knows is set
// to PRAGMA query_only and reported read_only; nothing is ever written to it. (Store's
// constructor then removes what the migrations do not make: library_import.h.)
SchemaStatus openSchema(Database& db, const std::vector<Migration>& list = migrations());

}  // namespace kiln::store
