// Kiln: a library file from outside, read as data.
//
// Index
//   Words          names and text shown to the user: valid UTF-8, short, never SQL
//   Schema         reading sqlite_schema and table_xinfo; normalised SQL; the first difference
//   Foreign        removing what the migrations do not make from a library being opened
//   Check          the defensive connection and the checks, in order
//   Copy           row by row, with bound parameters, values checked on the way
#include "core/store/library_import.h"

#include "core/store/store.h"

#include "core/codegen/utf8.h"

#include <sqlite3.h>

#include <algorithm>
#include <cctype>
#include <cstddef>
#include <cstdio>
#include <cstring>
#include <map>
#include <optional>
#include <set>
#include <string_view>

namespace kiln::store {

// ---------------------------------------------------------------------------------------------
// Words
// ---------------------------------------------------------------------------------------------

std::string validUtf8(std::string_view text) {
    static const char kReplacement[] = "\xEF\xBF\xBD";
    std::string out;
    out.reserve(text.size());
    size_t i = 0;
    while (i < text.size()) {
        const auto c = static_cast<unsigned char>(text[i]);
        size_t length = 0;
        uint32_t min = 0;
        if (c < 0x80) {
            out.push_back(static_cast<char>(c));
            ++i;
            continue;
        } else if (c >= 0xC2 && c <= 0xDF) {
            length = 2, min = 0x80;
        } else if (c >= 0xE0 && c <= 0xEF) {
            length = 3, min = 0x800;
        } else if (c >= 0xF0 && c <= 0xF4) {
            length = 4, min = 0x10000;
        }
        bool valid = length != 0 && i + length <= text.size();
        uint32_t code = length == 2 ? c & 0x1F : length == 3 ? c & 0x0F : c & 0x07;
        for (size_t k = 1; valid && k < length; ++k) {
            const auto next = static_cast<unsigned char>(text[i + k]);
            if ((next & 0xC0) != 0x80) valid = false;
            code = code << 6 | (next & 0x3F);
        }
        if (valid && (code < min || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF))) valid = false;
        if (valid) {
            out.append(text.substr(i, length));
            i += length;
        } else {
            out += kReplacement;
            ++i;
        }
    }
    return out;
}

namespace {

// A name from a file, fit to be shown: valid UTF-8, no control characters, at most ~60 bytes.
std::string shownName(const std::string& name) {
    std::string text = validUtf8(name);
    for (char& c : text) {
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) c = '?';
    }
    constexpr size_t kMax = 60;
    if (text.size() > kMax) text = text.substr(0, codegen::utf8CutPoint(text, kMax)) + "…";
    return "“" + text + "”";
}

std::string article(const std::string& type) {
    return type == "index" ? "an" : "a";
}

[[noreturn]] void refuse(StoreErrorKind kind, const std::string& what, const std::string& detail = {}) {
    throw ImportRefused(kind, what + " Nothing was changed.", detail);
}

}  // namespace

std::string describeImport(const ImportSummary& summary) {
    auto count = [](int64_t n, const char* one, const char* many) {
        return std::to_string(n) + " " + (n == 1 ? one : many);
    };
    return count(summary.projects, "project", "projects") + ", " + count(summary.versions, "version", "versions") +
           ", made by Kiln schema " + std::to_string(summary.schema_version);
}

// ---------------------------------------------------------------------------------------------
// Schema
// ---------------------------------------------------------------------------------------------

