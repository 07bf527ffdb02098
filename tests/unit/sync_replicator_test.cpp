// The replication protocol, both ways, against a CouchDB in memory: what a pass copies, the
// requests it makes, its checkpoints, and every way a request can fail at every step of a pass.
#include <gtest/gtest.h>

#include "core/sync/replicator.h"
#include "core/sync/rev_tree.h"
#include "sync_fake_couch.h"

namespace kiln::sync {
namespace {

using nlohmann::json;
using testing::FakeCouchServer;
using testing::MemoryDocs;
using testing::parsePath;
using testing::runPass;

constexpr char kLibrary[] = "library-1";
constexpr char kRemote[] = "https://couch.example/kiln";

// ---------------------------------------------------------------------------------------------
// Revisions
// ---------------------------------------------------------------------------------------------

TEST(SyncRevisions, ParseTakesGenerationDashHashAndNothingElse) {
    const std::optional<Rev> rev = parseRev("12-9a0fbc");
    ASSERT_TRUE(rev);
    EXPECT_EQ(rev->generation, 12);
    EXPECT_EQ(rev->hash, "9a0fbc");
    EXPECT_EQ(formatRev(*rev), "12-9a0fbc");
    for (const char* bad :
         {"", "1", "1-", "-abc", "0-abc", "01-abc", "x-abc", "1-a b", "1-a\nb", "99999999999999999-abc", "+1-abc"}) {
        EXPECT_FALSE(parseRev(bad)) << bad;
    }
}

TEST(SyncRevisions, APathIsValidOnlyWithIdsAndAStartThatCoversThem) {
    EXPECT_TRUE((RevPath{3, {"c", "b", "a"}}.valid()));
    EXPECT_TRUE((RevPath{5, {"e", "d"}}.valid()));  // older ancestors forgotten (revs_limit)
    EXPECT_FALSE((RevPath{2, {"c", "b", "a"}}.valid()));
    EXPECT_FALSE((RevPath{1, {}}.valid()));
    EXPECT_FALSE((RevPath{1, {""}}.valid()));
    EXPECT_EQ((RevPath{3, {"c", "b", "a"}}.revs()), (std::vector<std::string>{"3-c", "2-b", "1-a"}));
}

TEST(SyncRevisions, TheWinnerIsCouchDbsLiveThenLongestThenGreatestHash) {
    RevTree tree;
    EXPECT_TRUE(tree.add({2, {"b", "a"}}, false));
    EXPECT_TRUE(tree.add({2, {"c", "a"}}, false));  // a conflict: two children of 1-a
    EXPECT_EQ(tree.leaves(), (std::vector<std::string>{"2-c", "2-b"}));
    EXPECT_EQ(tree.winner(), "2-c");
    EXPECT_TRUE(tree.add({3, {"d", "c"}}, true));  // the greater branch is deleted: the other wins
    EXPECT_EQ(tree.winner(), "2-b");
    EXPECT_TRUE(tree.add({3, {"e", "b"}}, false));
    EXPECT_EQ(tree.winner(), "3-e");
    EXPECT_FALSE(tree.add({3, {"e", "b"}}, false));  // known: nothing changes
    EXPECT_FALSE(tree.add({1, {""}}, false));        // not valid: nothing added
    EXPECT_EQ(tree.leaves().size(), 2u);
    EXPECT_EQ(tree.pathTo("3-e").revs(), (std::vector<std::string>{"3-e", "2-b", "1-a"}));
    EXPECT_EQ(tree.pathTo("3-e", 2).revs(), (std::vector<std::string>{"3-e", "2-b"}));
    EXPECT_TRUE(tree.pathTo("9-z").ids.empty());
}

TEST(SyncRevisions, ThirtyTwoHexDigitsCompareAsTheBytesTheySpellAsInCouchDb) {
    RevTree tree;
    tree.add({2, {"dead", "a"}}, false);
    tree.add({2, {"9f000000000000000000000000000000", "a"}}, false);
    EXPECT_EQ(tree.winner(), "2-9f000000000000000000000000000000");  // 0x9f > 'd' (0x64)
    EXPECT_EQ(hashBytes("0A0b0000000000000000000000000000"), std::string("\x0a\x0b") + std::string(14, '\0'));
    EXPECT_EQ(hashBytes("dead"), "dead");
}

TEST(SyncRevisions, AnAncestorLearntWithoutItsParentLearnsItLater) {
    RevTree tree;
    tree.add({3, {"c", "b"}}, false);
    EXPECT_EQ(tree.pathTo("3-c").revs(), (std::vector<std::string>{"3-c", "2-b"}));
    tree.add({3, {"c", "b", "a"}}, false);
    EXPECT_EQ(tree.pathTo("3-c").revs(), (std::vector<std::string>{"3-c", "2-b", "1-a"}));
}

TEST(SyncRevisions, ContentHashIs32HexAndDependsOnEveryByte) {
    const std::string a = contentHash("version:1");
    EXPECT_EQ(a.size(), 32u);
    EXPECT_EQ(a.find_first_not_of("0123456789abcdef"), std::string::npos);
    EXPECT_EQ(a, contentHash("version:1"));
    EXPECT_NE(a, contentHash("version:2"));
    EXPECT_NE(contentHash("ab"), contentHash("ba"));
}

// ---------------------------------------------------------------------------------------------
// A pass
// ---------------------------------------------------------------------------------------------

json project(const std::string& name) {
    return {{"type", "project"}, {"name", name}};
}

std::vector<std::string> resources(const FakeCouchServer& server) {
    std::vector<std::string> out;
    for (const HttpRequest& request : server.log) {
        std::string resource = parsePath(request.path).resource;
        if (resource.rfind("_local/", 0) == 0) resource = "_local";
        if (resource[0] != '_') resource = "<doc>";
        out.push_back(request.method + " " + resource);
    }
    return out;
}

size_t countOf(const FakeCouchServer& server, const std::string& what) {
    const std::vector<std::string> all = resources(server);
    return std::count(all.begin(), all.end(), what);
}

TEST(SyncPass, PullsEveryLeafWithItsHistoryConflictsAndDeletions) {
    FakeCouchServer server;
    const std::string first = server.db.edit("project:a", project("Timer"));
    server.db.child("project:a", first, "bbb", project("Pomodoro timer"));
    server.db.child("project:a", first, "ccc", project("Focus timer"));  // edited on two devices
    server.db.edit("version:1", {{"type", "version"}, {"code", "<p>1</p>"}});
    server.db.edit("gone", project("x"));
    server.db.edit("gone", project("x"), true);
    MemoryDocs local;

    Replicator replicator(local, kLibrary, kRemote);
    const SyncProgress& progress = runPass(replicator, server);

    EXPECT_EQ(progress.stage, SyncStage::Done) << progress.detail;
    EXPECT_EQ(local.db.everything(), server.db.everything());
    EXPECT_EQ(local.db.leaves("project:a"), (std::vector<std::string>{"2-ccc", "2-bbb"}));
    EXPECT_EQ(local.db.get("project:a", "2-bbb")->at("_revisions"),
              (json{{"start", 2}, {"ids", {"bbb", first.substr(2)}}}));
    EXPECT_TRUE(local.db.get("gone", local.db.winner("gone"))->value("_deleted", false));
    EXPECT_EQ(progress.pulled, 4u);  // project:a's two leaves, version:1, gone's deletion
    EXPECT_EQ(progress.pushed, 0u);  // what came is not sent back: _revs_diff says the server has it
    EXPECT_EQ(resources(server), (std::vector<std::string>{"GET _local", "GET _changes", "POST _bulk_get", "PUT _local",
                                                           "GET _local", "POST _revs_diff", "PUT _local"}));
}

TEST(SyncPass, PushesEveryLocalChangeKeepingItsRevisions) {
    FakeCouchServer server;
    MemoryDocs local;
    const std::string first = local.db.edit("project:a", project("Timer"));
    local.db.edit("project:a", project("Pomodoro"));
    local.db.child("project:a", first, "fff", project("Focus"));
    local.db.edit("version:1", {{"type", "version"}, {"code", "<p>1</p>"}});

    Replicator replicator(local, kLibrary, kRemote);
    const SyncProgress& progress = runPass(replicator, server);

    EXPECT_EQ(progress.stage, SyncStage::Done) << progress.detail;
    EXPECT_EQ(server.db.everything(), local.db.everything());
    EXPECT_EQ(progress.pushed, 3u);
    const json sent = json::parse(server.log[resources(server).size() - 2].body);
    EXPECT_EQ(sent["new_edits"], false);
    EXPECT_EQ(sent["docs"].size(), 3u);
}

TEST(SyncPass, TwoLibrariesThatEditedApartEndAlikeWithTheSameWinner) {
    FakeCouchServer server;
    MemoryDocs a;
    MemoryDocs b;
    a.db.edit("project:p", project("Timer"));
    Replicator first(a, "a", kRemote);
    runPass(first, server);
    Replicator second(b, "b", kRemote);
    runPass(second, server);
    a.db.edit("project:p", project("Timer (A)"));  // both rename it while offline
    b.db.edit("project:p", project("Timer (B)"));
    b.db.edit("version:b1", {{"type", "version"}});
    for (MemoryDocs* side : {&a, &b, &a}) {
        Replicator pass(*side, side == &a ? "a" : "b", kRemote);
        EXPECT_EQ(runPass(pass, server).stage, SyncStage::Done) << pass.progress().detail;
    }
    EXPECT_EQ(a.db.everything(), server.db.everything());
    EXPECT_EQ(b.db.everything(), server.db.everything());
    EXPECT_EQ(a.db.leaves("project:p").size(), 2u);
    EXPECT_EQ(a.db.winner("project:p"), b.db.winner("project:p"));
}

TEST(SyncPass, ASecondPassStartsAtTheCheckpointsOfTheFirst) {
    FakeCouchServer server;
    server.db.edit("version:1", {{"type", "version"}});
    MemoryDocs local;
    local.db.edit("version:2", {{"type", "version"}});
    Replicator first(local, kLibrary, kRemote);
    runPass(first, server);
    server.log.clear();

    // The pull's checkpoint is sequence 1: version:2 reached the server after it, in the push, and
    // comes back in this pass's list of changes, where _revs_diff's local twin finds it here.
    Replicator second(local, kLibrary, kRemote);
    EXPECT_EQ(runPass(second, server).stage, SyncStage::Done);
    EXPECT_EQ(resources(server), (std::vector<std::string>{"GET _local", "GET _changes", "PUT _local", "GET _local"}));
    EXPECT_EQ(parsePath(server.log[1].path).query.at("since"), server.seqValue(1).get<std::string>());
    EXPECT_EQ(second.progress().pulled, 0u);

    server.db.edit("version:3", {{"type", "version"}});
    server.log.clear();
    Replicator third(local, kLibrary, kRemote);
    EXPECT_EQ(runPass(third, server).pulled, 1u);
    EXPECT_EQ(json::parse(server.log[2].body)["docs"].size(), 1u);
}

TEST(SyncPass, CheckpointsThatDisagreeStartOverAndStoreNothingTwice) {
    FakeCouchServer server;
    for (int i = 0; i < 5; i++) server.db.edit("version:" + std::to_string(i), {{"type", "version"}});
    MemoryDocs local;
    Replicator first(local, kLibrary, kRemote);
    runPass(first, server);
    const auto before = local.db.everything();
    const uint64_t local_seq = local.db.seq();
    server.locals.clear();  // the server restored from a backup taken before the first pass
    server.log.clear();

    Replicator second(local, kLibrary, kRemote);
    const SyncProgress& progress = runPass(second, server);
    EXPECT_EQ(progress.stage, SyncStage::Done);
    EXPECT_EQ(parsePath(server.log[1].path).query.at("since"), "0");
    EXPECT_EQ(progress.pulled, 0u);
    EXPECT_EQ(progress.pushed, 0u);
    EXPECT_EQ(local.db.everything(), before);
    EXPECT_EQ(local.db.seq(), local_seq);  // nothing was written here
}

TEST(SyncPass, ChangesGoInBatchesEachCheckpointedWithProgress) {
    FakeCouchServer server;
    MemoryDocs local;
    for (int i = 0; i < 250; i++) {
        server.db.edit("version:s" + std::to_string(i), {{"type", "version"}});
        local.db.edit("version:l" + std::to_string(i), {{"type", "version"}});
    }
    Replicator replicator(local, kLibrary, kRemote, {100});
    std::vector<uint64_t> pending;
    while (replicator.request()) {
        replicator.receive(server.handle(*replicator.request()));
        if (replicator.request() && replicator.request()->method == "PUT")
            pending.push_back(replicator.progress().pending);
    }
    EXPECT_EQ(replicator.progress().stage, SyncStage::Done) << replicator.progress().detail;
    EXPECT_EQ(replicator.progress().pulled, 250u);
    EXPECT_EQ(replicator.progress().pushed, 250u);
    EXPECT_EQ(local.db.everything(), server.db.everything());
    EXPECT_EQ(countOf(server, "POST _bulk_get"), 3u);
    EXPECT_EQ(countOf(server, "POST _bulk_docs"), 3u);
    EXPECT_EQ(countOf(server, "PUT _local"), 8u);
    // Pulling: what the server said was left after each batch; pushing: what was left here before
    // it (this side's 250, then the 250 pulled, which _revs_diff finds the server has).
    EXPECT_EQ(pending, (std::vector<uint64_t>{150, 50, 0, 500, 400, 300, 200, 100}));
}

TEST(SyncPass, WithoutBulkGetEachRevisionIsFetchedAlone) {
    FakeCouchServer server;
    server.has_bulk_get = false;
    const std::string first = server.db.edit("project:a", project("Timer"));
    server.db.child("project:a", first, "bbb", project("B"));
    server.db.child("project:a", first, "ccc", project("C"));
    server.db.edit("a/b c", project("odd id"));
    MemoryDocs local;
    Replicator replicator(local, kLibrary, kRemote);
    EXPECT_EQ(runPass(replicator, server).stage, SyncStage::Done) << replicator.progress().detail;
    EXPECT_EQ(local.db.everything(), server.db.everything());
    EXPECT_EQ(countOf(server, "GET <doc>"), 3u);
    EXPECT_EQ(replicator.progress().pulled, 3u);
}

TEST(SyncPass, PouchDbsNumberSequencesWorkAsCouchDbsStrings) {
    FakeCouchServer server;
    server.string_seqs = false;
    server.db.edit("version:1", {{"type", "version"}});
    MemoryDocs local;
    Replicator first(local, kLibrary, kRemote);
    runPass(first, server);
    server.db.edit("version:2", {{"type", "version"}});
    server.log.clear();
    Replicator second(local, kLibrary, kRemote);
    EXPECT_EQ(runPass(second, server).pulled, 1u);
    EXPECT_EQ(parsePath(server.log[1].path).query.at("since"), "1");
}

TEST(SyncPass, TheServersDesignDocumentsStayThere) {
    FakeCouchServer server;
    server.db.edit("_design/app", {{"validate_doc_update", "function () {}"}});
    server.db.edit("version:1", {{"type", "version"}});
    MemoryDocs local;
    Replicator replicator(local, kLibrary, kRemote);
    EXPECT_EQ(runPass(replicator, server).pulled, 1u);
    EXPECT_TRUE(local.db.leaves("_design/app").empty());
}

TEST(SyncPass, ADocumentTheServerRefusesIsCountedAndTheOthersGo) {
    FakeCouchServer server;
    server.refuse_doc_id = "version:2";
    MemoryDocs local;
    for (int i = 1; i <= 3; i++) local.db.edit("version:" + std::to_string(i), {{"type", "version"}});
    Replicator replicator(local, kLibrary, kRemote);
    const SyncProgress& progress = runPass(replicator, server);
    EXPECT_EQ(progress.stage, SyncStage::Done);
    EXPECT_EQ(progress.pushed, 2u);
    EXPECT_EQ(progress.refused, 1u);
    EXPECT_TRUE(server.db.leaves("version:2").empty());
}

TEST(SyncPass, BatchesTooBigForTheServerAreHalvedAndADocumentItNeverTakesIsPassed) {
    FakeCouchServer server;
    server.max_docs_per_request = 3;
    server.max_request_bytes = 4000;
    MemoryDocs local;
    for (int i = 0; i < 10; i++) local.db.edit("version:" + std::to_string(i), {{"type", "version"}});
    local.db.edit("version:huge", {{"type", "version"}, {"code", std::string(5000, 'x')}});
    Replicator replicator(local, kLibrary, kRemote, {8});
    const SyncProgress& progress = runPass(replicator, server);
    EXPECT_EQ(progress.stage, SyncStage::Done) << progress.detail;
    EXPECT_EQ(progress.pushed, 10u);
    EXPECT_EQ(progress.refused, 1u);
    EXPECT_TRUE(server.db.leaves("version:huge").empty());
    EXPECT_EQ(server.db.leaves("version:9").size(), 1u);
    // The next pass starts after it: nothing is sent again.
    server.log.clear();
    Replicator again(local, kLibrary, kRemote, {8});
    EXPECT_EQ(runPass(again, server).pushed, 0u);
    EXPECT_EQ(countOf(server, "POST _bulk_docs"), 0u);
}

TEST(SyncPass, ARevisionBulkGetDoesNotGiveIsAskedForAloneAndOnlyNotFoundIsGone) {
    FakeCouchServer server;
    for (const char* id : {"version:timeout", "version:absent", "version:gone", "version:missing", "version:fine"}) {
        server.db.edit(id, {{"type", "version"}});
    }
    MemoryDocs local;
    Replicator replicator(local, kLibrary, kRemote);
    runPass(replicator, server, [&](const HttpRequest& request, HttpResponse& response) {
        if (parsePath(request.path).resource == "_bulk_get") {
            json answer = json::parse(response.body);
            json kept = json::array();
            for (json& result : answer["results"]) {
                const std::string id = result["id"];
                const std::string rev = result["docs"][0]["ok"]["_rev"];
                if (id == "version:absent") continue;
                if (id == "version:missing") result["docs"][0] = {{"missing", rev}};  // PouchDB Server's not_found
                if (id == "version:timeout" || id == "version:gone") {
                    result["docs"][0] = {
                        {"error",
                         {{"id", id}, {"rev", rev}, {"error", id == "version:gone" ? "not_found" : "timeout"}}}};
                }
                kept.push_back(result);
            }
            answer["results"] = kept;
            response.body = answer.dump();
        }
    });
    EXPECT_EQ(replicator.progress().stage, SyncStage::Done) << replicator.progress().detail;
    EXPECT_EQ(countOf(server, "GET <doc>"), 2u);  // the timeout and the absent one
    EXPECT_EQ(local.db.leaves("version:timeout").size(), 1u);
    EXPECT_EQ(local.db.leaves("version:absent").size(), 1u);
    EXPECT_EQ(local.db.leaves("version:fine").size(), 1u);
    EXPECT_TRUE(local.db.leaves("version:gone").empty());
    EXPECT_TRUE(local.db.leaves("version:missing").empty());
    EXPECT_EQ(replicator.progress().pulled, 3u);
}

TEST(SyncPass, ASingleGetThatAnswersAnotherDocumentEndsThePassWithNoCheckpoint) {
    FakeCouchServer server;
    server.has_bulk_get = false;
    server.db.edit("version:1", {{"type", "version"}});
    server.db.edit("version:2", {{"type", "version"}});
    MemoryDocs local;
    Replicator replicator(local, kLibrary, kRemote);
    runPass(replicator, server, [&](const HttpRequest& request, HttpResponse& response) {
        if (parsePath(request.path).resource == "version:2") {
            response = server.handle({"GET", "version%3A1?rev=" + server.db.winner("version:1") + "&revs=true", ""});
        }
    });
    EXPECT_EQ(replicator.progress().stage, SyncStage::Failed);
    EXPECT_EQ(replicator.progress().error, SyncError::BadAnswer);
    EXPECT_TRUE(local.checkpoints.empty());
}

TEST(SyncPass, AStorageFailureHereStopsThePassWithNoCheckpointMoved) {
    FakeCouchServer server;
    server.db.edit("version:1", {{"type", "version"}});
    MemoryDocs local;
    local.fail_storing = true;
    Replicator failing(local, kLibrary, kRemote);
    const SyncProgress& failed = runPass(failing, server);
    EXPECT_EQ(failed.stage, SyncStage::Failed);
    EXPECT_EQ(failed.error, SyncError::Storage);
    EXPECT_NE(failed.detail.find("the disk is full"), std::string::npos);
    EXPECT_TRUE(local.checkpoints.empty());
    EXPECT_TRUE(server.locals.empty());

    local.fail_storing = false;
    Replicator again(local, kLibrary, kRemote);
    EXPECT_EQ(runPass(again, server).pulled, 1u);
}

TEST(SyncPass, AMissingDatabaseIsNamedAsSuch) {
    FakeCouchServer server;
    server.database_exists = false;
    MemoryDocs local;
    Replicator replicator(local, kLibrary, kRemote);
    const SyncProgress& progress = runPass(replicator, server);
    EXPECT_EQ(progress.stage, SyncStage::Failed);
    EXPECT_EQ(progress.error, SyncError::NoDatabase);
    EXPECT_EQ(progress.status, 404);
    EXPECT_NE(progress.detail.find("Database does not exist."), std::string::npos);
}

// ---------------------------------------------------------------------------------------------
// Every failure at every step
// ---------------------------------------------------------------------------------------------

// The two sides of the failure tests: each has what the other lacks, a document both have, and
// a conflict on it; batches of 2, so that a pass goes through every step more than once.
struct Sides {
    FakeCouchServer server;
    MemoryDocs local;
    Sides() {
        const std::string first = server.db.edit("project:p", project("Timer"));
        local.db.put(*server.db.get("project:p", first));
        server.db.child("project:p", first, "sss", project("Server's name"));
        local.db.child("project:p", first, "lll", project("Local name"));
        for (int i = 0; i < 3; i++) {
            server.db.edit("version:s" + std::to_string(i), {{"type", "version"}, {"n", i}});
            local.db.edit("version:l" + std::to_string(i), {{"type", "version"}, {"n", i}});
        }
    }
};

enum class Fault { Dropped, AnswerLost, Unauthorized, Forbidden, ServerError, Unavailable, Conflict, Truncated };

struct FaultCase {
    Fault fault;
    const char* name;
};

TEST(SyncFailures, EveryFailureAtEveryStepLosesNothingAndTheNextPassCompletes) {
    const FaultCase kFaults[] = {
        {Fault::Dropped, "dropped before the server saw it"},
        {Fault::AnswerLost, "dropped after the server did it"},
        {Fault::Unauthorized, "401"},
        {Fault::Forbidden, "403"},
        {Fault::ServerError, "500"},
        {Fault::Unavailable, "503"},
        {Fault::Conflict, "409"},
        {Fault::Truncated, "body cut in half"},
    };
    Sides clean;
    Replicator reference(clean.local, kLibrary, kRemote, {2});
    ASSERT_EQ(runPass(reference, clean.server).stage, SyncStage::Done);
    const auto expected = clean.server.db.everything();
    ASSERT_EQ(clean.local.db.everything(), expected);
    const size_t steps = clean.server.log.size();
    ASSERT_GE(steps, 12u);

    for (size_t at = 0; at < steps; at++) {
        for (const FaultCase& fault : kFaults) {
            SCOPED_TRACE("request " + std::to_string(at) + " (" + resources(clean.server)[at] + "): " + fault.name);
            Sides sides;
            const auto server_before = sides.server.db.everything();
            const auto local_before = sides.local.db.everything();
            Replicator replicator(sides.local, kLibrary, kRemote, {2});
            for (size_t i = 0; replicator.request() && i < 1000; i++) {
                const HttpRequest request = *replicator.request();
                HttpResponse response;
                if (i != at) {
                    response = sides.server.handle(request);
                } else {
                    switch (fault.fault) {
                        case Fault::Dropped:
                            response = {0, ""};
                            break;
                        case Fault::AnswerLost:
                            sides.server.handle(request);
                            response = {0, ""};
                            break;
                        case Fault::Unauthorized:
                            response = {401, R"({"error":"unauthorized"})"};
                            break;
                        case Fault::Forbidden:
                            response = {403, R"({"error":"forbidden"})"};
                            break;
                        case Fault::ServerError:
                            response = {500, R"({"error":"unknown_error"})"};
                            break;
                        case Fault::Unavailable:
                            response = {503, "<html>Service Unavailable</html>"};
                            break;
                        case Fault::Conflict:
                            response = {409, R"({"error":"conflict"})"};
                            break;
                        case Fault::Truncated:
                            response = sides.server.handle(request);
                            response.body.resize(response.body.size() / 2);
                            break;
                    }
                }
                replicator.receive(response);
            }
            const SyncProgress& progress = replicator.progress();
            ASSERT_NE(progress.stage, SyncStage::Pulling);
            ASSERT_NE(progress.stage, SyncStage::Pushing);
            if (progress.stage == SyncStage::Failed) {
                EXPECT_FALSE(progress.detail.empty());
                switch (fault.fault) {
                    case Fault::Dropped:
                    case Fault::AnswerLost:
                        EXPECT_EQ(progress.error, SyncError::Offline);
                        break;
                    case Fault::Unauthorized:
                        EXPECT_EQ(progress.error, SyncError::Unauthorized);
                        break;
                    case Fault::Forbidden:
                        EXPECT_EQ(progress.error, SyncError::Forbidden);
                        break;
                    case Fault::Truncated:
                        EXPECT_EQ(progress.error, SyncError::BadAnswer);
                        break;
                    default:
                        EXPECT_EQ(progress.error, SyncError::Server);
                        break;
                }
            } else {
                // Only where a step expects the status: a 409 on a checkpoint (read again, put
                // again), a cut 404 (no checkpoint yet), a cut answer with nothing to read.
                EXPECT_TRUE(fault.fault == Fault::Conflict || fault.fault == Fault::Truncated);
            }
            // Nothing either side had is gone.
            for (const auto& [id, leaves] : server_before) {
                for (const auto& [rev, doc] : leaves) EXPECT_TRUE(sides.server.db.get(id, rev)) << id << " " << rev;
            }
            for (const auto& [id, leaves] : local_before) {
                for (const auto& [rev, doc] : leaves) EXPECT_TRUE(sides.local.db.get(id, rev)) << id << " " << rev;
            }
            // The next pass finishes the work, and both sides end as a pass with no failure leaves them.
            Replicator next(sides.local, kLibrary, kRemote, {2});
            EXPECT_EQ(runPass(next, sides.server).stage, SyncStage::Done) << next.progress().detail;
            EXPECT_EQ(sides.server.db.everything(), expected);
            EXPECT_EQ(sides.local.db.everything(), expected);
        }
    }
}

TEST(SyncFailures, AConflictOnACheckpointIsReadAgainAndWrittenOnce) {
    FakeCouchServer server;
    server.db.edit("version:1", {{"type", "version"}});
    MemoryDocs local;
    Replicator first(local, kLibrary, kRemote);
    runPass(first, server);
    // Another pass (another tab of the same library) moved the server's checkpoint meanwhile.
    server.db.edit("version:2", {{"type", "version"}});
    Replicator replicator(local, kLibrary, kRemote);
    bool moved = false;
    while (replicator.request()) {
        const HttpRequest request = *replicator.request();
        if (request.method == "PUT" && !moved) {
            json other = json::parse(request.body);
            for (auto& [id, doc] : server.locals) {
                if (id == other["_id"]) doc["_rev"] = "0-99";
            }
            moved = true;
        }
        replicator.receive(server.handle(request));
    }
    EXPECT_EQ(replicator.progress().stage, SyncStage::Done) << replicator.progress().detail;
    EXPECT_EQ(countOf(server, "PUT _local"), 2u + 3u);  // the first pass's two, then the 409, its retry, push's
}

// ---------------------------------------------------------------------------------------------
// A server that is not to be trusted
// ---------------------------------------------------------------------------------------------

TEST(SyncHostileServer, KilnSendsOnlyWhatItAskedAboutAndKeepsOnlyWhatItAskedFor) {
    FakeCouchServer server;
    server.db.edit("version:1", {{"type", "version"}});
    MemoryDocs local;
    local.db.edit("version:mine", {{"type", "version"}});
    local.db.edit("version:other", {{"type", "version"}});
    Replicator replicator(local, kLibrary, kRemote, {1});
    runPass(replicator, server, [&](const HttpRequest& request, HttpResponse& response) {
        const std::string resource = parsePath(request.path).resource;
        if (resource == "_revs_diff" && request.body.find("version:mine") != std::string::npos) {
            json answer = json::parse(response.body);
            answer["version:other"] = {{"missing", {local.db.winner("version:other")}}};  // another batch's
            answer["version:mine"]["missing"].push_back("9-notasked");
            response.body = answer.dump();
        }
        if (resource == "_bulk_get") {
            json answer = json::parse(response.body);
            json extra = *server.db.get("version:1", server.db.winner("version:1"));
            extra["_id"] = "planted";
            answer["results"].push_back({{"id", "planted"}, {"docs", {{{"ok", extra}}}}});
            response.body = answer.dump();
        }
    });
    EXPECT_EQ(replicator.progress().stage, SyncStage::Done) << replicator.progress().detail;
    EXPECT_TRUE(local.db.leaves("planted").empty());
    for (const HttpRequest& request : server.log) {
        if (parsePath(request.path).resource != "_bulk_docs") continue;
        const json docs = json::parse(request.body)["docs"];
        EXPECT_EQ(docs.size(), 1u);  // batches of one: only the document asked about
        EXPECT_NE(docs[0]["_rev"], "9-notasked");
    }
    EXPECT_EQ(replicator.progress().pushed, 2u);
}

TEST(SyncHostileServer, ADocumentWhoseHistoryDoesNotMatchItsRevisionIsRefused) {
    FakeCouchServer server;
    server.db.edit("version:1", {{"type", "version"}});
    server.db.edit("version:2", {{"type", "version"}});
    MemoryDocs local;
    Replicator replicator(local, kLibrary, kRemote);
    runPass(replicator, server, [&](const HttpRequest& request, HttpResponse& response) {
        if (parsePath(request.path).resource == "_bulk_get") {
            json answer = json::parse(response.body);
            answer["results"][0]["docs"][0]["ok"]["_revisions"]["ids"][0] = "forged";
            response.body = answer.dump();
        }
    });
    EXPECT_EQ(replicator.progress().stage, SyncStage::Done);
    EXPECT_EQ(replicator.progress().pulled, 1u);
    EXPECT_EQ(replicator.progress().refused, 1u);
}

TEST(SyncHostileServer, AListOfChangesThatIsNotOneEndsThePass) {
    const char* kAnswers[] = {
        R"([])",
        R"({"results": {}, "last_seq": 1})",
        R"({"results": [], "last_seq": {"x": 1}})",
        R"({"results": [{"id": 5, "changes": []}], "last_seq": 1})",
        R"({"results": [{"id": "a", "changes": [{"rev": "not-a-rev x"}]}], "last_seq": 1})",
        R"({"results": [{"id": "a", "changes": [{"rev": 3}]}], "last_seq": 1})",
        R"({"results": [{"id": "a"}], "last_seq": 1})",
        "{\"results\": [",
    };
    for (const char* answer : kAnswers) {
        SCOPED_TRACE(answer);
        MemoryDocs local;
        Replicator replicator(local, kLibrary, kRemote);
        replicator.receive({404, "{}"});  // no checkpoint
        ASSERT_EQ(parsePath(replicator.request()->path).resource, "_changes");
        replicator.receive({200, answer});
        EXPECT_EQ(replicator.progress().stage, SyncStage::Failed);
        EXPECT_EQ(replicator.progress().error, SyncError::BadAnswer);
        EXPECT_FALSE(replicator.request());
    }
}

// ---- The watch between passes ----------------------------------------------------------------

TEST(SyncWatch, AChangeThisSideLacksCallsForAPassAndItsOwnPushesDoNot) {
    FakeCouchServer server;
    MemoryDocs local;
    local.db.edit("project:a", project("Timer"));
    Replicator replicator(local, kLibrary, kRemote);
    ASSERT_EQ(runPass(replicator, server).stage, SyncStage::Done);
    const json since = replicator.pulledUpTo();

    // The watch starts where the pull ended: the server then holds this side's push, which it has.
    const HttpRequest watch = watchRequest(since, 25000);
    const testing::ParsedPath path = parsePath(watch.path);
    EXPECT_EQ(watch.method, "GET");
    EXPECT_EQ(path.resource, "_changes");
    EXPECT_EQ(path.query.at("feed"), "longpoll");
    EXPECT_EQ(path.query.at("timeout"), "25000");
    EXPECT_EQ(path.query.at("since"), since.get<std::string>());
    const WatchResult own = readWatch(server.handle(watch), local);
    EXPECT_EQ(own.kind, WatchResult::Kind::Quiet);
    EXPECT_EQ(own.since, server.seqValue(server.db.seq()));

    // Another device's change: a pass is due.
    server.db.edit("project:b", project("Notes"));
    const WatchResult other = readWatch(server.handle(watchRequest(own.since, 25000)), local);
    EXPECT_EQ(other.kind, WatchResult::Kind::Changed);
    EXPECT_EQ(other.since, server.seqValue(server.db.seq()));

    // The long poll's time ran out with nothing new.
    EXPECT_EQ(readWatch({200, R"({"results":[],"last_seq":"9-x"})"}, local).kind, WatchResult::Kind::Quiet);
}

TEST(SyncWatch, AnAnswerThatIsNotAListOfChangesEndsTheWatch) {
    MemoryDocs local;
    json more_than_asked = {{"results", json::array()}, {"last_seq", "101"}};
    for (int i = 0; i < 101; i++) {
        more_than_asked["results"].push_back({{"id", "d" + std::to_string(i)}, {"changes", {{{"rev", "1-abc"}}}}});
    }
    const json endless_seq = {{"results", json::array()}, {"last_seq", std::string(20000, '7')}};
    for (const HttpResponse& answer : std::vector<HttpResponse>{
             {200, more_than_asked.dump()},
             {200, endless_seq.dump()},
             {0, ""},
             {401, R"({"error":"unauthorized"})"},
             {500, R"({"results":[],"last_seq":"1"})"},
             {200, R"({"results":[{"id":"a","changes":[{"rev":"x"}]}],"last_seq":"1"})"},
             {200, R"({"results":[],"last_seq":{}})"},
             {200, "{\"results\": ["},
         }) {
        SCOPED_TRACE(answer.body);
        EXPECT_EQ(readWatch(answer, local).kind, WatchResult::Kind::Failed);
    }
}

}  // namespace
}  // namespace kiln::sync
