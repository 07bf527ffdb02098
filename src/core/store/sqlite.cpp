#include "core/store/sqlite.h"

#include <sqlite3.h>

#include <algorithm>
#include <cstdio>
#include <new>
#include <utility>

namespace kiln::store {

SqliteError::SqliteError(int code, const std::string& message) : std::runtime_error(message), code_(code) {}

namespace {

[[noreturn]] void throwFor(sqlite3* db, int rc, std::string_view context) {
    std::string message = db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
    int code = db ? sqlite3_extended_errcode(db) : rc;
    // sqlite3_errmsg describes the last failing call, which is not always the one that failed
    // here (for example after close); fall back to the generic text of rc.
    if (db && (code & 0xff) != (rc & 0xff)) {
        code = rc;
        message = sqlite3_errstr(rc);
    }
    if (!context.empty()) message += " (in: " + std::string(context) + ")";
    throw SqliteError(code, message);
}

int openFlags(OpenMode mode) {
    switch (mode) {
        case OpenMode::ReadWriteCreate:
            return SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
        case OpenMode::ReadWrite:
            return SQLITE_OPEN_READWRITE;
        case OpenMode::ReadOnly:
            return SQLITE_OPEN_READONLY;
    }
    return SQLITE_OPEN_READONLY;
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Database
// ---------------------------------------------------------------------------------------------

Database::Database(const std::string& path, OpenMode mode) {
    int rc = sqlite3_open_v2(path.c_str(), &db_, openFlags(mode) | SQLITE_OPEN_URI, nullptr);
    if (rc != SQLITE_OK) {
        std::string message = db_ ? sqlite3_errmsg(db_) : sqlite3_errstr(rc);
        sqlite3_close_v2(db_);
        db_ = nullptr;
        throw SqliteError(rc, message + " (opening " + path + ")");
    }
    sqlite3_extended_result_codes(db_, 1);
    // Every connection Kiln opens reads its schema as data, never as code: no schema may hold an
    // unsafe function (TRUSTED_SCHEMA off), write to the schema or shadow tables (DEFENSIVE), or
    // run a trigger or a view (Kiln's migrations make none). Extension loading is compiled out.
    const std::pair<int, int> kSettings[] = {
        {SQLITE_DBCONFIG_DEFENSIVE, 1},
        {SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0},
        {SQLITE_DBCONFIG_ENABLE_TRIGGER, 0},
        {SQLITE_DBCONFIG_ENABLE_VIEW, 0},
    };
    for (const auto& [option, value] : kSettings) {
        if (sqlite3_db_config(db_, option, value, nullptr) != SQLITE_OK) {
            sqlite3_close_v2(db_);
            db_ = nullptr;
            throw SqliteError(SQLITE_ERROR, "SQLite refused a defensive setting (opening " + path + ")");
        }
    }
}

bool Database::defensive() const {
    int defensive = 0, trusted = 1, triggers = 1, views = 1;
    sqlite3_db_config(db_, SQLITE_DBCONFIG_DEFENSIVE, -1, &defensive);
    sqlite3_db_config(db_, SQLITE_DBCONFIG_TRUSTED_SCHEMA, -1, &trusted);
    sqlite3_db_config(db_, SQLITE_DBCONFIG_ENABLE_TRIGGER, -1, &triggers);
    sqlite3_db_config(db_, SQLITE_DBCONFIG_ENABLE_VIEW, -1, &views);
    return defensive == 1 && trusted == 0 && triggers == 0 && views == 0;
}

Database::Database(Database&& other) noexcept : db_(std::exchange(other.db_, nullptr)) {}

Database& Database::operator=(Database&& other) noexcept {
    if (this != &other) {
        sqlite3_close_v2(db_);
        db_ = std::exchange(other.db_, nullptr);
    }
    return *this;
}

Database::~Database() {
    sqlite3_close_v2(db_);
}

void Database::exec(std::string_view sql) {
    std::string text(sql);
    char* error = nullptr;
    int rc = sqlite3_exec(db_, text.c_str(), nullptr, nullptr, &error);
    if (rc != SQLITE_OK) {
        std::string message = error ? error : sqlite3_errstr(rc);
        sqlite3_free(error);
        throw SqliteError(sqlite3_extended_errcode(db_), message + " (in: " + text + ")");
    }
}

int64_t Database::queryInt(std::string_view sql) {
    Statement statement(*this, sql);
    if (!statement.step()) throw SqliteError(SQLITE_ERROR, "no row returned (in: " + std::string(sql) + ")");
    return statement.columnInt(0);
}

int64_t Database::lastInsertRowid() const {
    return sqlite3_last_insert_rowid(db_);
}
int Database::changes() const {
    return sqlite3_changes(db_);
}
bool Database::inTransaction() const {
    return sqlite3_get_autocommit(db_) == 0;
}
std::string Database::libraryVersion() {
    return sqlite3_libversion();
}

void Database::deserialize(const std::vector<uint8_t>& image) {
    const auto size = static_cast<sqlite3_int64>(image.size());
    auto* copy = static_cast<unsigned char*>(sqlite3_malloc64(image.size()));
    if (!copy && !image.empty()) throw std::bad_alloc();
    std::copy(image.begin(), image.end(), copy);
    // SQLite owns the copy from here, even when it refuses it.
    const int rc = sqlite3_deserialize(db_, "main", copy, size, size,
                                       SQLITE_DESERIALIZE_FREEONCLOSE | SQLITE_DESERIALIZE_RESIZEABLE);
    if (rc != SQLITE_OK) throwFor(db_, rc, "deserialize");
}

std::vector<uint8_t> Database::serialize() const {
    sqlite3_int64 size = 0;
    unsigned char* image = sqlite3_serialize(db_, "main", &size, 0);
    if (!image) throw std::bad_alloc();
    std::vector<uint8_t> bytes(image, image + size);
    sqlite3_free(image);
    return bytes;
}

// ---------------------------------------------------------------------------------------------
// Statement
// ---------------------------------------------------------------------------------------------

Statement::Statement(Database& db, std::string_view sql) : db_(db.handle()) {
    int rc = sqlite3_prepare_v2(db_, sql.data(), static_cast<int>(sql.size()), &stmt_, nullptr);
    if (rc != SQLITE_OK) throwFor(db_, rc, sql);
    if (!stmt_) throw SqliteError(SQLITE_MISUSE, "empty statement (in: " + std::string(sql) + ")");
}

Statement::Statement(Statement&& other) noexcept : db_(other.db_), stmt_(std::exchange(other.stmt_, nullptr)) {}

Statement& Statement::operator=(Statement&& other) noexcept {
    if (this != &other) {
        sqlite3_finalize(stmt_);
        db_ = other.db_;
        stmt_ = std::exchange(other.stmt_, nullptr);
    }
    return *this;
}

Statement::~Statement() {
    sqlite3_finalize(stmt_);
}

void Statement::fail(int rc) const {
    throwFor(db_, rc, sqlite3_sql(stmt_));
}

Statement& Statement::bind(int index, int64_t value) {
    if (int rc = sqlite3_bind_int64(stmt_, index, value); rc != SQLITE_OK) fail(rc);
    return *this;
}

Statement& Statement::bind(int index, double value) {
    if (int rc = sqlite3_bind_double(stmt_, index, value); rc != SQLITE_OK) fail(rc);
    return *this;
}

Statement& Statement::bind(int index, std::string_view text) {
    int rc = sqlite3_bind_text64(stmt_, index, text.data(), text.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
    if (rc != SQLITE_OK) fail(rc);
    return *this;
}

Statement& Statement::bind(int index, std::nullptr_t) {
    if (int rc = sqlite3_bind_null(stmt_, index); rc != SQLITE_OK) fail(rc);
    return *this;
}

int Statement::parameterIndex(const char* name) const {
    int index = sqlite3_bind_parameter_index(stmt_, name);
    if (index == 0) {
        throw SqliteError(SQLITE_RANGE, std::string("no parameter ") + name + " (in: " + sqlite3_sql(stmt_) + ")");
    }
    return index;
}

int Statement::parameterCount() const {
    return sqlite3_bind_parameter_count(stmt_);
}

std::string Statement::parameterName(int index) const {
    const char* name = sqlite3_bind_parameter_name(stmt_, index);
    return name ? name : "";
}

bool Statement::step() {
    int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    sqlite3_reset(stmt_);
    fail(rc);
}

void Statement::run() {
    while (step()) {
    }
}

void Statement::reset() {
    sqlite3_reset(stmt_);
}
void Statement::clearBindings() {
    sqlite3_clear_bindings(stmt_);
}

int Statement::columnCount() const {
    return sqlite3_column_count(stmt_);
}
std::string Statement::columnName(int column) const {
    return sqlite3_column_name(stmt_, column);
}
int Statement::columnType(int column) const {
    return sqlite3_column_type(stmt_, column);
}

bool Statement::isNull(int column) const {
    return sqlite3_column_type(stmt_, column) == SQLITE_NULL;
}
int64_t Statement::columnInt(int column) const {
    return sqlite3_column_int64(stmt_, column);
}
double Statement::columnDouble(int column) const {
    return sqlite3_column_double(stmt_, column);
}

std::string Statement::columnText(int column) const {
    auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, column));
    int size = sqlite3_column_bytes(stmt_, column);
    return text ? std::string(text, static_cast<size_t>(size)) : std::string();
}

std::optional<int64_t> Statement::columnOptionalInt(int column) const {
    if (isNull(column)) return std::nullopt;
    return columnInt(column);
}

std::optional<std::string> Statement::columnOptionalText(int column) const {
    if (isNull(column)) return std::nullopt;
    return columnText(column);
}

std::string Statement::columnAsLiteral(int column) const {
    switch (sqlite3_column_type(stmt_, column)) {
        case SQLITE_NULL:
            return "NULL";
        case SQLITE_INTEGER:
            return std::to_string(columnInt(column));
        case SQLITE_FLOAT: {
            char buffer[32];
            std::snprintf(buffer, sizeof buffer, "%.17g", columnDouble(column));
            return buffer;
        }
        case SQLITE_BLOB: {
            auto* bytes = static_cast<const unsigned char*>(sqlite3_column_blob(stmt_, column));
            int size = sqlite3_column_bytes(stmt_, column);
            std::string out = "x'";
            static const char kHex[] = "0123456789abcdef";
            for (int i = 0; i < size; ++i) {
                out += kHex[bytes[i] >> 4];
                out += kHex[bytes[i] & 15];
            }
            return out + "'";
        }
        default:
            return "'" + columnText(column) + "'";
    }
}

std::string Statement::sql() const {
    return sqlite3_sql(stmt_);
}

// ---------------------------------------------------------------------------------------------
// Transaction
// ---------------------------------------------------------------------------------------------

Transaction::Transaction(Database& db) : db_(db) {
    db_.exec("BEGIN IMMEDIATE");
}

Transaction::~Transaction() {
    if (done_) return;
    // ROLLBACK can only fail if SQLite already rolled back (for example after SQLITE_FULL);
    // there is nothing left to undo then, and a destructor must not throw.
    sqlite3_exec(db_.handle(), "ROLLBACK", nullptr, nullptr, nullptr);
}

void Transaction::commit() {
    db_.exec("COMMIT");
    done_ = true;
}

}  // namespace kiln::store
