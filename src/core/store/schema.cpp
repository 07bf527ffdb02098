#include "core/store/schema.h"

#include <sqlite3.h>

#include <cstdio>

namespace kiln::store {

// ---------------------------------------------------------------------------------------------
// The released migrations. Never edit one that has shipped: append a new one.
// ---------------------------------------------------------------------------------------------

const std::vector<Migration>& migrations() {
    static const std::vector<Migration> kMigrations = {
        {1, "projects, versions and settings", R"sql(
CREATE TABLE projects (
    id          INTEGER PRIMARY KEY,
    public_id   TEXT    NOT NULL UNIQUE,           -- stable id for links: 16 hex digits
    name        TEXT    NOT NULL,
    created_at  INTEGER NOT NULL,                  -- milliseconds since 1970, UTC
    updated_at  INTEGER NOT NULL,
    deleted_at  INTEGER                            -- set while in the trash; NULL otherwise
);
CREATE INDEX projects_by_update ON projects (updated_at DESC, id DESC) WHERE deleted_at IS NULL;

CREATE TABLE versions (
    id                INTEGER PRIMARY KEY,
    project_id        INTEGER NOT NULL REFERENCES projects (id),
    number            INTEGER NOT NULL,            -- 1, 2, 3, ... within the project
    parent_id         INTEGER REFERENCES versions (id),
    prompt            TEXT    NOT NULL DEFAULT '',
    code              TEXT    NOT NULL,
    model             TEXT    NOT NULL DEFAULT '',
    endpoint_label    TEXT    NOT NULL DEFAULT '',
    created_at        INTEGER NOT NULL,
    ttft_ms           INTEGER,                     -- time to first token
    duration_ms       INTEGER,
    prompt_tokens     INTEGER,
    completion_tokens INTEGER,
    finish_reason     TEXT    NOT NULL DEFAULT '',
    UNIQUE (project_id, number)
);

CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;
)sql"},
        {2, "app data", R"sql(
-- What a project's generated app keeps with localStorage (src/app/app_data.h): its keys and values.
CREATE TABLE app_data (
    project_id  INTEGER NOT NULL REFERENCES projects (id),
    key         TEXT    NOT NULL,
    value       TEXT    NOT NULL,
    chars       INTEGER NOT NULL,                  -- characters of key and value (what the cap counts)
    PRIMARY KEY (project_id, key)
) WITHOUT ROWID;
)sql"},
        {3, "version console", R"sql(
-- What the app of each version reported in its last run in the preview (src/app/preview_console.h).
CREATE TABLE version_console (
    version_id  INTEGER PRIMARY KEY REFERENCES versions (id),
    entries     TEXT    NOT NULL,                  -- a JSON array of {"level", "text", "line", "column"}, oldest first
    dropped     INTEGER NOT NULL DEFAULT 0,        -- entries not kept: past the cap, or dropped by the app's frame
    errors      INTEGER NOT NULL DEFAULT 0,        -- entries of level "error" among `entries`
    updated_at  INTEGER NOT NULL
);
)sql"},
        {4, "search", R"sql(
-- Full-text search over what each version was asked for and what it is (FTS4: sql.js has it too).
-- The text stays in versions (external content, docid = versions.id); the store adds each new
-- version to the index (kIndexVersion in schema.h).
CREATE VIRTUAL TABLE version_search USING fts4(content="versions", prompt, code, tokenize=unicode61);
INSERT INTO version_search (docid, prompt, code) SELECT id, prompt, code FROM versions;
)sql"},
        {5, "global version ids", R"sql(
-- Each version's id in every library it reaches (for sync; kGlobalIdSchemaVersion in schema.h):
-- 32 random hex digits, given when the version is made (or here, for those made before) and never
-- changed. A table of its own, so that this step writes a row per version instead of rewriting
-- every version's row (and the pages of its code).
CREATE TABLE version_global_ids (
    version_id  INTEGER PRIMARY KEY REFERENCES versions (id),
    global_id   TEXT    NOT NULL UNIQUE
);
INSERT INTO version_global_ids (version_id, global_id) SELECT id, lower(hex(randomblob(16))) FROM versions;
)sql"},
        {6, "sync", R"sql(
-- The library as CouchDB documents, for sync (src/core/sync/library_docs.h). An import copies
-- none of it: a library's sync state is its own.
-- This library's document changes, each document once, at the sequence of its last change.
CREATE TABLE sync_changes (
    seq     INTEGER PRIMARY KEY,                   -- only grows: max + 1 for every change
    doc_id  TEXT    NOT NULL UNIQUE                -- "project:<public id>" or "version:<global id>"
);
-- The revisions of each project's document (a version's document has one, made from its id).
CREATE TABLE sync_revs (
    doc_id   TEXT    NOT NULL,
    rev      TEXT    NOT NULL,                     -- "<generation>-<hash>"
    parent   TEXT    NOT NULL DEFAULT '',          -- '' for the oldest revision known here
    deleted  INTEGER NOT NULL DEFAULT 0,
    body     TEXT,                                 -- the document's members as JSON; NULL if never seen
    PRIMARY KEY (doc_id, rev)
) WITHOUT ROWID;
-- Where each replication got to (src/core/sync/replicator.h), as this side recorded it.
CREATE TABLE sync_checkpoints (
    id        TEXT PRIMARY KEY,
    last_seq  TEXT NOT NULL
) WITHOUT ROWID;
-- The library that made each version that came by sync (versions made here have no row).
CREATE TABLE version_origins (
    version_id  INTEGER PRIMARY KEY REFERENCES versions (id),
    library_id  TEXT    NOT NULL
);
-- Projects made by sync for a version that came before its project's document.
CREATE TABLE sync_placeholders (
    project_id  INTEGER PRIMARY KEY REFERENCES projects (id)
);
-- The parent of each version that came by sync before its parent did, until the parent comes.
CREATE TABLE sync_pending_parents (
    version_id        INTEGER PRIMARY KEY REFERENCES versions (id),
    parent_global_id  TEXT    NOT NULL
);
)sql"},
    };
#ifdef KILN_APPEND_EMPTY_MIGRATION
    // Never in Kiln itself: only the unit tests' second build (kiln_tests_next_schema, see
    // tests/unit/CMakeLists.txt) defines it. It appends one migration that changes nothing, as
    // the next compatible release will append its own, so the whole suite shows it holds for a
    // schema that has grown by one step.
    static const std::vector<Migration> kWithNextStep = [] {
        std::vector<Migration> list = kMigrations;
        list.push_back({list.back().version + 1, "an empty step (test build)", ""});
        return list;
    }();
    return kWithNextStep;
#else
    return kMigrations;
#endif
}

