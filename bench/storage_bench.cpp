// kiln_bench_storage: Kiln's durable storage in the browser, driven by bench/storage_bench_page.js
// (the page measures sql.js beside it and bench/storage_bench.mjs prints the table).
//
// Each function starts one step on a session (a DurableDatabase with a store over an
// IndexedDbBackend) and answers through Module.benchAnswer(request, value) once it is done:
//   bench_open(request, idb_name, durability)   open (replay) and check the schema: the session id
//   bench_grow(request, session, bytes)         up to 100 commits of a 20 KB version, up to `bytes`
//   bench_commit(request, session)              one new 20 KB version, until IndexedDB's complete
//   bench_settle(request, session)              waits until everything is saved and compacted
//   bench_close(session)
// bench_last_written(session) and bench_last_dirty(session) tell what the last commit wrote:
// every byte handed to IndexedDB (keys and values), and the bytes of the pages it changed.
#include <emscripten.h>

#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "core/storage/durable_database.h"
#include "core/store/store.h"
#include "platform/web/indexeddb_backend.h"

using namespace kiln;

namespace {

constexpr size_t kVersionBytes = 20 * 1024;

double nowMs() {
    using namespace std::chrono;
    return duration<double, std::milli>(steady_clock::now().time_since_epoch()).count();
}

void answer(int request, double value) {
    EM_ASM({ Module.benchAnswer($0, $1); }, request, value);
}

// Passes everything to IndexedDB, counting what each write carries.
class CountingBackend : public storage::KvBackend {
public:
    explicit CountingBackend(storage::KvBackend& inner) : inner_(inner) {}

    void get(const std::string& key, GetDone done) override { inner_.get(key, std::move(done)); }
    void scan(const std::string& begin, const std::string& end, ScanDone done) override {
        inner_.scan(begin, end, std::move(done));
    }
    void listKeys(const std::string& begin, const std::string& end, KeysDone done) override {
        inner_.listKeys(begin, end, std::move(done));
    }
    void write(storage::KvWriteBatch batch, WriteDone done) override {
        for (const storage::KvWrite& write : batch) {
            written_ += write.key.size() + write.value.size();
            std::string problem;
            if (auto record = storage::decodeRecord(write.value.data(), write.value.size(), problem)) {
                dirty_ += record->pages.size() * size_t{record->header.page_size};
            }
        }
        inner_.write(std::move(batch), std::move(done));
    }

    // Counts from zero again.
    void reset() { written_ = dirty_ = 0; }
    size_t written() const { return written_; }
    size_t dirty() const { return dirty_; }

private:
    storage::KvBackend& inner_;
    size_t written_ = 0;
    size_t dirty_ = 0;
};

struct Session {
    std::unique_ptr<web::IndexedDbBackend> idb;
    std::unique_ptr<CountingBackend> counting;
    std::unique_ptr<storage::DurableDatabase> database;
    std::optional<store::Store> store;
    int64_t project = 0;
    std::string code;
    size_t last_written = 0;
    size_t last_dirty = 0;
};

std::map<int, std::unique_ptr<Session>>& sessions() {
    static std::map<int, std::unique_ptr<Session>> instance;
    return instance;
}

double databaseBytes(Session& session) {
    return static_cast<double>(session.store->database().queryInt("PRAGMA page_count") *
                               session.store->database().queryInt("PRAGMA page_size"));
}

// Calls done() once everything is saved and no base image is being written.
void whenSettled(Session& session, std::function<void()> done) {
    const storage::SaveStatus status = session.database->status();
    if (status.state == storage::SaveState::Saved && !status.compacting) {
        session.database->setStatusListener(nullptr);
        return done();
    }
    if (status.error) {
        EM_ASM({ Module.benchFail(UTF8ToString($0)); }, status.error->message.c_str());
        return;
    }
    session.database->setStatusListener([&session, done](const storage::SaveStatus&) { whenSettled(session, done); });
}

}  // namespace

extern "C" {

EMSCRIPTEN_KEEPALIVE void bench_open(int request, const char* idb_name, const char* durability) {
    static int next_session = 1;
    const int id = next_session++;
    auto session = std::make_unique<Session>();
    session->idb = std::make_unique<web::IndexedDbBackend>(web::IndexedDbOptions{idb_name, durability, {}});
    session->counting = std::make_unique<CountingBackend>(*session->idb);
    session->code.assign(kVersionBytes, ' ');
    for (size_t i = 0; i < kVersionBytes; ++i) session->code[i] = "<div>{}();=+-*/ abcdefghij\n"[i * 7 % 27];
    Session* raw = session.get();
    sessions()[id] = std::move(session);
    const double start = nowMs();
    storage::DurableDatabase::open(
        *raw->counting, "library",
        [=](std::unique_ptr<storage::DurableDatabase> database, std::optional<storage::StorageError> error) {
            if (error) {
                EM_ASM({ Module.benchFail(UTF8ToString($0)); }, error->message.c_str());
                return;
            }
            raw->database = std::move(database);
            raw->store.emplace(raw->database->connect(), store::StoreOptions{});
            const auto projects = raw->store->listProjects(1).items;
            const double elapsed = nowMs() - start;
            raw->project = projects.empty() ? raw->store->createProject("Bench").id : projects[0].project.id;
            whenSettled(*raw, [=] { EM_ASM({ Module.benchOpened($0, $1, $2); }, request, id, elapsed); });
        });
}

EMSCRIPTEN_KEEPALIVE void bench_grow(int request, int id, double bytes) {
    Session& session = *sessions().at(id);
    // As users grow a library: a version per commit. The records of up to 100 commits go to
    // IndexedDB together, each under its own key, while the write before them is in flight.
    for (int i = 0; i < 100 && databaseBytes(session) < bytes; ++i) {
        session.store->insertVersion({session.project, {}, "grow", session.code, "bench", "bench", {}});
    }
    whenSettled(session, [request, &session] { answer(request, databaseBytes(session)); });
}

EMSCRIPTEN_KEEPALIVE void bench_commit(int request, int id) {
    Session& session = *sessions().at(id);
    session.counting->reset();
    const double start = nowMs();
    session.store->insertVersion({session.project, {}, "bench", session.code, "bench", "bench", {}});
    const uint64_t committed = session.database->status().committed;
    session.database->setStatusListener([request, start, committed, &session](const storage::SaveStatus& status) {
        if (status.saved < committed) return;
        const double elapsed = nowMs() - start;
        session.database->setStatusListener(nullptr);
        session.last_written = session.counting->written();
        session.last_dirty = session.counting->dirty();
        answer(request, elapsed);
    });
}

EMSCRIPTEN_KEEPALIVE void bench_settle(int request, int id) {
    whenSettled(*sessions().at(id), [request] { answer(request, 0); });
}

EMSCRIPTEN_KEEPALIVE double bench_last_written(int id) {
    return static_cast<double>(sessions().at(id)->last_written);
}

EMSCRIPTEN_KEEPALIVE double bench_last_dirty(int id) {
    return static_cast<double>(sessions().at(id)->last_dirty);
}

EMSCRIPTEN_KEEPALIVE void bench_close(int id) {
    sessions().erase(id);
}

}  // extern "C"

int main() {
    EM_ASM({ Module.benchReady(); });
    return 0;
}
