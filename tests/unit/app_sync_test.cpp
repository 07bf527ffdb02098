// Sync as the app runs it: the settings and their checks, passes through the app's HttpClient
// with the password only for its origin, when passes run, and the status line's words.
#include <gtest/gtest.h>

#include <deque>

#include "app/app.h"
#include "fake_origin.h"
#include "sync_fake_couch.h"

namespace kiln {
namespace {

using app::App;
using app::SyncSettings;
using sync::testing::FakeCouchServer;

constexpr char kServer[] = "http://127.0.0.1:5984";
constexpr char kDatabaseUrl[] = "http://127.0.0.1:5984/kiln/";

// An HttpClient in front of a FakeCouchServer: requests wait until pump() answers them, as a
// browser's fetch answers later, never from inside send(). A long poll of _changes (the watch
// between passes) is held, as a server holds it, until the server has a change after its since.
struct CouchHttp : app::HttpClient {
    FakeCouchServer& server;
    struct Waiting {
        uint64_t id;
        codegen::HttpRequest request;
        app::HttpCallbacks callbacks;
    };
    std::deque<Waiting> waiting;
    std::vector<codegen::HttpRequest> sent;
    bool offline = false;
    bool ignores_longpoll = false;             // answers a watch at once, as _changes without feed
    std::optional<sync::HttpResponse> forced;  // answers every request instead of the server
    std::string authorization;                 // when set, what the database's requests must carry

    explicit CouchHttp(FakeCouchServer& server) : server(server) {}
    uint64_t send(const codegen::HttpRequest& request, app::HttpCallbacks callbacks) override {
        sent.push_back(request);
        waiting.push_back({sent.size(), request, std::move(callbacks)});
        return sent.size();
    }
    void abort(uint64_t id) override { aborted.push_back(id); }
    std::vector<uint64_t> aborted;

    // The server's welcome and the database itself (GET, PUT); the rest goes to the database.
    sync::HttpResponse answer(const codegen::HttpRequest& request) {
        const std::string database = std::string(kDatabaseUrl).substr(0, std::string(kDatabaseUrl).size() - 1);
        if (request.url == std::string(kServer) + "/") return {200, R"({"couchdb":"Welcome","version":"3.3.3"})"};
        const auto sent = std::find_if(request.headers.begin(), request.headers.end(),
                                       [](const auto& header) { return header.first == "Authorization"; });
        if (!authorization.empty() && (sent == request.headers.end() || sent->second != authorization)) {
            return {401, R"({"error":"unauthorized","reason":"Name or password is incorrect."})"};
        }
        if (request.url == database && request.method == "PUT") {
            if (server.database_exists) return {412, R"({"error":"file_exists"})"};
            server.database_exists = true;
            return {201, R"({"ok":true})"};
        }
        if (request.url == database) {
            if (!server.database_exists) return {404, R"({"error":"not_found","reason":"Database does not exist."})"};
            return {200, nlohmann::json{{"db_name", "kiln"}, {"doc_count", server.db.changesSince(0).size()}}.dump()};
        }
        if (request.url.rfind(kDatabaseUrl, 0) != 0) return {404, R"({"error":"not_found"})"};
        return server.handle({request.method, request.url.substr(std::string(kDatabaseUrl).size()), request.body});
    }

    // Whether `request` is a watch the server holds: a long poll with no change after its since.
    bool held(const codegen::HttpRequest& request) const {
        if (request.url.find("feed=longpoll") == std::string::npos || offline || forced || ignores_longpoll) {
            return false;
        }
        const std::map<std::string, std::string> query =
            sync::testing::parsePath(request.url.substr(std::string(kDatabaseUrl).size())).query;
        const std::string since = query.count("since") ? query.at("since") : "0";
        return server.db.changesSince(std::stoull(since.substr(0, since.find('-')))).empty();
    }
    bool watching() const {
        return std::any_of(parked.begin(), parked.end(), [&](const Waiting& w) {
            return std::find(aborted.begin(), aborted.end(), w.id) == aborted.end();
        });
    }
    std::deque<Waiting> parked;  // the watches held

    // How many requests sent had `part` in their URL.
    size_t sentWith(const char* part) const {
        return std::count_if(sent.begin(), sent.end(),
                             [&](const codegen::HttpRequest& r) { return r.url.find(part) != std::string::npos; });
    }