int currentSchemaVersion() {
    return migrations().back().version;
}

// ---------------------------------------------------------------------------------------------
// Opening
// ---------------------------------------------------------------------------------------------

namespace {

std::string hex32(int64_t value) {
    char buffer[16];
    std::snprintf(buffer, sizeof buffer, "0x%08X", static_cast<unsigned>(value));
    return buffer;
}

void runMigration(Database& db, const Migration& migration) {
    try {
        Transaction transaction(db);
        db.exec(migration.sql);
        if (migration.version == 1) db.exec("PRAGMA application_id = " + std::to_string(kApplicationId));
        db.exec("PRAGMA user_version = " + std::to_string(migration.version));
        transaction.commit();
    } catch (const SqliteError& error) {
        throw StoreError(StoreErrorKind::MigrationFailed,
                         "Upgrading the database to schema version " + std::to_string(migration.version) + " (" +
                             migration.name + ") failed: " + error.what() +
                             ". That step was undone, so the database is as it was before it. "
                             "Export a copy of it and report the problem.");
    }
}

}  // namespace

SchemaStatus openSchema(Database& db, const std::vector<Migration>& list) {
    int64_t application_id = 0;
    int64_t found = 0;
    try {
        Statement header(db,
                         "SELECT (SELECT application_id FROM pragma_application_id),"
                         " (SELECT user_version FROM pragma_user_version)");
        header.step();
        application_id = header.columnInt(0);
        found = header.columnInt(1);
    } catch (const SqliteError& error) {
        if (error.primaryCode() == SQLITE_NOTADB || error.primaryCode() == SQLITE_CORRUPT) {
            throw StoreError(StoreErrorKind::NotSqlite,
                             std::string("This file is not a Kiln database: it is not a SQLite database, or it is "
                                         "damaged (") +
                                 error.what() + "). Nothing was changed.");
        }
        throw;
    }

    if (application_id != kApplicationId) {
        bool empty = application_id == 0 && found == 0 && db.queryInt("SELECT count(*) FROM sqlite_schema") == 0;
        if (!empty) {
            throw StoreError(StoreErrorKind::NotKiln,
                             application_id == 0
                                 ? "This SQLite database belongs to another application (it has tables but no Kiln "
                                   "application id). Nothing was changed."
                                 : "This SQLite database belongs to another application (application id " +
                                       hex32(application_id) + "). Nothing was changed.");
        }
    }

    SchemaStatus status;
    status.found_version = static_cast<int>(found);
    const int current = list.empty() ? 0 : list.back().version;
    if (found > current) {
        db.exec("PRAGMA query_only = 1");
        status.schema_version = static_cast<int>(found);
        status.read_only = true;
        status.message = "This database was made by a newer Kiln (schema version " + std::to_string(found) +
                         "; this Kiln knows up to " + std::to_string(current) +
                         "). It is open read-only so that nothing in it is lost: update Kiln to change it.";
        return status;
    }
    for (const Migration& migration : list) {
        if (migration.version > found) runMigration(db, migration);
    }
    // Versions that an older Kiln (a tab still open on it) added since get their global ids.
    if (current >= kGlobalIdSchemaVersion) db.exec(kGiveGlobalIds);
    status.schema_version = current;
    return status;
}

Database referenceSchema(int version, const std::vector<Migration>& list) {
    Database db(":memory:");
    for (const Migration& migration : list) {
        if (migration.version <= version) runMigration(db, migration);
    }
    return db;
}

}  // namespace kiln::store