namespace {

struct SchemaObject {
    std::string type;
    std::string name;
    std::string table;
    std::string sql;  // as stored
};

// sqlite_stat1..4 (written by ANALYZE) only tune the query planner and are never copied: they
// are neither compared nor removed. The indexes SQLite makes for UNIQUE and PRIMARY KEY
// (sqlite_autoindex_*) follow from their table's SQL, which is compared.
std::map<std::string, SchemaObject> schemaObjects(Database& db) {
    std::map<std::string, SchemaObject> objects;
    Statement rows(db,
                   "SELECT type, name, tbl_name, sql FROM sqlite_schema "
                   "WHERE substr(name, 1, 11) <> 'sqlite_stat' AND substr(name, 1, 17) <> 'sqlite_autoindex_'");
    while (rows.step()) {
        SchemaObject object{rows.columnText(0), rows.columnText(1), rows.columnText(2),
                            rows.columnOptionalText(3).value_or("")};
        objects[object.name] = object;
    }
    return objects;
}

struct Column {
    std::string name;
    std::string literal;  // every field of table_xinfo, as one comparable line
};

std::vector<Column> tableColumns(Database& db, const std::string& table) {
    std::vector<Column> columns;
    Statement rows(db, "SELECT name, type, \"notnull\", dflt_value, pk, hidden FROM pragma_table_xinfo(?)");
    rows.bind(1, table);
    while (rows.step()) {
        std::string literal;
        for (int i = 0; i < rows.columnCount(); ++i) literal += rows.columnAsLiteral(i) + "|";
        columns.push_back({rows.columnText(0), literal});
    }
    return columns;
}

// SQL with comments dropped, runs of space made one, no space next to punctuation, and ASCII
// letters outside quotes in lower case: two texts that SQLite reads alike compare equal.
std::string normalisedSql(std::string_view sql) {
    std::string out;
    bool pending_space = false;
    auto isPunctuation = [](char c) { return c == '(' || c == ')' || c == ',' || c == ';' || c == '='; };
    size_t i = 0;
    while (i < sql.size()) {
        const char c = sql[i];
        if (c == '-' && i + 1 < sql.size() && sql[i + 1] == '-') {
            while (i < sql.size() && sql[i] != '\n') ++i;
            pending_space = true;
            continue;
        }
        if (c == '/' && i + 1 < sql.size() && sql[i + 1] == '*') {
            const size_t end = sql.find("*/", i + 2);
            i = end == std::string_view::npos ? sql.size() : end + 2;
            pending_space = true;
            continue;
        }
        if (std::isspace(static_cast<unsigned char>(c))) {
            pending_space = true;
            ++i;
            continue;
        }
        if (pending_space && !out.empty() && !isPunctuation(out.back()) && !isPunctuation(c)) out.push_back(' ');
        pending_space = false;
        if (c == '\'' || c == '"' || c == '`' || c == '[') {
            const char close = c == '[' ? ']' : c;
            size_t end = i + 1;
            while (end < sql.size()) {
                if (sql[end] == close) {
                    if (close != ']' && end + 1 < sql.size() && sql[end + 1] == close) {
                        end += 2;
                        continue;
                    }
                    break;
                }
                ++end;
            }
            out.append(sql.substr(i, std::min(end + 1, sql.size()) - i));
            i = end + 1;
            continue;
        }
        out.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
        ++i;
    }
    while (!out.empty() && out.back() == ';') out.pop_back();
    return out;
}

// The priority in which differences are told: code first (what an attack would add), then
// tables and their columns.
int typeRank(const std::string& type) {
    if (type == "trigger") return 0;
    if (type == "view") return 1;
    if (type == "index") return 2;
    return 3;
}

std::string bothSides(const std::string& whose, const std::string& theirs, const std::string& kilns) {
    return whose + ": " + (theirs.empty() ? "(none)" : validUtf8(theirs)) +
           "\nKiln's migrations: " + (kilns.empty() ? "(none)" : kilns);
}

std::optional<SchemaDifference> columnDifference(Database& db, Database& reference, const std::string& table,
                                                 const std::string& whose) {
    const std::vector<Column> theirs = tableColumns(db, table);
    const std::vector<Column> kilns = tableColumns(reference, table);
    for (const Column& column : theirs) {
        auto same = std::find_if(kilns.begin(), kilns.end(), [&](const Column& c) { return c.name == column.name; });
        if (same == kilns.end()) {
            return SchemaDifference{"table", table,
                                    whose + "'s table " + shownName(table) + " has a column named " +
                                        shownName(column.name) + " that Kiln does not make.",
                                    bothSides(whose, column.literal, ""), false};
        }
    }
    for (size_t i = 0; i < kilns.size(); ++i) {
        const Column& column = kilns[i];
        auto same = std::find_if(theirs.begin(), theirs.end(), [&](const Column& c) { return c.name == column.name; });
        if (same == theirs.end()) {
            return SchemaDifference{"table", table,
                                    whose + "'s table " + shownName(table) + " lacks the column " +
                                        shownName(column.name) + " that Kiln makes.",
                                    bothSides(whose, "", column.literal), false};
        }
        if (same->literal != column.literal || same - theirs.begin() != static_cast<std::ptrdiff_t>(i)) {
            return SchemaDifference{"table", table,
                                    "The column " + shownName(column.name) + " of the table " + shownName(table) +
                                        " in " + (whose == "This file" ? "this file" : "the library") +
                                        " is not defined the way Kiln defines it.",
                                    bothSides(whose, same->literal, column.literal), false};
        }
    }
    return std::nullopt;
}

}  // namespace

