// Helpers for the import tests: Kiln libraries as files, as they are made and as someone might
// craft them.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <cstring>
#include <functional>
#include <string>
#include <vector>

#include "core/store/schema.h"
#include "core/store/sqlite.h"

namespace kiln::test {

// The whole database of `db` as a SQLite file.
inline std::vector<uint8_t> serialize(store::Database& db) {
    sqlite3_int64 size = 0;
    unsigned char* image = sqlite3_serialize(db.handle(), "main", &size, 0);
    if (!image) return {};
    std::vector<uint8_t> bytes(image, image + size);
    sqlite3_free(image);
    return bytes;
}

// Makes `db` (a fresh ":memory:" connection) hold the file `bytes`.
inline void deserialize(store::Database& db, const std::vector<uint8_t>& bytes) {
    auto* image = static_cast<unsigned char*>(sqlite3_malloc64(bytes.size()));
    std::memcpy(image, bytes.data(), bytes.size());
    const auto size = static_cast<sqlite3_int64>(bytes.size());
    if (sqlite3_deserialize(db.handle(), "main", image, size, size,
                            SQLITE_DESERIALIZE_FREEONCLOSE | SQLITE_DESERIALIZE_RESIZEABLE) != SQLITE_OK) {
        throw std::runtime_error("deserialize failed");
    }
}

// Two projects: "Alpha" (public id 00000000000000aa, versions 1 and 2, 2 made from 1) and
// "Beta" (one version), and a theme setting.
inline void addLibraryContent(store::Database& db) {
    db.exec(
        "INSERT INTO projects (id, public_id, name, created_at, updated_at) VALUES"
        " (1, '00000000000000aa', 'Alpha', 1700000000000, 1700000001000),"
        " (2, '00000000000000bb', 'Beta', 1700000002000, 1700000003000);"
        "INSERT INTO versions (id, project_id, number, parent_id, prompt, code, model, created_at,"
        " prompt_tokens) VALUES"
        " (1, 1, 1, NULL, 'first', '<p>a1</p>', 'm', 1700000000500, 10),"
        " (2, 1, 2, 1, 'second', '<p>a2 ünï</p>', 'm', 1700000000600, 42),"
        " (3, 2, 1, NULL, 'beta', '<p>b1</p>', 'm', 1700000002500, NULL);"
        "INSERT INTO settings (key, value) VALUES ('theme', 'light');");
}

// A library as Kiln's migrations make it, then changed by `tamper` (with triggers and views
// allowed on the connection that makes it).
inline std::vector<uint8_t> kilnLibrary(const std::function<void(store::Database&)>& tamper = {}) {
    store::Database db = store::referenceSchema(store::currentSchemaVersion());
    addLibraryContent(db);
    sqlite3_db_config(db.handle(), SQLITE_DBCONFIG_ENABLE_TRIGGER, 1, nullptr);
    sqlite3_db_config(db.handle(), SQLITE_DBCONFIG_ENABLE_VIEW, 1, nullptr);
    if (tamper) tamper(db);
    return serialize(db);
}

// A file made by running `schema_sql` (a migration's text, perhaps changed) with Kiln's
// application id and `user_version`, holding the same content when the schema allows it.
inline std::vector<uint8_t> craftedLibrary(const std::string& schema_sql, int user_version = 1) {
    store::Database db(":memory:");
    db.exec(schema_sql);
    try {
        addLibraryContent(db);
    } catch (const store::SqliteError&) {
        // a schema without room for it: the file holds no rows
    }
    db.exec("PRAGMA application_id = " + std::to_string(store::kApplicationId) +
            "; PRAGMA user_version = " + std::to_string(user_version));
    return serialize(db);
}

}  // namespace kiln::test