    // Answers the requests until none waits (at most `limit`); a watch held before is answered
    // if the server has changed since.
    void pump(size_t limit = 10000) {
        for (Waiting& watch : parked) waiting.push_back(std::move(watch));
        parked.clear();
        for (size_t i = 0; i < limit && !waiting.empty(); i++) {
            auto [id, request, callbacks] = std::move(waiting.front());
            waiting.pop_front();
            const auto gone = [&, id = id] { return std::find(aborted.begin(), aborted.end(), id) != aborted.end(); };
            if (gone()) continue;  // as fetch: nothing more is called back
            if (held(request)) {
                parked.push_back({id, std::move(request), std::move(callbacks)});
                continue;
            }
            // As the platform's client: a request with credentials goes only to their origin.
            if (!request.key_origin.empty() && test::fakeOriginOf(request.url) != request.key_origin) {
                callbacks.failed(app::HttpFailure::Refused, "not sent: the password is not for this origin");
                continue;
            }
            if (offline || request.url.rfind(kServer, 0) != 0) {
                callbacks.failed(app::HttpFailure::Unreachable, "Failed to fetch");
                continue;
            }
            const sync::HttpResponse response = forced ? *forced : answer(request);
            callbacks.response(response.status, {});
            callbacks.data(response.body);
            if (!gone()) callbacks.end();
        }
    }
};

struct Device {
    App app;
    CouchHttp http;
    int64_t now = 1000;