std::optional<SchemaDifference> schemaDifference(Database& db, Database& reference, const std::string& whose) {
    const std::map<std::string, SchemaObject> theirs = schemaObjects(db);
    const std::map<std::string, SchemaObject> kilns = schemaObjects(reference);

    std::vector<const SchemaObject*> ordered;
    for (const auto& [name, object] : theirs) ordered.push_back(&object);
    std::stable_sort(ordered.begin(), ordered.end(), [](const SchemaObject* a, const SchemaObject* b) {
        return typeRank(a->type) < typeRank(b->type);
    });
    // Objects Kiln does not make at all.
    for (const SchemaObject* object : ordered) {
        if (kilns.count(object->name)) continue;
        std::string message =
            whose + " has " + article(object->type) + " " + object->type + " named " + shownName(object->name);
        if (object->type == "trigger" || object->type == "index") {
            message += " on the table " + shownName(object->table);
        }
        return SchemaDifference{object->type, object->name, message + " that Kiln does not make.",
                                bothSides(whose, object->sql, ""), true};
    }
    // Objects Kiln makes that are missing.
    for (const auto& [name, object] : kilns) {
        if (theirs.count(name)) continue;
        return SchemaDifference{
            object.type, name,
            whose + " has no " + object.type + " named " + shownName(name) + ", which every Kiln library has.",
            bothSides(whose, "", object.sql), false};
    }
    // Objects of both, made differently.
    for (const SchemaObject* object : ordered) {
        const SchemaObject& kiln = kilns.at(object->name);
        if (object->type == "table" && kiln.type == "table") {
            if (auto difference = columnDifference(db, reference, object->name, whose)) return difference;
        }
        if (object->type != kiln.type || object->table != kiln.table ||
            normalisedSql(object->sql) != normalisedSql(kiln.sql)) {
            return SchemaDifference{object->type, object->name,
                                    whose + "'s " + object->type + " " + shownName(object->name) +
                                        " is not defined the way Kiln defines it.",
                                    bothSides(whose, object->sql, kiln.sql), false};
        }
    }
    return std::nullopt;
}

// ---------------------------------------------------------------------------------------------
// Foreign objects in a library being opened
// ---------------------------------------------------------------------------------------------

namespace {

std::string quotedName(const std::string& name) {
    std::string quoted = "\"";
    for (char c : name) {
        quoted += c;
        if (c == '"') quoted += '"';
    }
    return quoted + "\"";
}

}  // namespace

