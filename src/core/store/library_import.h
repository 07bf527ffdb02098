// Kiln: a library file from outside, read as data and never as code or settings.
//
// Index
//   ImportRefused          why a file is refused: a plain sentence, and the technical detail apart
//   ImportSummary          what a checked file holds ("12 projects, 85 versions, made by Kiln schema 1")
//   checkImportHeader      what the bytes must look like before SQLite reads them
//   refuseDamaged, refuseNewer   the other refusals DurableDatabase::importBytes shares
//   ImportFile             checks a file, then copies its content row by row: addTo, buildLibrary
//   projectsFile           some projects of a library as a file of their own (a .kiln file)
//   schemaDifference       the first way a database's schema differs from the migrations'
//   removeForeignObjects   drops what the migrations do not make from a library being opened
//
// How a file is read. Its bytes are opened in a second, private, read-only connection (every
// Database is defensive: DEFENSIVE on, TRUSTED_SCHEMA off, triggers and views off; extension
// loading is compiled out). PRAGMA quick_check, Kiln's application id and a schema version
// 0 < user_version <= current come first. Then its schema is compared, object by object, with
// the one Kiln's migrations 1..user_version make in memory: sqlite_schema rows (type, name,
// table, normalised SQL) and each table's columns (table_xinfo). Any difference refuses the file.
// What passes is copied with bound parameters into a database the migrations built, its values
// checked on the way; the settings table (endpoints, keys, theme) is never read.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/store/schema.h"
#include "core/store/sqlite.h"

namespace kiln::store {

// A refused file. what() is for the user: what was found, in plain words, ending "Nothing was
// changed."; it never quotes SQL. detail() is the technical part (SQLite's words, the schema's
// SQL), for a Details toggle.
class ImportRefused : public StoreError {
public:
    ImportRefused(StoreErrorKind kind, const std::string& message, std::string detail = {})
        : StoreError(kind, message), detail_(std::move(detail)) {}
    const std::string& detail() const { return detail_; }

private:
    std::string detail_;
};

// Checks what a file's bytes must look like before SQLite reads them: SQLite's header, a page
// size SQLite allows, whole pages, a file format this SQLite reads. Throws ImportRefused
// (NotSqlite) naming the first that fails.
void checkImportHeader(const std::vector<uint8_t>& bytes);
// Throws the ImportRefused (NotSqlite) for a file SQLite finds damaged; `detail` in SQLite's words.
[[noreturn]] void refuseDamaged(const std::string& detail);
// Throws the ImportRefused (ReadOnly) for a file made by a newer Kiln, at schema `version`.
[[noreturn]] void refuseNewer(int64_t version);

struct ImportSummary {
    int schema_version = 0;
    int64_t projects = 0;  // live and in the trash
    int64_t versions = 0;
};

// "12 projects, 85 versions, made by Kiln schema 1".
std::string describeImport(const ImportSummary& summary);

// How a schema differs from the reference, in words for the user and in detail.
struct SchemaDifference {
    std::string type;     // "table", "index", "trigger", "view"
    std::string name;     // the object's name
    std::string message;  // "This file has a trigger named “x” that Kiln does not make."
    std::string detail;   // the SQL on both sides
    bool extra = false;   // an object Kiln's migrations do not make at all
};

// The first difference between db's schema and reference's (sqlite_schema rows and table
// columns); nothing when they are the same. `whose` begins the messages ("This file", "The
// library"). Throws SqliteError when db's schema cannot be read.
std::optional<SchemaDifference> schemaDifference(Database& db, Database& reference, const std::string& whose);

// Drops from db every trigger, view, index and table that migrations 1..version of `list` do
// not make, and returns them in words ("a trigger named “x”"). Objects the migrations make but
// that were changed are left (and reported the same way when they cannot be told apart). Used
// by openSchema on every library it opens.
std::vector<std::string> removeForeignObjects(Database& db, int version, const std::vector<Migration>& list);

class ImportFile {
public:
    // Checks `bytes` as described above; throws ImportRefused (NotSqlite for damaged or
    // non-SQLite bytes, NotKiln for another application's file or a schema Kiln does not make,
    // ReadOnly for a newer Kiln's) having changed nothing.
    static ImportFile check(const std::vector<uint8_t>& bytes);

    const ImportSummary& summary() const { return summary_; }

    // Adds every project of the file to `library` (a Kiln database at the current schema) as new
    // projects with new ids and public ids, in one transaction: a name that collides with a live
    // project's gets " (2)", " (3)", ... Nothing already in the library is changed. Returns the
    // number of projects added. Throws (SqliteError, StoreError) having added nothing.
    int64_t addTo(Database& library, const std::function<int64_t()>& clock);

    // A new library image (a SQLite file): the migrations up to the file's schema version, its
    // content copied in (ids kept where valid), then migrated to the current schema. The settings
    // come from `settings_from` (the library in use), never from the file.
    std::vector<uint8_t> buildLibrary(Database* settings_from, const std::function<int64_t()>& clock);

private:
    explicit ImportFile(Database db) : db_(std::move(db)) {}
    Database db_;
    ImportSummary summary_;
};

// A file of the projects `project_ids` of the library `image` (a Kiln database at the current
// schema) for another library to add: a copy of the image keeps only those projects and no
// settings, and the file is built from it as Replace builds a library (ImportFile::check, then
// buildLibrary without settings). So it holds their versions, app data, consoles, public and
// global ids, and nothing else of the library: no other project or setting, in no free page, and
// not even row ids that would tell how many other projects and versions there are. Ids of no
// project are ignored. Throws ImportRefused for a library of a newer Kiln (it may hold what this
// Kiln does not know to leave out), SqliteError if the image cannot be read.
std::vector<uint8_t> projectsFile(const std::vector<uint8_t>& image, const std::vector<int64_t>& project_ids,
                                  const std::function<int64_t()>& clock);

// Text as valid UTF-8: each invalid byte becomes U+FFFD.
std::string validUtf8(std::string_view text);

}  // namespace kiln::store
