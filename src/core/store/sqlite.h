// Kiln: a small RAII layer over the SQLite C API.
//
// Index
//   SqliteError   every failure of the C API, with SQLite's result code and message
//   Database      owns one sqlite3 connection
//   Statement     owns one prepared statement: typed bind by index or :name, step, typed columns
//   Transaction   BEGIN IMMEDIATE ... COMMIT, rolled back unless commit() was reached
//
// Nothing here knows about Kiln's schema: that lives in schema.h and store.h.
#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

struct sqlite3;
struct sqlite3_stmt;

namespace kiln::store {

// A failure reported by SQLite. code() is the extended result code (SQLITE_CORRUPT, SQLITE_NOTADB,
// SQLITE_READONLY, ...); what() holds SQLite's own message and, where known, the SQL that failed.
class SqliteError : public std::runtime_error {
public:
    SqliteError(int code, const std::string& message);
    int code() const { return code_; }
    int primaryCode() const { return code_ & 0xff; }

private:
    int code_;
};

enum class OpenMode { ReadWriteCreate, ReadWrite, ReadOnly };

// Owns one connection. Move-only. The destructor closes it (sqlite3_close_v2, so statements
// that outlive it by mistake do not leak the handle).
class Database {
public:
    // Opens (or, with ReadWriteCreate, creates) the file at path; ":memory:" gives a private
    // in-memory database. Throws SqliteError if SQLite cannot open it. Opening reads nothing:
    // a file that is not a database is only detected by the first statement. Every connection
    // is defensive (see defensive()).
    explicit Database(const std::string& path, OpenMode mode = OpenMode::ReadWriteCreate);
    Database(Database&& other) noexcept;
    Database& operator=(Database&& other) noexcept;
    Database(const Database&) = delete;
    Database& operator=(const Database&) = delete;
    ~Database();

    // Runs one or more statements that return no rows we need. Throws SqliteError.
    void exec(std::string_view sql);
    // Runs a statement returning one integer (a pragma, a count). Throws if it returns no row.
    int64_t queryInt(std::string_view sql);
    int64_t lastInsertRowid() const;
    int changes() const;
    bool inTransaction() const;

    // Replaces this connection's main database with a resizable copy of `image` (a database
    // file's bytes). Throws SqliteError if SQLite refuses it.
    void deserialize(const std::vector<uint8_t>& image);
    // The bytes of this connection's main database, as its file would hold them.
    std::vector<uint8_t> serialize() const;

    sqlite3* handle() const { return db_; }
    // True when the connection runs with SQLITE_DBCONFIG_DEFENSIVE on, TRUSTED_SCHEMA off and
    // triggers and views off, as every Database does from its constructor: a schema is read as
    // data and can run no code of its own.
    bool defensive() const;

    static std::string libraryVersion();

private:
    sqlite3* db_ = nullptr;
};

// Owns one prepared statement. Bind indexes are 1-based as in SQLite; columns are 0-based.
// Every bind and step throws SqliteError on failure, with the statement's SQL in the message.
class Statement {
public:
    Statement(Database& db, std::string_view sql);
    Statement(Statement&& other) noexcept;
    Statement& operator=(Statement&& other) noexcept;
    Statement(const Statement&) = delete;
    Statement& operator=(const Statement&) = delete;
    ~Statement();

    Statement& bind(int index, int64_t value);
    Statement& bind(int index, int value) { return bind(index, static_cast<int64_t>(value)); }
    Statement& bind(int index, double value);
    Statement& bind(int index, std::string_view text);
    Statement& bind(int index, const char* text) { return bind(index, std::string_view(text)); }
    Statement& bind(int index, std::nullptr_t);
    template <typename T>
    Statement& bind(int index, const std::optional<T>& value) {
        return value ? bind(index, *value) : bind(index, nullptr);
    }
    // Binds by parameter name (":name"); throws if the statement has no such parameter.
    template <typename T>
    Statement& bind(const char* name, const T& value) {
        return bind(parameterIndex(name), value);
    }
    int parameterIndex(const char* name) const;
    int parameterCount() const;
    std::string parameterName(int index) const;

    // Advances to the next row: true if a row is ready, false when done. Throws on error.
    bool step();
    // Steps until done, for statements that return no rows.
    void run();
    // Makes the statement ready to run again; bindings are kept.
    void reset();
    void clearBindings();

    int columnCount() const;
    std::string columnName(int column) const;
    bool isNull(int column) const;
    // SQLITE_INTEGER, SQLITE_FLOAT, SQLITE_TEXT, SQLITE_BLOB or SQLITE_NULL: the stored type,
    // before any conversion.
    int columnType(int column) const;
    int64_t columnInt(int column) const;
    double columnDouble(int column) const;
    std::string columnText(int column) const;
    std::optional<int64_t> columnOptionalInt(int column) const;
    std::optional<std::string> columnOptionalText(int column) const;
    // The value as text, or "NULL"; blobs as x'hex'. For dumps and comparisons in tests and tools.
    std::string columnAsLiteral(int column) const;

    std::string sql() const;

private:
    [[noreturn]] void fail(int rc) const;
    sqlite3* db_ = nullptr;
    sqlite3_stmt* stmt_ = nullptr;
};

// BEGIN IMMEDIATE on construction (the write lock is taken up front, so two writers never
// deadlock half-way); ROLLBACK in the destructor unless commit() succeeded.
class Transaction {
public:
    explicit Transaction(Database& db);
    Transaction(const Transaction&) = delete;
    Transaction& operator=(const Transaction&) = delete;
    ~Transaction();
    void commit();

private:
    Database& db_;
    bool done_ = false;
};

}  // namespace kiln::store
