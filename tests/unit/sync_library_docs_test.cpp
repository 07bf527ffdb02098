// A library as CouchDB documents: what its projects and versions look like to a peer, and what
// two libraries that sync through one server end with (merges, numbering, the trash).
#include <gtest/gtest.h>

#include <sqlite3.h>

#include "core/store/store.h"
#include "core/sync/library_docs.h"
#include "core/sync/replicator.h"
#include "sync_fake_couch.h"
#include "test_support.h"

namespace kiln::sync {
namespace {

using nlohmann::json;
using store::Statement;
using store::Store;
using testing::FakeCouchServer;
using testing::runPass;

constexpr char kRemote[] = "http://127.0.0.1:5984/kiln";

struct Library {
    Store store;
    LibraryDocs docs{store};
    explicit Library(int64_t clock_start = 1'700'000'000'000)
        : store(Store::openInMemory(kiln::test::steppingClock(clock_start))) {}

    // One pass with the server, as Kiln runs it: refresh, then pull and push.
    SyncProgress sync(FakeCouchServer& server) {
        docs.refresh();
        Replicator replicator(docs, docs.libraryId(), kRemote);
        return runPass(replicator, server);
    }
    int64_t count(const std::string& sql) { return store.database().queryInt(sql); }
    std::string globalId(int64_t project_id, int number) {
        Statement query(store.database(),
                        "SELECT g.global_id FROM versions v JOIN version_global_ids g ON g.version_id = v.id"
                        " WHERE v.project_id = ? AND v.number = ?");
        query.bind(1, project_id).bind(2, number);
        return query.step() ? query.columnText(0) : "";
    }
    bool madeElsewhere(int64_t project_id, int number) {
        Statement query(store.database(),
                        "SELECT 1 FROM versions v JOIN version_origins o ON o.version_id = v.id"
                        " WHERE v.project_id = ? AND v.number = ?");
        query.bind(1, project_id).bind(2, number);
        return query.step();
    }
    store::Version addVersion(int64_t project_id, const std::string& code, std::optional<int64_t> parent = {}) {
        return store.insertVersion(
            {project_id, parent, "make " + code, code, "model-x", "Loopback", {120, 900, 10, 20, "stop"}});
    }
};

std::vector<std::string> ids(const std::vector<LocalChange>& changes) {
    std::vector<std::string> out;
    for (const LocalChange& change : changes) out.push_back(change.id);
    return out;
}

std::string versionDocId(const std::string& global_id) {
    return "version:" + global_id;
}

// A version's document as another library would send it.
json versionDoc(const std::string& global_id, const std::string& project, int64_t created_at,
                const std::string& code = "<p>elsewhere</p>") {
    const std::string id = versionDocId(global_id);
    const std::string hash = contentHash(id);
    return {{"_id", id},
            {"_rev", "1-" + hash},
            {"_revisions", {{"start", 1}, {"ids", {hash}}}},
            {"type", "version"},
            {"project", project},
            {"parent", nullptr},
            {"prompt", "p"},
            {"code", code},
            {"model", "m"},
            {"endpoint_label", "e"},
            {"created_at", created_at},
            {"finish_reason", "stop"},
            {"made_on", "abcdefabcdefabcdefabcdefabcdefab"}};
}

// A project's document as another library would send it, at the revision `path` names.
json projectDoc(const std::string& public_id, const RevPath& path, const std::string& name, int64_t created_at) {
    return {{"_id", "project:" + public_id},
            {"_rev", path.revs().front()},
            {"_revisions", {{"start", path.start}, {"ids", path.ids}}},
            {"type", "project"},
            {"name", name},
            {"created_at", created_at},
            {"deleted_at", nullptr}};
}

// A project made on library A with `versions` versions, synced to library B through a server.
struct SharedProject {
    FakeCouchServer server;
    Library a;
    Library b;
    store::Project project;  // on A
    int64_t b_project = 0;   // its id on B

