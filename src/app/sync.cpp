#include "app/sync.h"

#include <algorithm>
#include <functional>
#include <memory>

#include "app/app.h"
#include "app/app_internal.h"
#include "core/codegen/request.h"
#include "core/codegen/text.h"

// Index
//   Settings   load, save, check; the request's URL and credentials
//   Passes     start, one request at a time, the end and when the next is due
//   Status     the words of the status line

namespace kiln::app {

namespace {

constexpr char kSyncSetting[] = "sync";  // {enabled, url, database, user}

// ---------------------------------------------------------------------------------------------
// Settings
// ---------------------------------------------------------------------------------------------

std::string base64(const std::string& text) {
    static const char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    for (size_t i = 0; i < text.size(); i += 3) {
        const uint32_t n = (static_cast<uint8_t>(text[i]) << 16) |
                           (i + 1 < text.size() ? static_cast<uint8_t>(text[i + 1]) << 8 : 0) |
                           (i + 2 < text.size() ? static_cast<uint8_t>(text[i + 2]) : 0);
        out += kAlphabet[(n >> 18) & 63];
        out += kAlphabet[(n >> 12) & 63];
        out += i + 1 < text.size() ? kAlphabet[(n >> 6) & 63] : '=';
        out += i + 2 < text.size() ? kAlphabet[n & 63] : '=';
    }
    return out;
}

// The host of an origin ("http://127.0.0.1:5984" -> "127.0.0.1", "http://[::1]" -> "[::1]").
std::string hostOf(const std::string& origin) {
    const size_t start = origin.find("://");
    if (start == std::string::npos) return "";
    std::string host = origin.substr(start + 3);
    const size_t port = host.rfind(':');
    if (port != std::string::npos && host.find(']', port) == std::string::npos) host.resize(port);
    return host;
}

// localhost, [::1], or 127.a.b.c in four decimal parts (not "127.0.0.1.example.com").
bool loopback(const std::string& host) {
    if (host == "localhost" || host == "[::1]") return true;
    int parts = 0;
    for (size_t at = 0; at <= host.size(); parts++) {
        const size_t dot = std::min(host.find('.', at), host.size());
        if (dot == at || dot - at > 3 ||
            !std::all_of(host.begin() + static_cast<std::ptrdiff_t>(at),
                         host.begin() + static_cast<std::ptrdiff_t>(dot),
                         [](char c) { return c >= '0' && c <= '9'; })) {
            return false;
        }
        if (parts == 0 && host.compare(at, dot - at, "127") != 0) return false;
        at = dot + 1;
    }
    return parts == 4;
}

// The settings as kept in the library, without the passwords.
nlohmann::json publicSettings(const SyncSettings& settings) {
    return {
        {"enabled", settings.enabled}, {"url", settings.url}, {"database", settings.database}, {"user", settings.user}};
}

// CouchDB's rule for database names.
bool validDatabase(const std::string& name) {
    if (name.empty() || name.size() > 238 || name[0] < 'a' || name[0] > 'z') return false;
    return std::all_of(name.begin(), name.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
               std::string_view("_$()+-/").find(c) != std::string_view::npos;
    });
}

std::string trimmedUrl(const std::string& url) {
    std::string out(codegen::trim(url));
    while (!out.empty() && out.back() == '/') out.pop_back();
    return out;
}

// The database's URL: the server's, then the name with '/' as %2F (CouchDB's rule for it).
std::string databaseUrl(const SyncSettings& settings) {
    std::string name;
    for (const char c : settings.database) name += c == '/' ? std::string("%2F") : std::string(1, c);
    return trimmedUrl(settings.url) + "/" + name;
}

// ---------------------------------------------------------------------------------------------
// Passes
// ---------------------------------------------------------------------------------------------

int64_t now(const App& app) {
    return app.clock_ms ? app.clock_ms() : 0;
}

// Sync's own writes go through the writer as every write does, but are not changes to sync.
void whenSyncMayWrite(App& app, std::function<void()> write) {
    if (app.writer) {
        app.writer->write(std::move(write));
    } else {
        write();
    }
}

void endPass(App& app);

// Sends `request` and hands its whole answer to `done` (status 0 and the reason when there was
// none; an answer past kMaxSyncAnswerBytes is not read). Returns the request's id.
uint64_t fetchWhole(App& app, const codegen::HttpRequest& request, std::function<void(sync::HttpResponse)> done) {
    struct Answer {
        int status = 0;
        std::string body;
        uint64_t id = 0;
    };
    auto answer = std::make_shared<Answer>();
    HttpCallbacks callbacks;
    callbacks.response = [answer](int status, const HttpHeaders&) { answer->status = status; };
    callbacks.data = [&app, answer, done](std::string_view bytes) {
        if (answer->body.size() + bytes.size() > kMaxSyncAnswerBytes) {
            app.http->abort(answer->id);
            done({answer->status, "(more than 64 MB: not read)"});
            return;
        }
        answer->body.append(bytes);
    };
    callbacks.end = [answer, done] { done({answer->status, std::move(answer->body)}); };
    callbacks.failed = [done](HttpFailure, const std::string& detail) { done({0, detail}); };
    answer->id = app.http->send(request, std::move(callbacks));
    return answer->id;
}

// A request to the server: JSON, with the user's credentials (sent only to the URL's origin).
codegen::HttpRequest serverRequest(const App& app, const SyncSettings& settings, const std::string& method,
                                   const std::string& url, bool credentials, const std::string& body = {}) {
    codegen::HttpRequest request;
    request.method = method;
    request.url = url;
    request.body = body;
    request.headers.emplace_back("Accept", "application/json");
    if (!body.empty()) request.headers.emplace_back("Content-Type", "application/json");
    if (credentials && !settings.user.empty()) {
        request.headers.emplace_back("Authorization", "Basic " + base64(settings.user + ":" + settings.password));
        request.key_origin = originOf(app, settings.url);
    }
    return request;
}

void sendRequest(App& app) {
    SyncState& sync = app.sync;
    if (!sync.pass) return;
    const std::optional<sync::HttpRequest>& next = sync.pass->request();
    if (!next) return endPass(app);
    const uint64_t serial = sync.pass_serial;
    const codegen::HttpRequest request = serverRequest(app, sync.settings, next->method,
                                                       databaseUrl(sync.settings) + "/" + next->path, true, next->body);
    sync.request_started_ms = now(app);
    // Each answer is handed over whole, once this tab may write (it may store what came).
    sync.request_id = fetchWhole(app, request, [&app, serial](sync::HttpResponse response) {
        whenSyncMayWrite(app, [&app, serial, response = std::move(response)] {
            SyncState& sync = app.sync;
            if (!sync.pass || sync.pass_serial != serial) return;  // ended or cancelled meanwhile
            const uint64_t pulled = sync.pass->progress().pulled;
            sync.pass->receive(response);
            if (sync.pass->progress().pulled != pulled) internal::takeInChanges(app);
            sendRequest(app);
        });
    });
}

// The pass did not start or ended with `error`: how it went, and when to try again.
void failPass(App& app, sync::SyncError error, const std::string& detail, int64_t wait_ms) {
    SyncState& sync = app.sync;
    sync::SyncProgress failed = sync.pass ? sync.pass->progress() : sync::SyncProgress{};
    failed.stage = sync::SyncStage::Failed;
    failed.error = error;
    failed.detail = detail;
    sync.last = failed;
    sync.timed_out = false;
    sync.failures++;
    sync.due_ms = now(app) + wait_ms;
}

// Whether a pass can run at all: sync on, settings without a problem, a library it may write.
bool passPossible(const App& app) {
    const SyncState& sync = app.sync;
    return sync.settings.enabled && app.store && app.http && !app.store->readOnly() &&
           syncSettingsProblem(app, sync.settings).empty();
}

void stopWatch(App& app) {
    SyncState& sync = app.sync;
    if (sync.watch_id && app.http) app.http->abort(sync.watch_id);
    sync.watch_id = 0;
    sync.watch_serial++;
}

// Between passes: the server's changes after `since`, as a long poll. A change this library
// lacks starts a pass; none (or only what came from here) watches on; a failed watch leaves the
// passes to run every kSyncPollMs.
void watch(App& app, const nlohmann::json& since) {
    SyncState& sync = app.sync;
    stopWatch(app);
    if (!passPossible(app) || !sync.docs) return;
    const uint64_t serial = sync.watch_serial;
    const sync::HttpRequest next = sync::watchRequest(since, kSyncWatchMs);
    sync.watch_started_ms = now(app);
    const codegen::HttpRequest request =
        serverRequest(app, sync.settings, next.method, databaseUrl(sync.settings) + "/" + next.path, true);
    sync.watch_id = fetchWhole(app, request, [&app, serial](sync::HttpResponse response) {
        SyncState& sync = app.sync;
        if (sync.watch_serial != serial || !sync.docs) return;  // stopped meanwhile
        sync.watch_id = 0;
        sync::WatchResult result;
        internal::guarded(app, [&] { result = sync::readWatch(response, *sync.docs); });
        // A server that answers at once again and again (one that ignores feed=longpoll, or
        // lists changes it never delivers) is not asked in a loop: a pass it asks for at once
        // starts at least kSyncWatchGapMs after the last, and after kSyncQuickWatches answers in
        // a row that came at once, it is polled instead.
        const bool quick = now(app) - sync.watch_started_ms < kSyncWatchGapMs;
        sync.quick_watches = quick ? sync.quick_watches + 1 : 0;
        if (result.kind != sync::WatchResult::Kind::Failed && sync.quick_watches >= kSyncQuickWatches) {
            result.kind = sync::WatchResult::Kind::Failed;
            sync.quick_watches = 0;
        }
        switch (result.kind) {
            case sync::WatchResult::Kind::Changed:
                if (!quick) return syncNow(app);
                sync.due_ms = std::max(now(app), sync.last_pass_ended_ms + kSyncWatchGapMs);
                if (sync.due_ms <= now(app)) syncNow(app);
                break;
            case sync::WatchResult::Kind::Quiet:
                watch(app, result.since);
                break;
            case sync::WatchResult::Kind::Failed:
                if (sync.due_ms >= 0) sync.due_ms = std::min(sync.due_ms, now(app) + kSyncPollMs);
                break;
        }
    });
}

void startPass(App& app) {
    SyncState& sync = app.sync;
    if (sync.pass) return;
    stopWatch(app);
    if (!passPossible(app)) {
        sync.due_ms = -1;  // until the settings change (saveSyncSettings) or the library opens
        return;
    }
    if (!sync.docs) sync.docs = std::make_unique<sync::LibraryDocs>(*app.store);
    sync.due_ms = -1;
    try {
        sync.waiting += sync.docs->refresh();
        sync.pass = std::make_unique<sync::Replicator>(*sync.docs, sync.docs->libraryId(), databaseUrl(sync.settings));
        sync.pass_serial++;
    } catch (const std::exception& error) {
        failPass(app, sync::SyncError::Storage, error.what(), kSyncMaxBackoffMs);
        return;
    }
    sendRequest(app);
}

void endPass(App& app) {
    SyncState& sync = app.sync;
    sync.last = sync.pass->progress();
    sync.timed_out = false;
    const nlohmann::json pulled_up_to = sync.pass->pulledUpTo();
    sync.pass.reset();
    sync.request_id = 0;
    sync.last_pass_ended_ms = now(app);
    if (sync.last->stage == sync::SyncStage::Done) {
        sync.failures = 0;
        sync.last_synced_ms = now(app);
        sync.waiting = 0;
        sync.due_ms = now(app) + (sync.again ? kSyncAfterCommitMs : kSyncWatchedPollMs);
        if (!sync.again) watch(app, pulled_up_to);
    } else {
        // 5 s, 10 s, 20 s… up to 5 min; at once 5 min for what waits on the user (a password).
        sync.failures++;
        const bool user = sync.last->error == sync::SyncError::Unauthorized ||
                          sync.last->error == sync::SyncError::Forbidden ||
                          sync.last->error == sync::SyncError::NoDatabase;
        const int64_t wait =
            user ? kSyncMaxBackoffMs : std::min<int64_t>(kSyncMaxBackoffMs, 5000LL << std::min(sync.failures - 1, 16));
        sync.due_ms = now(app) + wait;
    }
    sync.again = false;
}

void cancelPass(App& app) {
    SyncState& sync = app.sync;
    stopWatch(app);
    if (sync.request_id && app.http) app.http->abort(sync.request_id);
    sync.request_id = 0;
    sync.pass.reset();
}

std::string plural(uint64_t n, const char* one, const char* many) {
    return std::to_string(n) + " " + (n == 1 ? one : many);
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Settings
// ---------------------------------------------------------------------------------------------

std::string syncSettingsProblem(const App& app, const SyncSettings& settings) {
    const std::string url = trimmedUrl(settings.url);
    if (url.empty()) return "Type the address of your CouchDB server, such as https://couch.example.com:6984.";
    const std::string origin = originOf(app, url);
    if (origin.empty()) return "That is not a web address: it starts with https:// (or http:// on this computer).";
    if (url.find_first_of("?#@") != std::string::npos) {
        return "The server's address is only its https://host:port (and path): no user, ? or # in it.";
    }
    if (origin.rfind("http://", 0) == 0 && !loopback(hostOf(origin))) {
        return "Use https:// for a server on a network: Kiln sends your password only over HTTPS, or to this computer.";
    }
    if (!validDatabase(settings.database)) {
        return "A database name starts with a lowercase letter and holds only a-z, 0-9 and _ $ ( ) + - /.";
    }
    return "";
}

namespace {

SyncSettings storedSyncSettings(App& app) {
    SyncSettings settings;
    const nlohmann::json stored =
        nlohmann::json::parse(app.store->getSetting(kSyncSetting).value_or("{}"), nullptr, false);
    const nlohmann::json passwords =
        nlohmann::json::parse(app.store->getSetting(kSyncPasswordsSetting).value_or("{}"), nullptr, false);
    if (stored.is_object()) {
        const auto text = [&](const char* name, std::string& out) {
            if (stored.contains(name) && stored[name].is_string()) out = stored[name].get<std::string>();
        };
        text("url", settings.url);
        text("database", settings.database);
        text("user", settings.user);
        settings.enabled = stored.value("enabled", nlohmann::json(false)) == true;
    }
    if (passwords.is_object()) {
        for (const auto& [origin, password] : passwords.items()) {
            if (password.is_string()) settings.passwords[origin] = password.get<std::string>();
        }
    }
    const auto it = settings.passwords.find(originOf(app, trimmedUrl(settings.url)));
    if (it != settings.passwords.end()) settings.password = it->second;
    return settings;
}

}  // namespace

void loadSyncSettings(App& app) {
    detachSync(app);  // the library may be another one now
    SyncState& sync = app.sync;
    sync.settings = {};
    sync.last.reset();
    sync.last_synced_ms = -1;
    sync.failures = 0;
    sync.waiting = 0;
    sync.due_ms = 0;
    if (app.store) sync.settings = storedSyncSettings(app);
}

void reloadSyncSettings(App& app) {
    if (!app.store) return;
    const SyncSettings stored = storedSyncSettings(app);
    const SyncSettings& current = app.sync.settings;
    if (publicSettings(stored) == publicSettings(current) && stored.passwords == current.passwords &&
        stored.password == current.password) {
        return;
    }
    cancelPass(app);
    app.sync.settings = stored;
    app.sync.failures = 0;
    app.sync.due_ms = 0;
}

void saveSyncSettings(App& app, const SyncSettings& settings) {
    SyncSettings saved = settings;
    saved.url = trimmedUrl(settings.url);
    const std::string origin = originOf(app, saved.url);
    if (!origin.empty()) saved.passwords[origin] = saved.password;
    if (!app.store || refuseReadOnly(app)) return;
    // Not whenWritable: that would take the settings for a change to sync.
    whenSyncMayWrite(app, [&app, saved] {
        if (!app.store || refuseReadOnly(app)) return;
        internal::guarded(app, [&] {
            app.store->setSetting(kSyncSetting, publicSettings(saved).dump());
            app.store->setSetting(kSyncPasswordsSetting, nlohmann::json(saved.passwords).dump());
        });
        cancelPass(app);
        app.sync.settings = saved;
        app.sync.last.reset();
        app.sync.failures = 0;
        app.sync.due_ms = 0;
        if (saved.enabled) syncNow(app);
    });
}

namespace {

void finishTest(App& app, uint64_t serial, SyncTest::Outcome outcome, std::string message) {
    if (app.sync.test.serial != serial) return;
    app.sync.test.outcome = outcome;
    app.sync.test.message = std::move(message);
}

std::string reasonOf(const sync::HttpResponse& response) {
    const nlohmann::json answer = nlohmann::json::parse(response.body, nullptr, false);
    const std::string reason = answer.is_object() ? answer.value("reason", std::string()) : std::string();
    return "HTTP " + std::to_string(response.status) + (reason.empty() ? "" : ": " + reason);
}

}  // namespace

void testSync(App& app, const SyncSettings& settings) {
    SyncTest& test = app.sync.test;
    const uint64_t serial = ++test.serial;
    if (const std::string problem = syncSettingsProblem(app, settings); !problem.empty()) {
        return finishTest(app, serial, SyncTest::Outcome::Failed, problem);
    }
    if (!app.http) return finishTest(app, serial, SyncTest::Outcome::Failed, "This page cannot make requests.");
    test.outcome = SyncTest::Outcome::Running;
    test.message = "Asking the server…";
    const std::string origin = originOf(app, trimmedUrl(settings.url));
    const auto database = [&app, settings, serial, origin](sync::HttpResponse response) {
        using Outcome = SyncTest::Outcome;
        const std::string& db = settings.database;
        const nlohmann::json info = nlohmann::json::parse(response.body, nullptr, false);
        if (response.status == 200 && info.is_object() && info.contains("db_name")) {
            const int64_t docs = info.is_object() && info.value("doc_count", nlohmann::json()).is_number_integer()
                                     ? info["doc_count"].get<int64_t>()
                                     : 0;
            return finishTest(app, serial, Outcome::Passed,
                              "Ready: the database " + db + " on " + origin + " holds " + std::to_string(docs) +
                                  (docs == 1 ? " document." : " documents."));
        }
        if (response.status == 401) {
            return finishTest(app, serial, Outcome::Failed,
                              settings.user.empty() ? "The server asks for a user name and password."
                                                    : "The server refused the user name or password.");
        }
        if (response.status == 403) {
            return finishTest(app, serial, Outcome::Failed,
                              "The user " + settings.user + " may not read the database " + db +
                                  ": an admin can add them to its members (Fauxton: the database, then Permissions).");
        }
        if (response.status == 404) {
            return finishTest(app, serial, Outcome::NoDatabase, "The server has no database " + db + " yet.");
        }
        if (response.status == 0) {
            return finishTest(app, serial, Outcome::Failed, "The server answered once, then no more: try again.");
        }
        finishTest(app, serial, Outcome::Failed,
                   "The server could not open the database (" + reasonOf(response) + ").");
    };
    // First the server's welcome: whether this page may talk to it at all (with the credentials:
    // a server may let no one in without them).
    fetchWhole(app, serverRequest(app, settings, "GET", trimmedUrl(settings.url) + "/", true),
               [&app, settings, serial, origin, database](sync::HttpResponse response) {
                   if (app.sync.test.serial != serial) return;
                   if (response.status == 0) {
                       return finishTest(
                           app, serial, SyncTest::Outcome::Failed,
                           "No answer from " + origin + ". If the server runs, it does not let this page (" +
                               app.origin +
                               ") in: turn on CORS for it. In Fauxton: Settings, CORS, Enable CORS, restricted "
                               "to " +
                               app.origin +
                               ". Or in CouchDB's local.ini: [chttpd] enable_cors = true, and under [cors] "
                               "origins = " +
                               app.origin +
                               ", credentials = true, methods = GET, PUT, POST, HEAD, DELETE, headers = accept, "
                               "authorization, content-type, origin, referer.");
                   }
                   if (response.status == 401) {
                       return finishTest(app, serial, SyncTest::Outcome::Failed,
                                         settings.user.empty() ? "The server asks for a user name and password."
                                                               : "The server refused the user name or password.");
                   }
                   const nlohmann::json welcome = nlohmann::json::parse(response.body, nullptr, false);
                   if (response.status != 200 || !welcome.is_object()) {
                       return finishTest(app, serial, SyncTest::Outcome::Failed,
                                         "That address answers (HTTP " + std::to_string(response.status) +
                                             "), but not as a CouchDB server does. It is the server's address, "
                                             "without the database's name.");
                   }
                   fetchWhole(app, serverRequest(app, settings, "GET", databaseUrl(settings), true), database);
               });
}

void createSyncDatabase(App& app, const SyncSettings& settings) {
    SyncTest& test = app.sync.test;
    const uint64_t serial = ++test.serial;
    if (!app.http || !syncSettingsProblem(app, settings).empty()) return;
    test.outcome = SyncTest::Outcome::Running;
    test.message = "Creating the database " + settings.database + "…";
    fetchWhole(app, serverRequest(app, settings, "PUT", databaseUrl(settings), true),
               [&app, settings, serial](sync::HttpResponse response) {
                   using Outcome = SyncTest::Outcome;
                   if (response.status == 201 || response.status == 202 || response.status == 412) {
                       return finishTest(app, serial, Outcome::Passed,
                                         "Ready: the database " + settings.database + " is there.");
                   }
                   if (response.status == 401 || response.status == 403) {
                       return finishTest(app, serial, Outcome::Failed,
                                         "This user may not create databases: an admin of the server can "
                                         "(Fauxton: Databases, Create Database, named " +
                                             settings.database + ").");
                   }
                   finishTest(app, serial, Outcome::Failed,
                              "The server did not create the database (" +
                                  (response.status ? reasonOf(response) : std::string("no answer")) + ").");
               });
}

// ---------------------------------------------------------------------------------------------
// Passes
// ---------------------------------------------------------------------------------------------

void syncNow(App& app) {
    if (app.sync.pass) return;
    if (!passPossible(app)) {
        app.sync.due_ms = -1;  // until the settings change (saveSyncSettings) or the library opens
        return;
    }
    app.sync.due_ms = -1;  // a start is on its way (it may wait for another tab's write)
    whenSyncMayWrite(app, [&app] { startPass(app); });
}

int64_t syncDueInMs(const App& app) {
    const SyncState& sync = app.sync;
    if (!app.store) return -1;
    // While a pass runs: when its request times out.
    if (sync.pass) return std::max<int64_t>(0, sync.request_started_ms + kSyncRequestTimeoutMs - now(app));
    if (!sync.settings.enabled) return -1;
    int64_t due = sync.due_ms < 0 ? -1 : std::max<int64_t>(0, sync.due_ms - now(app));
    if (sync.watch_id) {
        const int64_t unanswered =
            std::max<int64_t>(0, sync.watch_started_ms + kSyncWatchMs + kSyncRequestTimeoutMs - now(app));
        due = due < 0 ? unanswered : std::min(due, unanswered);
    }
    return due;
}

void syncTick(App& app) {
    SyncState& sync = app.sync;
    if (sync.pass) {
        if (now(app) - sync.request_started_ms < kSyncRequestTimeoutMs) return;
        failPass(app, sync::SyncError::Offline,
                 "The sync server did not answer within " + std::to_string(kSyncRequestTimeoutMs / 1000) + " s.",
                 std::min<int64_t>(kSyncMaxBackoffMs, 5000LL << std::min(sync.failures, 16)));
        sync.timed_out = true;
        cancelPass(app);
        return;
    }
    if (sync.watch_id && now(app) - sync.watch_started_ms >= kSyncWatchMs + kSyncRequestTimeoutMs) {
        stopWatch(app);  // the server holds it past its time: a pass finds out why
        sync.due_ms = now(app);
    }
    if (sync.due_ms >= 0 && sync.due_ms <= now(app)) syncNow(app);
}

void syncAfterCommit(App& app) {
    SyncState& sync = app.sync;
    if (!sync.settings.enabled) return;
    const bool offline = sync.last && sync.last->error == sync::SyncError::Offline && !sync.timed_out;
    if (sync.pass) {
        sync.again = true;
    } else if ((sync.failures == 0 || offline) && sync.due_ms >= 0) {
        // Soon, but never later than already due, and not more than once per kSyncMinGapMs for
        // writes that come one after another (typing, an app saving its data). Offline too (no
        // answer at all, not one that never came): an attempt costs one request that fails at
        // once, and counts what waits.
        const int64_t soon = std::max(now(app) + kSyncAfterCommitMs, sync.last_pass_ended_ms + kSyncMinGapMs);
        sync.due_ms = std::min(sync.due_ms, soon);
    }
}

void detachSync(App& app) {
    cancelPass(app);
    app.sync.docs.reset();
}

void syncOffAfterReplace(App& app) {
    if (!app.sync.settings.enabled || !app.store || app.store->readOnly()) return;
    SyncSettings off = app.sync.settings;
    off.enabled = false;
    internal::guarded(app, [&] { app.store->setSetting(kSyncSetting, publicSettings(off).dump()); });
    app.sync.settings.enabled = false;
    app.notice +=
        " Sync is off, so that the server does not bring back what was replaced: turn it on in Sync to "
        "merge this library with the server's.";
}

// ---------------------------------------------------------------------------------------------
// Status
// ---------------------------------------------------------------------------------------------

std::string syncStatusText(const App& app) {
    const SyncState& sync = app.sync;
    if (!sync.settings.enabled) return "";
    if (sync.pass) {
        const sync::SyncProgress& progress = sync.pass->progress();
        const uint64_t done = progress.pulled + progress.pushed;
        if (progress.pending == 0 && done == 0) return "Syncing…";
        return "Syncing " + std::to_string(done) + "/" + std::to_string(done + progress.pending);
    }
    if (!sync.last) return syncSettingsProblem(app, sync.settings).empty() ? "Sync starting…" : "Sync: settings needed";
    switch (sync.last->error) {
        case sync::SyncError::None: {
            const int64_t minutes = (now(app) - sync.last_synced_ms) / 60000;
            std::string text = minutes < 1 ? "Synced just now" : "Synced " + plural(minutes, "min", "min") + " ago";
            if (sync.last->refused) text += " (" + plural(sync.last->refused, "document", "documents") + " refused)";
            return text;
        }
        case sync::SyncError::Offline:
            if (sync.waiting) return "Offline: " + plural(sync.waiting, "change", "changes") + " waiting";
            return "Sync: offline, will try again";
        case sync::SyncError::Unauthorized:
            return "Sync: wrong user name or password";
        case sync::SyncError::Forbidden:
            return "Sync: this user may not use the database";
        case sync::SyncError::NoDatabase:
            return "Sync: the database does not exist";
        case sync::SyncError::Server:
        case sync::SyncError::BadAnswer:
            return "Sync: the server failed, will try again";
        case sync::SyncError::Storage:
            return "Sync: could not save what came, will try again";
    }
    return "";
}

nlohmann::json syncSnapshot(const App& app) {
    static const char* kErrors[] = {"",       "offline",    "unauthorized", "forbidden", "no_database",
                                    "server", "bad_answer", "storage"};
    static const char* kOutcomes[] = {"none", "running", "passed", "failed", "no_database"};
    const SyncState& sync = app.sync;
    nlohmann::json last = nullptr;
    if (sync.last) {
        last = {{"error", kErrors[static_cast<int>(sync.last->error)]},
                {"pulled", sync.last->pulled},
                {"pushed", sync.last->pushed},
                {"refused", sync.last->refused},
                {"detail", sync.last->detail}};
    }
    return {{"enabled", sync.settings.enabled},
            {"status", syncStatusText(app)},
            {"running", sync.pass != nullptr},
            {"watching", sync.watch_id != 0},
            {"last", last},
            {"test", {{"outcome", kOutcomes[static_cast<int>(sync.test.outcome)]}, {"message", sync.test.message}}}};
}

}  // namespace kiln::app