std::vector<std::string> removeForeignObjects(Database& db, int version, const std::vector<Migration>& list) {
    Database reference = referenceSchema(version, list);
    const std::map<std::string, SchemaObject> kilns = schemaObjects(reference);
    std::vector<SchemaObject> foreign;
    for (const auto& [name, object] : schemaObjects(db)) {
        const bool internal = name.rfind("sqlite_", 0) == 0;
        auto kiln = kilns.find(name);
        if (internal) continue;
        if (kiln == kilns.end()) {
            foreign.push_back(object);
        } else if (object.type == "index" && kiln->second.type == "index" &&
                   normalisedSql(object.sql) != normalisedSql(kiln->second.sql)) {
            foreign.push_back(object);  // dropped, then made again as the migrations make it
        }
    }
    if (foreign.empty()) return {};
    std::stable_sort(foreign.begin(), foreign.end(),
                     [](const SchemaObject& a, const SchemaObject& b) { return typeRank(a.type) < typeRank(b.type); });
    std::vector<std::string> removed;
    Transaction transaction(db);
    std::set<std::string> dropped_tables;
    for (const SchemaObject& object : foreign) {
        // Dropping a table drops its indexes and triggers with it.
        if (object.type != "table" && dropped_tables.count(object.table)) continue;
        if (object.type == "table") dropped_tables.insert(object.name);
        db.exec("DROP " +
                std::string(object.type == "table"     ? "TABLE"
                            : object.type == "index"   ? "INDEX"
                            : object.type == "trigger" ? "TRIGGER"
                                                       : "VIEW") +
                " IF EXISTS " + quotedName(object.name));
        auto kiln = kilns.find(object.name);
        if (kiln != kilns.end()) {
            db.exec(kiln->second.sql);
            removed.push_back(article(object.type) + " " + object.type + " named " + shownName(object.name) +
                              " that Kiln defines differently (made again as Kiln makes it)");
        } else {
            removed.push_back(article(object.type) + " " + object.type + " named " + shownName(object.name) +
                              " that Kiln does not make");
        }
    }
    transaction.commit();
    return removed;
}

// ---------------------------------------------------------------------------------------------
// Check
// ---------------------------------------------------------------------------------------------

namespace {

constexpr char kSqliteHeader[] = "SQLite format 3";  // and its terminating zero: 16 bytes
constexpr char kDamaged[] = "This file cannot be imported: it is damaged or not a database.";

}  // namespace

void checkImportHeader(const std::vector<uint8_t>& bytes) {
    if (bytes.size() < 100 || std::memcmp(bytes.data(), kSqliteHeader, sizeof kSqliteHeader) != 0) {
        refuse(StoreErrorKind::NotSqlite,
               "This file cannot be imported: it is not a SQLite database (it does not start with SQLite's header).");
    }
    const uint32_t field = uint32_t{bytes[16]} << 8 | bytes[17];
    const uint32_t page_size = field == 1 ? 65536 : field;
    if (page_size < 512 || page_size > 65536 || (page_size & (page_size - 1)) != 0) {
        refuse(StoreErrorKind::NotSqlite, "This file cannot be imported: its SQLite header is damaged.",
               "page size field " + std::to_string(field));
    }
    if (bytes.size() % page_size != 0) {
        refuse(StoreErrorKind::NotSqlite, "This file cannot be imported: it is cut short or damaged.",
               std::to_string(bytes.size()) + " bytes is not a whole number of " + std::to_string(page_size) +
                   "-byte pages");
    }
    if (bytes[18] < 1 || bytes[18] > 2 || bytes[19] < 1 || bytes[19] > 2) {
        refuse(StoreErrorKind::NotSqlite, "This file cannot be imported: it needs a newer SQLite.",
               "file format " + std::to_string(bytes[18]));
    }
}

void refuseDamaged(const std::string& detail) {
    refuse(StoreErrorKind::NotSqlite, kDamaged, validUtf8(detail));
}

void refuseNewer(int64_t version) {
    refuse(StoreErrorKind::ReadOnly, "This file was made by a newer Kiln (schema version " + std::to_string(version) +
                                         "; this Kiln knows up to " + std::to_string(currentSchemaVersion()) +
                                         "). Update Kiln to import it.");
}

namespace {

// A private, read-only, defensive connection to a copy of `bytes`.
Database openCopy(const std::vector<uint8_t>& bytes) {
    Database db(":memory:");
    auto* image = static_cast<unsigned char*>(sqlite3_malloc64(bytes.size()));
    if (!image) throw std::bad_alloc();
    std::memcpy(image, bytes.data(), bytes.size());
    // A WAL-mode file without its WAL is a complete database: read it as a rollback one.
    image[18] = image[19] = 1;
    const auto size = static_cast<sqlite3_int64>(bytes.size());
    const int rc = sqlite3_deserialize(db.handle(), "main", image, size, size,
                                       SQLITE_DESERIALIZE_FREEONCLOSE | SQLITE_DESERIALIZE_READONLY);
    if (rc != SQLITE_OK) throw SqliteError(rc, "the file could not be opened in memory");
    db.exec("PRAGMA query_only = 1");
    return db;
}

}  // namespace

