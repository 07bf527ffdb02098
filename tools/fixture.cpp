// kiln_fixture: writes the fixtures of the current schema version for the migration tests.
//
//   build/native/kiln_fixture tests/fixtures
//
// writes tests/fixtures/schema-v<N>.sqlite (a database made by this build's own store, with
// every kind of row it can hold) and tests/fixtures/queries-v<N>.json (every statement the store
// runs, with sample parameters). Run it once when a new schema version is released, commit the
// two files, and never edit or regenerate them after: later releases are tested against them.
#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "core/store/store.h"
#include "core/sync/library_docs.h"
#include "core/sync/rev_tree.h"

using namespace kiln::store;

namespace {

// A sample value for each parameter name the store's statements use.
nlohmann::json sampleValue(const std::string& parameter) {
    static const nlohmann::json kSamples = {
        {":project_id", 1},
        {":number", 1},
        {":parent_id", 1},
        {":now", 1700000000000},
        {":limit", 50},
        {":after_updated_at", 9007199254740991},
        {":after_id", 9007199254740991},
        {":name", "Fixture"},
        {":public_id", "0011223344556677"},
        {":prompt", "a prompt"},
        {":code", "<p>code</p>"},
        {":model", "model"},
        {":endpoint_label", "Label"},
        {":ttft_ms", 100},
        {":duration_ms", 2000},
        {":prompt_tokens", 10},
        {":completion_tokens", 20},
        {":finish_reason", "stop"},
        {":key", "theme"},
        {":value", "dark"},
        {":chars", 9},
        {":version_id", 1},
        {":new_version_id", 1000},
        {":global_id", "00112233445566778899aabbccddeeff"},
        {":query", "\"timer*\""},
        {":entries", "[{\"level\":\"log\",\"text\":\"ready\"}]"},
        {":dropped", 0},
        {":errors", 0},
        {":doc_id", "project:0011223344556677"},
        {":rev", "1-00112233445566778899aabbccddeeff"},
        {":parent", ""},
        {":deleted", 0},
        {":body", "{\"type\":\"project\",\"name\":\"Fixture\",\"created_at\":1,\"deleted_at\":null}"},
        {":since", 0},
        {":at", 1700000000000},
        {":created_at", 1700000000000},
        {":deleted_at", nullptr},
        {":library_id", "ffeeddccbbaa99887766554433221100"},
        {":id", "kiln-pull-00112233445566778899aabbccddeeff"},
        {":last_seq", "\"7-g1AAAA\""},
    };
    if (!kSamples.contains(parameter)) {
        throw std::runtime_error("no sample value for parameter " + parameter + ": add one to tools/fixture.cpp");
    }
    return kSamples.at(parameter);
}

void fillDatabase(Store& store) {
    Project timer = store.createProject("Pomodoro timer");
    Version v1 = store.insertVersion({timer.id,
                                      {},
                                      "a pomodoro timer with a dark theme",
                                      "<!doctype html><title>Timer</title><p>25:00</p>",
                                      "llama-3.3-70b",
                                      "Cerebras",
                                      {180, 2100, 950, 1800, "stop"}});
    store.insertVersion({timer.id,
                         v1.summary.id,
                         "add a reset button",
                         "<!doctype html><title>Timer</title><p>25:00</p><button>Reset</button>",
                         "llama-3.3-70b",
                         "Cerebras",
                         {150, 900, 2900, 300, "stop"}});
    store.setVersionConsole(v1.summary.id,
                            R"([{"level":"log","text":"25:00"},)"
                            R"({"level":"error","text":"TypeError: start is not a function","line":3,"column":9}])",
                            2);
    store.insertVersion({timer.id, {}, "", "<!doctype html><p>edited by hand — Καλημέρα, мир</p>", "", "", {}});
    store.changeAppData(timer.id,
                        {false, {{"pomodoro.done", "4"}, {"settings", "{\"minutes\":25,\"label\":\"Καλημέρα\"}"}}});

    Project empty = store.createProject("Empty project ✨");
    (void)empty;

    Project cut = store.createProject("Cut short");
    store.insertVersion({cut.id,
                         {},
                         "a very long app",
                         "<!doctype html><p>half",
                         "gpt-4o-mini",
                         "OpenAI",
                         {400, 30000, 500, 4096, "length"}});
    Project forked = store.createProject("Fork of timer");
    store.insertVersion({forked.id, v1.summary.id, "", *store.getCode(timer.id, 1), "", "", {}});

    Project trashed = store.createProject("In the trash");
    store.insertVersion({trashed.id, {}, "p", "<p>deleted but recoverable</p>", "m", "Ollama", {}});
    store.changeAppData(trashed.id, {false, {{"notes", "kept in the trash too"}}});
    store.deleteProject(trashed.id);

    store.setSetting("theme", "dark");
    store.setSetting("endpoint.base_url", "http://localhost:11434/v1");

    // Sync: every project and version as a document (a project renamed since, so with two
    // revisions), a checkpoint, and a version from another library, in a project made for it
    // before its project's document came, whose parent has not come yet.
    kiln::sync::LibraryDocs docs(store);
    docs.refresh();
    store.renameProject(timer.id, "Pomodoro timer ✓");
    docs.refresh();
    docs.setCheckpoint("kiln-pull-00112233445566778899aabbccddeeff", "\"7-g1AAAA\"");
    const std::string id = "version:ffeeddccbbaa99887766554433221100";
    const std::string hash = kiln::sync::contentHash(id);
    docs.putDocs({{{"_id", id},
                   {"_rev", "1-" + hash},
                   {"_revisions", {{"start", 1}, {"ids", {hash}}}},
                   {"type", "version"},
                   {"project", "8899aabbccddeeff"},
                   {"parent", "0123456789abcdef0123456789abcdef"},  // not come yet: a pending parent
                   {"prompt", "made on a phone"},
                   {"code", "<p>from elsewhere</p>"},
                   {"model", "m"},
                   {"endpoint_label", "Groq"},
                   {"created_at", 1764000000000},
                   {"finish_reason", "stop"},
                   {"made_on", "ffeeddccbbaa99887766554433221100"}}});
}

nlohmann::json queriesJson(Store& store) {
    nlohmann::json queries = nlohmann::json::array();
    std::vector<NamedQuery> all = storeQueries();
    all.insert(all.end(), kiln::sync::libraryDocsQueries().begin(), kiln::sync::libraryDocsQueries().end());
    for (const NamedQuery& query : all) {
        Statement statement(store.database(), query.sql);
        nlohmann::json params = nlohmann::json::object();
        for (int i = 1; i <= statement.parameterCount(); ++i) {
            std::string name = statement.parameterName(i);
            params[name] = sampleValue(name);
        }
        queries.push_back({{"name", query.name}, {"sql", query.sql}, {"params", params}});
    }
    return {{"schema_version", currentSchemaVersion()}, {"queries", queries}};
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 2) {
        std::fprintf(stderr, "usage: %s <fixtures-dir>\n", argv[0]);
        return 2;
    }
    const std::string dir = argv[1];
    const std::string version = std::to_string(currentSchemaVersion());
    const std::string db_path = dir + "/schema-v" + version + ".sqlite";
    const std::string queries_path = dir + "/queries-v" + version + ".json";
    for (const std::string& path : {db_path, queries_path}) {
        if (std::ifstream(path)) {
            std::fprintf(stderr, "%s exists: a released fixture is never regenerated\n", path.c_str());
            return 1;
        }
    }
    try {
        StoreOptions options;
        options.clock = [now = int64_t{1'764'000'000'000}]() mutable { return now += 60'000; };
        Store store = Store::open(db_path, options);
        fillDatabase(store);
        std::ofstream(queries_path) << queriesJson(store).dump(2) << "\n";
    } catch (const std::exception& error) {
        std::fprintf(stderr, "kiln_fixture: %s\n", error.what());
        return 1;
    }
    std::printf("wrote %s and %s\n", db_path.c_str(), queries_path.c_str());
    return 0;
}