    SharedProject(int versions, int64_t b_clock_start) : a(1'700'000'000'000), b(b_clock_start) {
        project = a.store.createProject("Timer");
        for (int i = 1; i <= versions; i++) a.addVersion(project.id, "<p>" + std::to_string(i) + "</p>");
        a.sync(server);
        b.sync(server);
        b_project = b.store.getProjectByPublicId(project.public_id)->id;
    }
    // Passes A, B, A: each side has then seen all that the other made.
    void syncBoth() {
        for (Library* side : {&a, &b, &a}) ASSERT_EQ(side->sync(server).stage, SyncStage::Done);
    }
};

// ---------------------------------------------------------------------------------------------
// The documents
// ---------------------------------------------------------------------------------------------

TEST(SyncLibraryDocs, ProjectsAndVersionsAreDocumentsListedInTheOrderTheyChanged) {
    Library library;
    const store::Project project = library.store.createProject("Timer");
    const store::Version first = library.addVersion(project.id, "<p>1</p>");
    library.addVersion(project.id, "<p>2</p>", first.summary.id);
    library.docs.refresh();

    const std::string project_doc = "project:" + project.public_id;
    const std::string g1 = library.globalId(project.id, 1);
    const std::string g2 = library.globalId(project.id, 2);
    std::vector<LocalChange> changes = library.docs.changesSince(0, 100);
    EXPECT_EQ(ids(changes), (std::vector<std::string>{project_doc, versionDocId(g1), versionDocId(g2)}));
    ASSERT_EQ(changes[0].revs.size(), 1u);
    EXPECT_EQ(changes[2].revs, (std::vector<std::string>{"1-" + contentHash(versionDocId(g2))}));

    const json doc = *library.docs.getDoc(project_doc, changes[0].revs[0]);
    EXPECT_EQ(doc["type"], "project");
    EXPECT_EQ(doc["name"], "Timer");
    EXPECT_EQ(doc["created_at"], project.created_at);
    EXPECT_TRUE(doc["deleted_at"].is_null());
    EXPECT_EQ(doc["_revisions"]["start"], 1);

    const json version = *library.docs.getDoc(versionDocId(g2), changes[2].revs[0]);
    EXPECT_EQ(version["project"], project.public_id);
    EXPECT_EQ(version["parent"], g1);
    EXPECT_EQ(version["code"], "<p>2</p>");
    EXPECT_EQ(version["prompt"], "make <p>2</p>");
    EXPECT_EQ(version["ttft_ms"], 120);
    EXPECT_EQ(version["finish_reason"], "stop");
    EXPECT_EQ(version["made_on"], library.docs.libraryId());
    EXPECT_FALSE(version.contains("number"));
    EXPECT_FALSE(library.docs.getDoc(versionDocId(g2), "2-abc"));
    EXPECT_FALSE(library.docs.getDoc("project:ffffffffffffffff", changes[0].revs[0]));

    // Nothing changed: nothing written. A rename: a second revision, and the project moves last.
    library.docs.refresh();
    EXPECT_EQ(library.count("SELECT max(seq) FROM sync_changes"), 3);
    EXPECT_EQ(library.count("SELECT count(*) FROM sync_revs"), 1);
    library.store.renameProject(project.id, "Pomodoro");
    library.docs.refresh();
    changes = library.docs.changesSince(3, 100);
    ASSERT_EQ(ids(changes), (std::vector<std::string>{project_doc}));
    const json renamed = *library.docs.getDoc(project_doc, changes[0].revs[0]);
    EXPECT_EQ(renamed["name"], "Pomodoro");
    EXPECT_EQ(renamed["_revisions"]["start"], 2);
    EXPECT_EQ(renamed["_revisions"]["ids"][1], doc["_revisions"]["ids"][0]);
    EXPECT_EQ(library.docs.changesAfter(0), 3u);
}

TEST(SyncLibraryDocs, ALibraryArrivesWholeOnAnother) {
    FakeCouchServer server;
    Library a;
    const store::Project timer = a.store.createProject("Timer");
    const store::Version v1 = a.addVersion(timer.id, "<p>tomato</p>");
    a.addVersion(timer.id, "<p>tomato 2</p>", v1.summary.id);
    const store::Project old = a.store.createProject("Old");
    a.addVersion(old.id, "<p>old</p>");
    a.store.deleteProject(old.id);
    ASSERT_EQ(a.sync(server).stage, SyncStage::Done);

    Library b(1'800'000'000'000);
    const SyncProgress progress = b.sync(server);
    ASSERT_EQ(progress.stage, SyncStage::Done) << progress.detail;
    EXPECT_EQ(progress.pulled, 5u);
    EXPECT_EQ(progress.refused, 0u);

    const std::optional<store::Project> got = b.store.getProjectByPublicId(timer.public_id);
    ASSERT_TRUE(got);
    EXPECT_EQ(got->name, "Timer");
    EXPECT_EQ(got->created_at, timer.created_at);
    EXPECT_FALSE(got->deleted_at);
    const std::vector<store::VersionSummary> versions = b.store.listVersions(got->id);
    ASSERT_EQ(versions.size(), 2u);
    EXPECT_EQ(*b.store.getCode(got->id, 1), "<p>tomato</p>");
    EXPECT_EQ(*b.store.getCode(got->id, 2), "<p>tomato 2</p>");
    EXPECT_EQ(b.globalId(got->id, 2), a.globalId(timer.id, 2));
    EXPECT_EQ(versions[1].parent_id, versions[0].id);
    EXPECT_EQ(versions[1].stats.ttft_ms, 120);
    EXPECT_EQ(versions[0].created_at, v1.summary.created_at);
    EXPECT_TRUE(b.madeElsewhere(got->id, 1));
    EXPECT_FALSE(a.madeElsewhere(timer.id, 1));
    EXPECT_EQ(b.store.searchProjects("tomato"), (std::vector<int64_t>{got->id}));

    const std::vector<store::Project> trash = b.store.listDeletedProjects();
    ASSERT_EQ(trash.size(), 1u);
    EXPECT_EQ(trash[0].name, "Old");
    EXPECT_EQ(trash[0].deleted_at, a.store.listDeletedProjects()[0].deleted_at);
    EXPECT_EQ(b.count("SELECT count(*) FROM sync_placeholders"), 0);

    // What came is not sent back, and a second pass on either side moves nothing.
    EXPECT_EQ(progress.pushed, 0u);
    EXPECT_EQ(a.sync(server).pulled, 0u);
    EXPECT_EQ(b.sync(server).pushed, 0u);
}

TEST(SyncLibraryDocs, TwoVersion4sMadeApartAreBothKeptInTheOrderTheyWereMade) {
    SharedProject shared(3, 1'700'000'500'000);  // B's clock is later: its version 4 is made after A's
    Library& a = shared.a;
    Library& b = shared.b;
    a.addVersion(shared.project.id, "<p>4 from A</p>");
    b.addVersion(shared.b_project, "<p>4 from B</p>");
    EXPECT_EQ(*b.store.getCode(shared.b_project, 4), "<p>4 from B</p>");
    shared.syncBoth();

    for (auto [library, id] : {std::pair<Library*, int64_t>{&a, shared.project.id}, {&b, shared.b_project}}) {
        EXPECT_EQ(library->store.listVersions(id).size(), 5u);
        EXPECT_EQ(*library->store.getCode(id, 3), "<p>3</p>");
        EXPECT_EQ(*library->store.getCode(id, 4), "<p>4 from A</p>");
        EXPECT_EQ(*library->store.getCode(id, 5), "<p>4 from B</p>");
    }
    EXPECT_TRUE(a.madeElsewhere(shared.project.id, 5));
    EXPECT_TRUE(a.store.listVersions(shared.project.id)[4].made_elsewhere);  // as the versions list shows it
    EXPECT_FALSE(a.store.listVersions(shared.project.id)[3].made_elsewhere);
    EXPECT_FALSE(a.madeElsewhere(shared.project.id, 4));
    EXPECT_TRUE(b.madeElsewhere(shared.b_project, 4));
    EXPECT_FALSE(b.madeElsewhere(shared.b_project, 5));
    EXPECT_TRUE(b.madeElsewhere(shared.b_project, 3));  // 1 to 3 came from A
}

TEST(SyncLibraryDocs, ARenameOnEachSideEndsWithOneNameAndKeepsTheOtherInHistory) {
    SharedProject shared(0, 1'800'000'000'000);
    Library& a = shared.a;
    Library& b = shared.b;
    const store::Project& project = shared.project;
    const int64_t b_project = shared.b_project;
    a.store.renameProject(project.id, "Timer (laptop)");
    b.store.renameProject(b_project, "Timer (phone)");
    shared.syncBoth();

    const std::string name = a.store.getProject(project.id)->name;
    EXPECT_TRUE(name == "Timer (laptop)" || name == "Timer (phone)") << name;
    EXPECT_EQ(b.store.getProject(b_project)->name, name);
    const std::string doc_id = "project:" + project.public_id;
    const std::vector<LocalChange> changes = a.docs.changesSince(0, 100);
    const auto it = std::find_if(changes.begin(), changes.end(), [&](const LocalChange& c) { return c.id == doc_id; });
    ASSERT_NE(it, changes.end());
    ASSERT_EQ(it->revs.size(), 2u);
    EXPECT_EQ(a.docs.getDoc(doc_id, it->revs[0])->at("name"), name);
    EXPECT_EQ(a.docs.getDoc(doc_id, it->revs[1])->at("name"),
              name == "Timer (laptop)" ? "Timer (phone)" : "Timer (laptop)");
    EXPECT_EQ(b.docs.missingRevs({{doc_id, it->revs}}).size(), 0u);  // B has both
    // Neither side makes a revision of its own for the name it was given.
    const uint64_t seq = a.count("SELECT max(seq) FROM sync_changes");
    a.docs.refresh();
    EXPECT_EQ(a.count("SELECT max(seq) FROM sync_changes"), static_cast<int64_t>(seq));
}

TEST(SyncLibraryDocs, TheTrashSyncsAndSoDoesARestore) {
    SharedProject shared(1, 1'800'000'000'000);
    shared.a.store.deleteProject(shared.project.id);
    shared.syncBoth();
    EXPECT_TRUE(shared.b.store.getProject(shared.b_project)->deleted_at);
    shared.b.store.restoreProject(shared.b_project);
    shared.syncBoth();
    EXPECT_FALSE(shared.a.store.getProject(shared.project.id)->deleted_at);
    EXPECT_FALSE(shared.b.store.getProject(shared.b_project)->deleted_at);
}

TEST(SyncLibraryDocs, AProjectWhoseEveryRevisionIsADeletionGoesToTheTrash) {
    Library library;
    const store::Project project = library.store.createProject("Timer");
    library.docs.refresh();
    const std::string doc_id = "project:" + project.public_id;
    const std::string rev = library.docs.changesSince(0, 1)[0].revs[0];
    // Another CouchDB client deleted the document.
    EXPECT_EQ(library.docs.putDocs({{{"_id", doc_id},
                                     {"_rev", "2-dead"},
                                     {"_deleted", true},
                                     {"_revisions", {{"start", 2}, {"ids", {"dead", rev.substr(2)}}}}}}),
              0u);
    EXPECT_TRUE(library.store.getProject(project.id)->deleted_at);
    EXPECT_EQ(library.store.listDeletedProjects().size(), 1u);
    // In the trash, as the deletion says: no new revision.
    const int64_t seq = library.count("SELECT max(seq) FROM sync_changes");
    library.docs.refresh();
    EXPECT_EQ(library.count("SELECT max(seq) FROM sync_changes"), seq);
    // Restored here: a new revision after the deletion, which wins.
    library.store.restoreProject(project.id);
    library.docs.refresh();
    const std::vector<std::string> leaves = library.docs.changesSince(seq, 10)[0].revs;
    EXPECT_EQ(leaves[0].substr(0, 2), "3-");
}

TEST(SyncLibraryDocs, AVersionBeforeItsProjectGetsAProjectThatItsDocumentNamesLater) {
    Library library;
    EXPECT_EQ(library.docs.putDocs({versionDoc(std::string(32, 'a'), "0123456789abcdef", 1'690'000'000'000)}), 0u);
    const std::optional<store::Project> made = library.store.getProjectByPublicId("0123456789abcdef");
    ASSERT_TRUE(made);
    EXPECT_EQ(made->name, kPlaceholderProjectName);
    EXPECT_EQ(*library.store.getCode(made->id, 1), "<p>elsewhere</p>");
    library.docs.refresh();  // the placeholder is not a document of this library's making
    EXPECT_EQ(library.count("SELECT count(*) FROM sync_revs"), 0);

    EXPECT_EQ(library.docs.putDocs({projectDoc("0123456789abcdef", {1, {"5a5a"}}, "Weather", 1'680'000'000'000)}), 0u);
    EXPECT_EQ(library.store.getProject(made->id)->name, "Weather");
    EXPECT_EQ(library.store.getProject(made->id)->created_at, 1'680'000'000'000);
    EXPECT_EQ(library.count("SELECT count(*) FROM sync_placeholders"), 0);
}

TEST(SyncLibraryDocs, ARenameNotYetARevisionIsMergedWithWhatComesNotLost) {
    Library library;
    const store::Project project = library.store.createProject("Timer");
    library.docs.refresh();
    const std::string doc_id = "project:" + project.public_id;
    const std::string first = library.docs.changesSince(0, 1)[0].revs[0];
    library.store.renameProject(project.id, "Mine");  // no refresh: the pull comes first
    EXPECT_EQ(library.docs.putDocs(
                  {projectDoc(project.public_id, {2, {"0000", first.substr(2)}}, "Theirs", project.created_at)}),
              0u);
    const std::vector<std::string> leaves = library.docs.changesSince(0, 10)[0].revs;
    ASSERT_EQ(leaves.size(), 2u);
    std::set<std::string> names;
    for (const std::string& rev : leaves) names.insert(library.docs.getDoc(doc_id, rev)->at("name"));
    EXPECT_EQ(names, (std::set<std::string>{"Mine", "Theirs"}));
    EXPECT_EQ(library.store.getProject(project.id)->name, library.docs.getDoc(doc_id, leaves[0])->at("name"));
}

// ---------------------------------------------------------------------------------------------
// What is refused
// ---------------------------------------------------------------------------------------------

TEST(SyncLibraryDocs, WhatIsNotADocumentOfKilnsIsRefusedAndNothingOfItKept) {
    const std::string gid(32, 'b');
    const json good = versionDoc(gid, "0123456789abcdef", 1'690'000'000'000);
    auto with = [&](const char* member, json value) {
        json doc = good;
        doc[member] = std::move(value);
        return doc;
    };
    auto without = [&](const char* member) {
        json doc = good;
        doc.erase(member);
        return doc;
    };
    const json project = projectDoc("0123456789abcdef", {1, {"aa"}}, "Fine", 1);
    auto projectWith = [&](const char* member, json value) {
        json doc = project;
        doc[member] = std::move(value);
        return doc;
    };
    const std::vector<json> bad = {
        json::array(),
        json("version"),
        with("_id", "note:1"),
        with("_id", "version:XYZ"),
        with("_id", 7),
        with("_rev", "1-" + std::string(32, '0')),  // not what _revisions says
        []() {                                      // the revision _revisions says, but not the one of its id
            json doc = versionDoc(std::string(32, 'b'), "0123456789abcdef", 1);
            doc["_rev"] = "1-" + std::string(32, '0');
            doc["_revisions"]["ids"][0] = std::string(32, '0');
            return doc;
        }(),
        with("_deleted", "no"),
        with("_deleted", 1),
        with("_deleted", true),  // versions are never deleted
        without("_revisions"),
        with("type", "project"),
        with("project", "../../etc"),
        with("parent", "not-a-global-id"),
        with("code", 42),
        without("code"),
        with("created_at", -5),
        with("created_at", 1.5),
        with("ttft_ms", "fast"),
        with("made_on", ""),
        projectWith("name", ""),
        projectWith("name", "   "),
        projectWith("name", std::string(201, 'n')),
        projectWith("type", "version"),
        projectWith("created_at", "yesterday"),
        projectWith("deleted_at", "soon"),
        projectWith("_id", "project:short"),
        projectWith("_rev", "1-bb"),  // not what _revisions says
        projectWith("_deleted", "yes"),
    };
    Library library;
    EXPECT_EQ(library.docs.putDocs(bad), bad.size());
    EXPECT_EQ(library.count("SELECT count(*) FROM projects"), 0);
    EXPECT_EQ(library.count("SELECT count(*) FROM versions"), 0);
    EXPECT_EQ(library.count("SELECT count(*) FROM sync_revs"), 0);
    EXPECT_EQ(library.count("SELECT count(*) FROM sync_changes"), 0);
    // The same documents, whole, are kept.
    EXPECT_EQ(library.docs.putDocs({good, project}), 0u);
    EXPECT_EQ(library.count("SELECT count(*) FROM versions"), 1);
}

TEST(SyncLibraryDocs, ANameOnTwoLinesIsANameAsTheStoreSaysSo) {
    Library library;
    EXPECT_EQ(library.docs.putDocs({projectDoc("0123456789abcdef", {1, {"aa"}}, "Two\nlines", 1)}), 0u);
    EXPECT_EQ(library.store.getProjectByPublicId("0123456789abcdef")->name, "Two\nlines");
}

TEST(SyncLibraryDocs, AVersionThatCameBeforeItsParentIsLinkedToItWhenItComes) {
    // Batches of one, and the child's id sorted before its parent's: a server (CouchDB sorts a
    // _bulk_docs request by id) may list the child first.
    FakeCouchServer server;
    Library a;
    const store::Project project = a.store.createProject("Timer");
    const store::Version parent = a.addVersion(project.id, "<p>parent</p>");
    const store::Version child = a.addVersion(project.id, "<p>child</p>", parent.summary.id);
    Statement swap(a.store.database(),
                   "UPDATE version_global_ids SET global_id = CASE version_id WHEN ? THEN ? ELSE ? END");
    swap.bind(1, child.summary.id).bind(2, std::string(32, '1')).bind(3, std::string(32, 'f')).run();
    a.sync(server);

    Library b(1'800'000'000'000);
    b.docs.refresh();
    Replicator replicator(b.docs, b.docs.libraryId(), kRemote, {1});
    ASSERT_EQ(runPass(replicator, server).stage, SyncStage::Done);
    const int64_t id = b.store.getProjectByPublicId(project.public_id)->id;
    const std::vector<store::VersionSummary> versions = b.store.listVersions(id);
    ASSERT_EQ(versions.size(), 2u);
    EXPECT_EQ(*b.store.getCode(id, 2), "<p>child</p>");
    EXPECT_EQ(versions[1].parent_id, versions[0].id);
    EXPECT_EQ(b.count("SELECT count(*) FROM sync_pending_parents"), 0);
}

TEST(SyncLibraryDocs, AVersionAnOlderKilnAddedWithoutAGlobalIdIsSyncedAndNumbered) {
    Library library;
    const store::Project project = library.store.createProject("Timer");
    library.addVersion(project.id, "<p>1</p>");
    // An older Kiln, in another tab, adds a version and gives it no global id.
    library.store.database().exec("INSERT INTO versions (project_id, number, code, created_at) VALUES (" +
                                  std::to_string(project.id) + ", 2, '<p>2</p>', 1900000000000)");
    library.docs.refresh();
    EXPECT_EQ(library.docs.changesAfter(0), 3u);
    EXPECT_EQ(library.docs.putDocs({versionDoc(std::string(32, 'e'), project.public_id, 1'800'000'000'000)}), 0u);
    EXPECT_EQ(*library.store.getCode(project.id, 2), "<p>elsewhere</p>");
    EXPECT_EQ(*library.store.getCode(project.id, 3), "<p>2</p>");
}

TEST(SyncLibraryDocs, WhatTheUserDidToAPlaceholderIsMadeARevisionOnTopOfTheDocumentThatCame) {
    Library library;
    library.docs.putDocs({versionDoc(std::string(32, 'a'), "0123456789abcdef", 1'690'000'000'000)});
    const int64_t id = library.store.getProjectByPublicId("0123456789abcdef")->id;
    library.store.deleteProject(id);
    library.docs.refresh();
    EXPECT_EQ(library.count("SELECT count(*) FROM sync_revs"), 0);  // nothing of it made a document yet

    library.docs.putDocs({projectDoc("0123456789abcdef", {1, {"ffff"}}, "Weather", 1'680'000'000'000)});
    const store::Project project = *library.store.getProject(id);
    EXPECT_EQ(project.name, "Weather");
    EXPECT_TRUE(project.deleted_at);
    const std::vector<std::string> leaves = library.docs.changesSince(0, 10).back().revs;
    ASSERT_EQ(leaves.size(), 1u);  // one line of history: the trash on top of what came
    const json doc = *library.docs.getDoc("project:0123456789abcdef", leaves[0]);
    EXPECT_EQ(doc["_revisions"]["start"], 2);
    EXPECT_EQ(doc["name"], "Weather");
    EXPECT_FALSE(doc["deleted_at"].is_null());
}

TEST(SyncLibraryDocs, NoReadIsLeftOpenBetweenCalls) {
    FakeCouchServer server;
    SharedProject shared(3, 1'800'000'000'000);
    Library& library = shared.b;
    library.docs.changesAfter(0);
    library.docs.checkpoint("none");
    library.docs.missingRevs({{"version:" + std::string(32, '0'), {"1-a"}}});
    library.docs.getDoc("project:" + shared.project.public_id, library.docs.changesSince(0, 1)[0].revs[0]);
    sqlite3* db = library.store.database().handle();
    for (sqlite3_stmt* statement = sqlite3_next_stmt(db, nullptr); statement;
         statement = sqlite3_next_stmt(db, statement)) {
        EXPECT_FALSE(sqlite3_stmt_busy(statement)) << sqlite3_sql(statement);
    }
    EXPECT_TRUE(sqlite3_get_autocommit(db));
}

TEST(SyncLibraryDocs, WhatComesTwiceIsKeptOnce) {
    Library library;
    const json doc = versionDoc(std::string(32, 'c'), "0123456789abcdef", 1'690'000'000'000);
    library.docs.putDocs({doc, doc});
    library.docs.putDocs({doc});
    EXPECT_EQ(library.count("SELECT count(*) FROM versions"), 1);
    EXPECT_EQ(library.count("SELECT count(*) FROM sync_changes"), 1);
}

TEST(SyncLibraryDocs, ALibraryOpenedReadOnlyIsNotWritten) {
    kiln::test::TempPath path;
    {
        store::StoreOptions newer = kiln::test::steppingClock();
        newer.migrations.push_back({newer.migrations.back().version + 1, "a later Kiln's step", ""});
        Store store = Store::open(path.str(), newer);
        store.createProject("Timer");
    }
    Store store = Store::open(path.str(), kiln::test::steppingClock());
    ASSERT_TRUE(store.readOnly());
    LibraryDocs docs(store);
    EXPECT_THROW(docs.refresh(), store::StoreError);
    EXPECT_THROW(docs.putDocs({versionDoc(std::string(32, 'd'), "0123456789abcdef", 1)}), store::StoreError);
    EXPECT_THROW(docs.setCheckpoint("x", "1"), store::StoreError);
    EXPECT_EQ(store.database().queryInt("SELECT count(*) FROM versions"), 0);
}

}  // namespace
}  // namespace kiln::sync