ImportFile ImportFile::check(const std::vector<uint8_t>& bytes) {
    checkImportHeader(bytes);
    try {
        ImportFile file(openCopy(bytes));
        Database& db = file.db_;
        {
            // The file's search index is never read (each version is indexed again as it is copied),
            // so an index out of step with the versions (a file another tool wrote) is no damage.
            Statement check(db, "PRAGMA quick_check(100)");
            while (check.step()) {
                const std::string line = check.columnText(0);
                if (line == "ok" ||
                    line.find("inverted index for FTS4 table main.version_search") != std::string::npos) {
                    continue;
                }
                refuseDamaged("quick_check: " + line);
            }
        }
        const int64_t application_id = db.queryInt("PRAGMA application_id");
        const int64_t version = db.queryInt("PRAGMA user_version");
        const int64_t objects = db.queryInt("SELECT count(*) FROM sqlite_schema");
        if (application_id != kApplicationId) {
            if (application_id == 0 && objects == 0) {
                refuse(StoreErrorKind::NotKiln, "This file is an empty SQLite database, not a Kiln library.");
            }
            char id[16];
            std::snprintf(id, sizeof id, "0x%08X", static_cast<unsigned>(application_id));
            refuse(
                StoreErrorKind::NotKiln,
                application_id == 0
                    ? "This SQLite database belongs to another application (it has tables but no Kiln "
                      "application id)."
                    : std::string("This SQLite database belongs to another application (application id ") + id + ").");
        }
        if (version > currentSchemaVersion()) refuseNewer(version);
        if (version <= 0) {
            refuse(StoreErrorKind::NotKiln,
                   "This file carries Kiln's mark but no Kiln schema version, so it is not a library Kiln made.",
                   "user_version " + std::to_string(version));
        }
        Database reference = referenceSchema(static_cast<int>(version));
        if (auto difference = schemaDifference(db, reference, "This file")) {
            refuse(StoreErrorKind::NotKiln, difference->message, difference->detail);
        }
        file.summary_.schema_version = static_cast<int>(version);
        file.summary_.projects = db.queryInt("SELECT count(*) FROM projects");
        file.summary_.versions =
            db.queryInt("SELECT count(*) FROM versions WHERE project_id IN (SELECT id FROM projects)");
        return file;
    } catch (const SqliteError& error) {
        refuseDamaged(std::string("SQLite says: ") + error.what());
    }
}

// ---------------------------------------------------------------------------------------------
// Copy
// ---------------------------------------------------------------------------------------------