    explicit Device(FakeCouchServer& server) : http(server) {
        app::openInMemory(app);
        app.http = &http;
        app.origin_of = test::fakeOriginOf;
        app.clock_ms = [this] { return now; };
    }
    void turnOn(const std::string& user = "anna", const std::string& password = "secret") {
        SyncSettings settings;
        settings.enabled = true;
        settings.url = kServer;
        settings.user = user;
        settings.password = password;
        app::saveSyncSettings(app, settings);
        http.pump();
    }
};

SyncSettings withUrl(const std::string& url, const std::string& database = "kiln") {
    SyncSettings settings;
    settings.url = url;
    settings.database = database;
    return settings;
}

TEST(AppSync, SettingsNeedAnHttpsServerOrThisComputerAndAValidDatabase) {
    FakeCouchServer server;
    Device device(server);
    const App& app = device.app;
    EXPECT_NE(app::syncSettingsProblem(app, withUrl("")), "");
    EXPECT_NE(app::syncSettingsProblem(app, withUrl("couch.example")), "");
    EXPECT_NE(app::syncSettingsProblem(app, withUrl("ftp://couch.example")), "");
    EXPECT_NE(app::syncSettingsProblem(app, withUrl("http://couch.example:5984")).find("https://"), std::string::npos);
    EXPECT_NE(app::syncSettingsProblem(app, withUrl("http://192.168.1.5:5984")), "");
    EXPECT_NE(app::syncSettingsProblem(app, withUrl("https://couch.example?x=1")), "");
    EXPECT_EQ(app::syncSettingsProblem(app, withUrl("https://couch.example:6984/")), "");
    EXPECT_EQ(app::syncSettingsProblem(app, withUrl("http://127.0.0.1:5984")), "");
    EXPECT_EQ(app::syncSettingsProblem(app, withUrl("http://localhost:5984")), "");
    EXPECT_NE(app::syncSettingsProblem(app, withUrl(kServer, "Kiln")), "");
    EXPECT_NE(app::syncSettingsProblem(app, withUrl(kServer, "_users")), "");
    EXPECT_NE(app::syncSettingsProblem(app, withUrl(kServer, "")), "");
    EXPECT_EQ(app::syncSettingsProblem(app, withUrl(kServer, "my-projects/2026")), "");
    // Not loopback, whatever they start with; no user, query or fragment in the address.
    for (const char* url :
         {"http://127.0.0.1.example.com:5984", "http://127.example.com", "http://localhost.example.com",
          "http://127.0.0.1@example.com", "https://anna:secret@couch.example", "https://couch.example/?x",
          "https://couch.example:443?x", "https://couch.example#x", "http://1270.0.0.1"}) {
        EXPECT_NE(app::syncSettingsProblem(app, withUrl(url)), "") << url;
    }
    EXPECT_EQ(app::syncSettingsProblem(app, withUrl("http://127.1.2.3:5984")), "");
}

TEST(AppSync, NothingSpinsWhenAPassCannotRunAndNothingBreaksBeforeTheLibraryOpens) {
    FakeCouchServer server;
    App app;  // the library not open yet
    CouchHttp http(server);
    app.http = &http;
    app.origin_of = test::fakeOriginOf;
    SyncSettings settings = withUrl(kServer);
    settings.enabled = true;
    app::saveSyncSettings(app, settings);  // (nothing to keep it in yet: nothing happens)
    EXPECT_EQ(app::syncDueInMs(app), -1);
    EXPECT_TRUE(http.sent.empty());

    Device device(server);
    device.turnOn();
    SyncSettings broken = device.app.sync.settings;
    broken.url = "http://couch.example";  // a problem: no pass can run
    device.app.sync.settings = broken;
    device.now += app::kSyncWatchedPollMs;
    app::syncTick(device.app);
    EXPECT_EQ(app::syncDueInMs(device.app), -1);  // not 0 again and again
}

TEST(AppSync, ChangesOneAfterAnotherDoNotPutThePassOff) {
    FakeCouchServer server;
    Device device(server);
    app::newProject(device.app, "Timer", "<p>1</p>");
    device.turnOn();
    const size_t passes = device.http.sent.size();
    for (int second = 0; second < 30; second++) {  // an app that saves its data every second
        device.now += 1000;
        app::renameProject(device.app, device.app.projects[0].project.id, "Timer " + std::to_string(second));
        app::syncTick(device.app);
        device.http.pump();
    }
    EXPECT_GT(device.http.sent.size(), passes);
    EXPECT_LE(device.app.sync.last_synced_ms, device.now);
    EXPECT_GE(device.app.sync.last_synced_ms, device.now - app::kSyncMinGapMs - 1000);
}

TEST(AppSync, ARequestThatNeverEndsTimesOutAndThePassIsTriedAgain) {
    FakeCouchServer server;
    Device device(server);
    device.turnOn();
    app::syncNow(device.app);  // a pass starts; its first request never gets an answer
    ASSERT_TRUE(device.app.sync.pass);
    const size_t aborted = device.http.aborted.size();  // the watch, stopped for the pass
    EXPECT_EQ(app::syncDueInMs(device.app), app::kSyncRequestTimeoutMs);
    device.now += app::kSyncRequestTimeoutMs;
    app::syncTick(device.app);
    EXPECT_FALSE(device.app.sync.pass);
    EXPECT_EQ(app::syncStatusText(device.app), "Sync: offline, will try again");
    EXPECT_EQ(device.http.aborted.size(), aborted + 1);
    EXPECT_EQ(app::syncDueInMs(device.app), 5000);
    device.http.waiting.clear();
}

TEST(AppSync, AnotherTabsChangeOfTheSettingsIsTakenIn) {
    FakeCouchServer server;
    Device device(server);
    device.turnOn();
    ASSERT_TRUE(device.app.sync.settings.enabled);
    device.app.store->setSetting("sync",
                                 R"({"enabled":false,"url":"http://127.0.0.1:5984","database":"kiln","user":"anna"})");
    app::reloadSyncSettings(device.app);
    EXPECT_FALSE(device.app.sync.settings.enabled);
    EXPECT_EQ(app::syncDueInMs(device.app), -1);
}

TEST(AppSync, AReplacedLibraryTurnsSyncOffSoTheServerDoesNotBringBackWhatWasReplaced) {
    FakeCouchServer server;
    Device device(server);
    device.turnOn();
    device.app.notice = "Replaced your library.";
    app::syncOffAfterReplace(device.app);
    EXPECT_FALSE(device.app.sync.settings.enabled);
    EXPECT_NE(device.app.notice.find("Sync is off"), std::string::npos);
    app::loadSyncSettings(device.app);
    EXPECT_FALSE(device.app.sync.settings.enabled);  // kept so
}

TEST(AppSync, TwoDevicesShareTheirProjectsThroughTheServer) {
    FakeCouchServer server;
    Device laptop(server);
    app::newProject(laptop.app, "Timer", "<p>25:00</p>");
    laptop.turnOn();
    EXPECT_EQ(app::syncStatusText(laptop.app), "Synced just now");
    ASSERT_TRUE(laptop.app.sync.last);
    EXPECT_EQ(laptop.app.sync.last->pushed, 2u);  // the project and its version

    Device phone(server);
    phone.turnOn();
    ASSERT_EQ(phone.app.projects.size(), 1u);  // shown at once: the list was read again
    EXPECT_EQ(phone.app.projects[0].project.name, "Timer");
    EXPECT_EQ(*phone.app.store->getCode(phone.app.projects[0].project.id, 1), "<p>25:00</p>");

    // A change on the phone: a pass a little later, and the laptop, watching the server, at once.
    // (Not sooner than kSyncMinGapMs after the last pass; here that one just ended.)
    phone.now += 5000;
    app::renameProject(phone.app, phone.app.projects[0].project.id, "Pomodoro");
    EXPECT_EQ(app::syncDueInMs(phone.app), app::kSyncMinGapMs - 5000);
    phone.now += app::kSyncMinGapMs - 5000;
    app::syncTick(phone.app);
    phone.http.pump();
    ASSERT_TRUE(laptop.http.watching());
    laptop.now += 2000;
    laptop.http.pump();  // the watch answers: a pass runs at once
    EXPECT_EQ(laptop.app.projects[0].project.name, "Pomodoro");
    EXPECT_TRUE(laptop.http.watching());  // and it watches on
    // What came from the server is not counted as waiting when the server goes away.
    phone.http.offline = true;
    app::syncNow(phone.app);
    phone.http.pump();
    EXPECT_EQ(app::syncStatusText(phone.app), "Sync: offline, will try again");
    laptop.now += 3 * 60000;
    EXPECT_EQ(app::syncStatusText(laptop.app), "Synced 3 min ago");
}

TEST(AppSync, ThePasswordGoesOnlyToTheServerItWasSavedFor) {
    FakeCouchServer server;
    Device device(server);
    device.turnOn("anna", "secret");
    ASSERT_FALSE(device.http.sent.empty());
    for (const codegen::HttpRequest& request : device.http.sent) {
        EXPECT_EQ(request.key_origin, kServer);  // the client refuses to send it elsewhere
        const auto auth = std::find_if(request.headers.begin(), request.headers.end(),
                                       [](const auto& header) { return header.first == "Authorization"; });
        ASSERT_NE(auth, request.headers.end());
        EXPECT_EQ(auth->second, "Basic YW5uYTpzZWNyZXQ=");  // anna:secret
    }
    // Kept per origin: another server's field starts empty, and the first one's comes back.
    SyncSettings other = device.app.sync.settings;
    other.url = "https://couch.example";
    other.password = "";
    other.enabled = false;
    app::saveSyncSettings(device.app, other);
    app::loadSyncSettings(device.app);
    EXPECT_EQ(device.app.sync.settings.password, "");
    EXPECT_EQ(device.app.sync.settings.passwords.at(kServer), "secret");
    // Never in an export without keys.
    EXPECT_NE(std::find(app::secretSettingKeys().begin(), app::secretSettingKeys().end(), app::kSyncPasswordsSetting),
              app::secretSettingKeys().end());
    // Without a user, no credentials at all.
    device.http.sent.clear();
    device.turnOn("", "");
    for (const codegen::HttpRequest& request : device.http.sent) {
        EXPECT_TRUE(request.key_origin.empty());
        for (const auto& header : request.headers) EXPECT_NE(header.first, "Authorization");
    }
}

TEST(AppSync, FailuresSayWhatToDoAndTryAgainLaterAndLater) {
    FakeCouchServer server;
    Device device(server);
    device.http.offline = true;
    device.turnOn();
    EXPECT_EQ(app::syncStatusText(device.app), "Sync: offline, will try again");
    EXPECT_EQ(app::syncDueInMs(device.app), 5000);
    // A change made offline: an attempt soon (not later than kSyncMinGapMs after the last), which
    // counts the documents waiting: the project and its version.
    app::newProject(device.app, "Timer", "<p>1</p>");
    EXPECT_EQ(app::syncDueInMs(device.app), 5000);
    device.now += 5000;
    app::syncTick(device.app);
    device.http.pump();
    EXPECT_EQ(app::syncStatusText(device.app), "Offline: 2 changes waiting");
    EXPECT_EQ(app::syncDueInMs(device.app), 10000);
    device.now += 10000;
    app::syncTick(device.app);
    device.http.pump();
    EXPECT_EQ(app::syncDueInMs(device.app), 20000);
    // Waiting 20 s; a change 10 s in is tried 2 s after it.
    device.now += 10000;
    app::renameProject(device.app, device.app.projects[0].project.id, "Pomodoro");
    EXPECT_EQ(app::syncDueInMs(device.app), app::kSyncAfterCommitMs);
    device.now += app::kSyncAfterCommitMs;
    app::syncTick(device.app);
    device.http.pump();
    EXPECT_EQ(app::syncStatusText(device.app), "Offline: 3 changes waiting");  // and the rename
    // Back online: the next pass works and the waits start over.
    device.http.offline = false;
    device.now += app::syncDueInMs(device.app);
    app::syncTick(device.app);
    device.http.pump();
    EXPECT_EQ(app::syncStatusText(device.app), "Synced just now");
    EXPECT_EQ(device.app.sync.last->pushed, 2u);
    EXPECT_EQ(device.app.sync.waiting, 0u);
    EXPECT_EQ(device.app.sync.due_ms - device.now, app::kSyncWatchedPollMs);  // the server is watched

    device.http.forced =
        sync::HttpResponse{401, R"({"error":"unauthorized","reason":"Name or password is incorrect."})"};
    app::syncNow(device.app);
    device.http.pump();
    EXPECT_EQ(app::syncStatusText(device.app), "Sync: wrong user name or password");
    EXPECT_EQ(app::syncDueInMs(device.app), app::kSyncMaxBackoffMs);  // waits for the user, mostly
    device.http.forced = sync::HttpResponse{404, R"({"error":"not_found","reason":"Database does not exist."})"};
    app::syncNow(device.app);
    device.http.pump();
    EXPECT_EQ(app::syncStatusText(device.app), "Sync: the database does not exist");
}

TEST(AppSync, TestSyncSaysWhatIsWrongAndCanMakeTheDatabase) {
    FakeCouchServer server;
    Device device(server);
    device.app.origin = "https://kiln.example";
    SyncSettings settings = withUrl(kServer);
    settings.user = "anna";
    settings.password = "secret";
    const auto test = [&](const SyncSettings& tried) {
        app::testSync(device.app, tried);
        device.http.pump();
        return device.app.sync.test;
    };

    app::SyncTest found = test(withUrl("http://couch.example"));  // refused before any request
    EXPECT_EQ(found.outcome, app::SyncTest::Outcome::Failed);
    EXPECT_NE(found.message.find("https://"), std::string::npos);
    EXPECT_TRUE(device.http.sent.empty());

    device.http.offline = true;
    app::testSync(device.app, settings);
    EXPECT_EQ(device.app.sync.test.outcome, app::SyncTest::Outcome::Running);
    device.http.pump();
    found = device.app.sync.test;
    EXPECT_EQ(found.outcome, app::SyncTest::Outcome::Failed);
    EXPECT_NE(found.message.find("CORS"), std::string::npos);
    EXPECT_NE(found.message.find("origins = https://kiln.example"), std::string::npos);
    EXPECT_EQ(device.http.sent.back().key_origin, kServer);  // a server may let no one in without them
    device.http.offline = false;

    server.database_exists = false;
    found = test(settings);
    EXPECT_EQ(found.outcome, app::SyncTest::Outcome::NoDatabase);
    EXPECT_EQ(device.http.sent.back().key_origin, kServer);
    app::createSyncDatabase(device.app, settings);
    device.http.pump();
    EXPECT_EQ(device.app.sync.test.outcome, app::SyncTest::Outcome::Passed);
    EXPECT_TRUE(server.database_exists);
    found = test(settings);
    EXPECT_EQ(found.outcome, app::SyncTest::Outcome::Passed);
    EXPECT_NE(found.message.find("holds 0 documents"), std::string::npos);

    device.http.authorization = "Basic YW5uYTpyaWdodA==";  // anna:right
    found = test(settings);
    EXPECT_EQ(found.outcome, app::SyncTest::Outcome::Failed);
    EXPECT_EQ(found.message, "The server refused the user name or password.");
    device.http.authorization.clear();

    device.http.forced = sync::HttpResponse{401, R"({"error":"unauthorized"})"};  // require_valid_user
    found = test(settings);
    EXPECT_EQ(found.outcome, app::SyncTest::Outcome::Failed);
    EXPECT_EQ(found.message, "The server refused the user name or password.");
    device.http.forced = sync::HttpResponse{200, R"({"couchdb":"Welcome"})"};  // the database URL is the root
    found = test(settings);
    EXPECT_NE(found.message.find("could not open the database"), std::string::npos);
    device.http.forced = sync::HttpResponse{200, "<html>a router's page</html>"};
    found = test(settings);
    EXPECT_NE(found.message.find("not as a CouchDB server does"), std::string::npos);
}

TEST(AppSync, AnAnswerPastTheCapEndsThePassUnread) {
    FakeCouchServer server;
    Device device(server);
    device.http.forced = sync::HttpResponse{200, std::string(app::kMaxSyncAnswerBytes + 1, ' ')};
    device.turnOn();
    ASSERT_TRUE(device.app.sync.last);
    EXPECT_EQ(device.app.sync.last->error, sync::SyncError::BadAnswer);
    EXPECT_NE(device.app.sync.last->detail.find("more than 64 MB"), std::string::npos);
}

TEST(AppSync, SyncOffMeansNoRequestAndNoStatus) {
    FakeCouchServer server;
    Device device(server);
    app::newProject(device.app, "Timer", "<p>1</p>");
    device.http.pump();
    EXPECT_TRUE(device.http.sent.empty());
    EXPECT_EQ(app::syncDueInMs(device.app), -1);
    EXPECT_EQ(app::syncStatusText(device.app), "");
}

TEST(AppSync, BetweenPassesTheServerIsWatchedAndItsOwnPushesStartNoPass) {
    FakeCouchServer server;
    Device device(server);
    app::newProject(device.app, "Timer", "<p>1</p>");
    device.turnOn();
    ASSERT_EQ(device.app.sync.last->pushed, 2u);
    EXPECT_TRUE(device.http.watching());
    // The first watch saw this device's own push, which asks for no pass (one _revs_diff in all):
    // the second watches on from there.
    EXPECT_EQ(device.http.sentWith("_changes?feed=longpoll"), 2u);
    EXPECT_EQ(device.http.sentWith("_revs_diff"), 1u);
    // The password goes with the watch as with the passes.
    const auto& headers = device.http.sent.back().headers;
    EXPECT_TRUE(std::any_of(headers.begin(), headers.end(), [](const auto& h) { return h.first == "Authorization"; }));
    EXPECT_EQ(device.http.sent.back().key_origin, kServer);

    // Sync off: the watch stops.
    SyncSettings off = device.app.sync.settings;
    off.enabled = false;
    app::saveSyncSettings(device.app, off);
    EXPECT_FALSE(device.http.watching());
    EXPECT_EQ(app::syncDueInMs(device.app), -1);
}

TEST(AppSync, AWatchThatFailsLeavesPassesEveryPollAndOneNeverAnsweredIsDropped) {
    FakeCouchServer server;
    Device device(server);
    device.turnOn();
    ASSERT_TRUE(device.http.watching());
    device.http.offline = true;  // the watch fails: passes every kSyncPollMs again
    device.http.pump();
    EXPECT_FALSE(device.http.watching());
    EXPECT_EQ(app::syncDueInMs(device.app), app::kSyncPollMs);
    device.http.offline = false;
    device.now += app::kSyncPollMs;
    app::syncTick(device.app);
    device.http.pump();
    EXPECT_EQ(app::syncStatusText(device.app), "Synced just now");
    ASSERT_TRUE(device.http.watching());  // a good pass watches again

    // A server that holds the watch past its time, answering nothing: dropped, and a pass runs.
    EXPECT_EQ(app::syncDueInMs(device.app), app::kSyncWatchMs + app::kSyncRequestTimeoutMs);
    device.now += app::kSyncWatchMs + app::kSyncRequestTimeoutMs;
    app::syncTick(device.app);
    EXPECT_TRUE(device.app.sync.pass);
    EXPECT_FALSE(device.http.watching());
}

TEST(AppSync, AServerThatAnswersTheWatchAtOnceIsPolledNotAskedInALoop) {
    FakeCouchServer server;
    Device device(server);
    device.http.ignores_longpoll = true;
    device.turnOn();
    EXPECT_FALSE(device.http.watching());
    EXPECT_EQ(device.http.sentWith("feed=longpoll"), static_cast<size_t>(app::kSyncQuickWatches));
    EXPECT_EQ(app::syncDueInMs(device.app), app::kSyncPollMs);
}

}  // namespace
}  // namespace kiln
