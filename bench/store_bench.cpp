// kiln_bench_store: the store's figures (issue targets in brackets).
//   open_current_ms        open an up-to-date database of 10,000 versions, schema check included [<= 1 ms]
//   insert_version_us      one 20 KB version, database in memory as in the browser [<= 100 us]
//   list_projects_page_ms  a page of 50 of 10,000 projects, most recently updated first [<= 2 ms]
// and, measured in the same run for comparison: the same insert into a file with fsync, the
// deep page by cursor against the same page by OFFSET.
//
//   build/native/bench/kiln_bench_store <json-out> [runs]
#include <cstdio>
#include <string>

#include "bench_support.h"
#include "core/store/store.h"

using namespace kiln::store;
using kiln::bench::medianMs;

namespace {

constexpr int kProjects = 10000;

// 10,000 projects with one version each (2 KB of code: opening does not read code).
void fill(Store& store) {
    const std::string code(2048, 'x');
    for (int i = 0; i < kProjects; ++i) {
        Project project = store.createProject("Project " + std::to_string(i));
        store.insertVersion({project.id, {}, "prompt " + std::to_string(i), code, "model", "label", {}});
    }
}

}  // namespace

int main(int argc, char** argv) {
    const std::string json_path = argc > 1 ? argv[1] : "store.json";
    const int runs = argc > 2 ? std::stoi(argv[2]) : 51;
    const std::string db_path = json_path + ".bench.sqlite";
    std::remove(db_path.c_str());

    std::printf("building a database of %d projects and versions...\n", kProjects);
    {
        Store store = Store::open(db_path);
        store.database().exec("PRAGMA synchronous = OFF");
        fill(store);
    }

    double open_ms = medianMs(runs, [&] {
        Database db(db_path);
        openSchema(db);
    });

    Store file_store = Store::open(db_path);
    Store memory_store = Store::openInMemory();
    fill(memory_store);

    const std::string code(20 * 1024, 'c');
    const int64_t memory_project = memory_store.createProject("Bench").id;
    const int64_t file_project = file_store.createProject("Bench").id;
    double insert_memory_ms = medianMs(runs, [&] {
        memory_store.insertVersion({memory_project, {}, "make it better", code, "model", "label", {}});
    });
    double insert_file_ms = medianMs(std::min(runs, 21), [&] {
        file_store.insertVersion({file_project, {}, "make it better", code, "model", "label", {}});
    });

    double first_page_ms = medianMs(runs, [&] { memory_store.listProjects(50); });
    // The page that starts at the 5,000th project: by cursor, then by OFFSET for comparison.
    ProjectPage page = memory_store.listProjects(5000);
    ProjectCursor deep = *page.next;
    double deep_page_ms = medianMs(runs, [&] { memory_store.listProjects(50, deep); });
    Statement offset(memory_store.database(),
                     "SELECT p.id, (SELECT max(number) FROM versions WHERE project_id = p.id) FROM projects p "
                     "WHERE p.deleted_at IS NULL ORDER BY p.updated_at DESC, p.id DESC LIMIT 50 OFFSET 5000");
    double offset_page_ms = medianMs(runs, [&] {
        offset.reset();
        while (offset.step()) {
        }
    });

    std::remove(db_path.c_str());
    kiln::bench::report("Kiln store benchmark (native, Release; median of " + std::to_string(runs) + " runs)",
                        {
                            {"open_current_ms", open_ms, "ms", 1.0, "10,000 versions, migration check included"},
                            {"insert_version_us", insert_memory_ms * 1000, "us", 100.0, "20 KB, in memory"},
                            {"insert_version_file_us", insert_file_ms * 1000, "us", 0, "20 KB, file with fsync"},
                            {"list_projects_page_ms", first_page_ms, "ms", 2.0, "first 50 of 10,000"},
                            {"list_projects_deep_page_ms", deep_page_ms, "ms", 2.0, "50 after the 5,000th, cursor"},
                            {"list_projects_offset_ms", offset_page_ms, "ms", 0, "the same page by OFFSET"},
                        },
                        json_path);
    return 0;
}