namespace {

constexpr size_t kMaxNameBytes = 200;

// A text column as valid UTF-8 whatever the file stored there (numbers as their text, blobs
// read as text, NULL as empty).
std::string textValue(const Statement& row, int column) {
    if (row.isNull(column)) return "";
    return validUtf8(row.columnText(column));
}

std::optional<int64_t> intValue(const Statement& row, int column) {
    if (row.columnType(column) != SQLITE_INTEGER) return std::nullopt;
    return row.columnInt(column);
}

// Whether `id` is `length` lowercase hex digits: a public id (16) or a global id (32).
bool isHexId(const std::string& id, size_t length) {
    return id.size() == length &&
           std::all_of(id.begin(), id.end(), [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

std::string lowercase(std::string text) {
    std::transform(text.begin(), text.end(), text.begin(),
                   [](char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); });
    return text;
}

std::string cutAtCharacter(std::string text, size_t max) {
    return text.substr(0, codegen::utf8CutPoint(text, max));
}

std::string projectName(std::string name) {
    const char* kSpace = " \t\r\n";
    const size_t begin = name.find_first_not_of(kSpace);
    if (begin == std::string::npos) return "Imported project";
    name = name.substr(begin, name.find_last_not_of(kSpace) - begin + 1);
    return cutAtCharacter(name, kMaxNameBytes);
}

// The first schema versions with the app_data table (migration 2) and the version_console table
// (migration 3).
constexpr int kAppDataSchemaVersion = 2;
constexpr int kVersionConsoleSchemaVersion = 3;

struct Copier {
    Database& source;
    Database& target;
    bool add;  // true: new ids everywhere and suffixes for colliding names
    const std::function<int64_t()>& clock;
    int schema_version;  // the file's: what it may hold (app data, versions' consoles)

    std::set<std::string> public_ids;  // taken in the target
    std::set<std::string> global_ids;  // of versions, taken in the target (schema kGlobalIdSchemaVersion on)
    std::set<std::string> names;       // live names in the target (Add)
    std::map<int64_t, int64_t> version_ids;
    std::vector<std::pair<int64_t, int64_t>> parents;  // new version id, the file's parent id
    std::optional<Statement> random;                   // newId's, prepared once

    // A random id of `bytes` bytes as lowercase hex, not yet in `taken` (then added to it).
    std::string newId(int bytes, std::set<std::string>& taken) {
        if (!random) random.emplace(target, "SELECT lower(hex(randomblob(?)))");
        for (;;) {
            random->reset();
            random->bind(1, bytes).step();
            std::string id = random->columnText(0);
            if (taken.insert(id).second) return id;
        }
    }
    std::string newPublicId() { return newId(8, public_ids); }

    // The global id a copied version gets: the file's (as lowercase hex) when it is one and free,
    // else a new one; always a new one for Add, where the copies are new versions.
    std::string globalId(const Statement& versions, int column) {
        if (!add && schema_version >= kGlobalIdSchemaVersion && !versions.isNull(column)) {
            std::string id = lowercase(validUtf8(versions.columnText(column)));
            if (isHexId(id, 32) && global_ids.insert(id).second) return id;
        }
        return newId(16, global_ids);
    }

    std::string uniqueName(const std::string& name) {
        if (names.insert(name).second) return name;
        for (int n = 2;; ++n) {
            const std::string suffix = " (" + std::to_string(n) + ")";
            std::string candidate = cutAtCharacter(name, kMaxNameBytes - suffix.size()) + suffix;
            if (names.insert(candidate).second) return candidate;
        }
    }

    // A project's app data, up to kAppDataMaxLength characters (the rest is left out, as an app
    // could not have stored it), keys and values as text.
    void copyAppData(int64_t file_id, int64_t project_id) {
        Statement items(source, "SELECT key, value FROM app_data WHERE project_id = ? ORDER BY key");
        Statement insert(target, "INSERT OR REPLACE INTO app_data (project_id, key, value, chars) VALUES (?, ?, ?, ?)");
        items.bind(1, file_id);
        int64_t length = 0;
        while (items.step()) {
            const std::string key = textValue(items, 0);
            const std::string value = textValue(items, 1);
            const int64_t chars = appDataChars(key, value);
            length += chars;
            if (length > kAppDataMaxLength) break;
            insert.reset();
            insert.bind(1, project_id).bind(2, key).bind(3, value).bind(4, chars);
            insert.run();
        }
    }

    // A version's console, when it is a JSON array of entries (consoleErrorCount): its errors are
    // counted again, not taken from the file.
    void copyConsole(int64_t file_id, int64_t version_id) {
        Statement row(source, "SELECT entries, dropped FROM version_console WHERE version_id = ?");
        row.bind(1, file_id);
        if (!row.step()) return;
        const std::string entries = textValue(row, 0);
        const std::optional<int64_t> errors = consoleErrorCount(entries);
        if (!errors) return;
        const std::optional<int64_t> dropped = intValue(row, 1);
        Statement insert(target,
                         "INSERT INTO version_console (version_id, entries, dropped, errors, updated_at) "
                         "VALUES (?, ?, ?, ?, ?)");
        insert.bind(1, version_id).bind(2, entries).bind(3, dropped && *dropped > 0 ? *dropped : 0).bind(4, *errors);
        insert.bind(5, clock());
        insert.run();
    }

    int64_t run() {
        // What the copies go into: the library (Add), or a database at the file's schema.
        const int target_schema = add ? currentSchemaVersion() : schema_version;
        {
            Statement taken(target, "SELECT public_id, name, deleted_at IS NULL FROM projects");
            while (taken.step()) {
                public_ids.insert(taken.columnText(0));
                if (taken.columnInt(2)) names.insert(taken.columnText(1));
            }
        }
        if (target_schema >= kGlobalIdSchemaVersion) {
            Statement taken(target, "SELECT global_id FROM version_global_ids");
            while (taken.step()) global_ids.insert(taken.columnText(0));
        }
        Statement projects(source,
                           "SELECT id, public_id, name, created_at, updated_at, deleted_at FROM projects "
                           "ORDER BY id");
        Statement insert_project(target,
                                 "INSERT INTO projects (public_id, name, created_at, updated_at, deleted_at) "
                                 "VALUES (?, ?, ?, ?, ?)");
        Statement versions(
            source,
            "SELECT id, number, parent_id, prompt, code, model, endpoint_label, created_at, ttft_ms,"
            " duration_ms, prompt_tokens, completion_tokens, finish_reason, " +
                std::string(schema_version >= kGlobalIdSchemaVersion
                                ? "(SELECT global_id FROM version_global_ids WHERE version_id = versions.id)"
                                : "NULL") +
                " FROM versions WHERE project_id = ? ORDER BY number, id");
        Statement insert_version(
            target,
            "INSERT INTO versions (project_id, number, parent_id, prompt, code, model,"
            " endpoint_label, created_at, ttft_ms, duration_ms, prompt_tokens,"
            " completion_tokens, finish_reason) VALUES (?, ?, NULL, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
        // Each version gets a global id where the target has them (kGlobalIdSchemaVersion).
        std::optional<Statement> give_global_id;
        if (target_schema >= kGlobalIdSchemaVersion) give_global_id.emplace(target, kNewGlobalId);
        // Each version goes into the target's search index, where it has one (kSearchSchemaVersion).
        std::optional<Statement> index_version;
        if (target_schema >= kSearchSchemaVersion) {
            index_version.emplace(target, kIndexVersion);
        }
        int64_t added = 0;
        const int64_t now = clock();
        while (projects.step()) {
            const int64_t file_id = projects.columnInt(0);
            std::string public_id = lowercase(validUtf8(projects.isNull(1) ? "" : projects.columnText(1)));
            if (add || !isHexId(public_id, 16) || !public_ids.insert(public_id).second) public_id = newPublicId();
            std::string name = projectName(textValue(projects, 2));
            const std::optional<int64_t> deleted_at = intValue(projects, 5);
            if (add && !deleted_at) name = uniqueName(name);
            const int64_t created_at = intValue(projects, 3).value_or(now);
            const int64_t updated_at = intValue(projects, 4).value_or(created_at);
            insert_project.reset();
            insert_project.bind(1, public_id).bind(2, name).bind(3, created_at).bind(4, updated_at).bind(5, deleted_at);
            insert_project.run();
            const int64_t project_id = target.lastInsertRowid();
            ++added;

            versions.reset();
            versions.bind(1, file_id);
            int number = 0;
            while (versions.step()) {
                auto optionalCount = [&](int column) -> std::optional<int64_t> {
                    std::optional<int64_t> value = intValue(versions, column);
                    if (value && *value < 0) return std::nullopt;
                    return value;
                };
                const std::string prompt = textValue(versions, 3);
                const std::string code = textValue(versions, 4);
                insert_version.reset();
                insert_version.bind(1, project_id)
                    .bind(2, ++number)
                    .bind(3, prompt)
                    .bind(4, code)
                    .bind(5, textValue(versions, 5))
                    .bind(6, textValue(versions, 6))
                    .bind(7, intValue(versions, 7).value_or(created_at))
                    .bind(8, optionalCount(8))
                    .bind(9, optionalCount(9))
                    .bind(10, optionalCount(10))
                    .bind(11, optionalCount(11))
                    .bind(12, textValue(versions, 12));
                insert_version.run();
                const int64_t version_id = target.lastInsertRowid();
                if (give_global_id) {
                    give_global_id->reset();
                    give_global_id->bind(":new_version_id", version_id).bind(":global_id", globalId(versions, 13));
                    give_global_id->run();
                }
                if (index_version) {
                    index_version->reset();
                    index_version->bind(":new_version_id", version_id).bind(":prompt", prompt).bind(":code", code);
                    index_version->run();
                }
                version_ids[versions.columnInt(0)] = version_id;
                if (schema_version >= kVersionConsoleSchemaVersion) copyConsole(versions.columnInt(0), version_id);
                if (std::optional<int64_t> parent = intValue(versions, 2)) parents.emplace_back(version_id, *parent);
            }
            if (schema_version >= kAppDataSchemaVersion) copyAppData(file_id, project_id);
        }
        // A parent is kept only when it is a version of the file; it may come after its child.
        Statement link(target, "UPDATE versions SET parent_id = ? WHERE id = ?");
        for (const auto& [version_id, parent] : parents) {
            auto found = version_ids.find(parent);
            if (found == version_ids.end()) continue;
            link.reset();
            link.bind(1, found->second).bind(2, version_id);
            link.run();
        }
        return added;
    }
};

}  // namespace

int64_t ImportFile::addTo(Database& library, const std::function<int64_t()>& clock) {
    Transaction transaction(library);
    Copier copier{db_, library, true, clock, summary_.schema_version, {}, {}, {}, {}, {}, {}};
    const int64_t added = copier.run();
    transaction.commit();
    return added;
}

std::vector<uint8_t> ImportFile::buildLibrary(Database* settings_from, const std::function<int64_t()>& clock) {
    Database target = referenceSchema(summary_.schema_version);
    {
        Transaction transaction(target);
        Copier copier{db_, target, false, clock, summary_.schema_version, {}, {}, {}, {}, {}, {}};
        copier.run();
        if (settings_from) {
            Statement settings(*settings_from, "SELECT key, value FROM settings");
            Statement insert(target, "INSERT INTO settings (key, value) VALUES (?, ?)");
            while (settings.step()) {
                insert.reset();
                insert.bind(1, settings.columnText(0)).bind(2, settings.columnText(1));
                insert.run();
            }
        }
        transaction.commit();
    }
    openSchema(target);  // up to the current schema
    return target.serialize();
}

std::vector<uint8_t> projectsFile(const std::vector<uint8_t>& image, const std::vector<int64_t>& project_ids,
                                  const std::function<int64_t()>& clock) {
    Database copy(":memory:");
    copy.deserialize(image);
    copy.exec("CREATE TEMP TABLE kept (id INTEGER PRIMARY KEY)");
    {
        Statement keep(copy, "INSERT OR IGNORE INTO kept (id) VALUES (?)");
        for (const int64_t id : project_ids) {
            keep.reset();
            keep.bind(1, id).run();
        }
    }  // (finalized: a statement left open would keep the table from being dropped)
    // What refers to a version or a project goes before it. The search index is left as it is:
    // neither the check nor the copy reads it, and the file gets an index of its own.
    copy.exec(R"sql(
DELETE FROM settings;
DELETE FROM version_console WHERE version_id IN (SELECT id FROM versions WHERE project_id NOT IN (SELECT id FROM kept));
DELETE FROM version_global_ids WHERE version_id IN (SELECT id FROM versions WHERE project_id NOT IN (SELECT id FROM kept));
DELETE FROM app_data WHERE project_id NOT IN (SELECT id FROM kept);
DELETE FROM versions WHERE project_id NOT IN (SELECT id FROM kept);
DELETE FROM projects WHERE id NOT IN (SELECT id FROM kept);
DROP TABLE temp.kept;
)sql");
    return ImportFile::check(copy.serialize()).buildLibrary(nullptr, clock);
}

}  // namespace kiln::store
