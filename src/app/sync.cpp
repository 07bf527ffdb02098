#include "app/sync.h"

#include <algorithm>

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

bool loopback(const std::string& host) {
    return host == "localhost" || host == "[::1]" || host.rfind("127.", 0) == 0;
}

// CouchDB's rule for database names.
bool validDatabase(const std::string& name) {
    if (name.empty() || name.size() > 238 || name[0] < 'a' || name[0] > 'z') return false;
    return std::all_of(name.begin(), name.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || std::string_view("_$()+-/").find(c) != std::string_view::npos;
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

void sendRequest(App& app) {
    SyncState& sync = app.sync;
    if (!sync.pass) return;
    const std::optional<sync::HttpRequest>& next = sync.pass->request();
    if (!next) return endPass(app);
    codegen::HttpRequest request;
    request.method = next->method;
    request.url = databaseUrl(sync.settings) + "/" + next->path;
    request.body = next->body;
    request.headers.emplace_back("Accept", "application/json");
    if (!request.body.empty()) request.headers.emplace_back("Content-Type", "application/json");
    if (!sync.settings.user.empty()) {
        request.headers.emplace_back("Authorization", "Basic " + base64(sync.settings.user + ":" + sync.settings.password));
        request.key_origin = originOf(app, sync.settings.url);
    }
    sync.status = 0;
    sync.body.clear();
    const sync::Replicator* pass = sync.pass.get();
    // Each answer is handed over whole, once this tab may write (it may store what came).
    auto deliver = [&app, pass](sync::HttpResponse response) {
        whenSyncMayWrite(app, [&app, pass, response = std::move(response)] {
            SyncState& sync = app.sync;
            if (sync.pass.get() != pass) return;  // ended or cancelled meanwhile
            const uint64_t pulled = sync.pass->progress().pulled;
            sync.pass->receive(response);
            if (sync.pass->progress().pulled != pulled) internal::takeInChanges(app);
            sendRequest(app);
        });
    };
    HttpCallbacks callbacks;
    callbacks.response = [&app](int status, const HttpHeaders&) { app.sync.status = status; };
    callbacks.data = [&app, deliver](std::string_view bytes) {
        SyncState& sync = app.sync;
        if (sync.body.size() + bytes.size() > kMaxSyncAnswerBytes) {
            app.http->abort(sync.request_id);
            deliver({sync.status, "(more than 64 MB: not read)"});
            return;
        }
        sync.body.append(bytes);
    };
    callbacks.end = [&app, deliver] { deliver({app.sync.status, std::move(app.sync.body)}); };
    callbacks.failed = [deliver](HttpFailure, const std::string& detail) { deliver({0, detail}); };
    sync.request_id = app.http->send(request, std::move(callbacks));
}

void startPass(App& app) {
    SyncState& sync = app.sync;
    if (sync.pass || !sync.settings.enabled || !app.store || !app.http) return;
    if (!syncSettingsProblem(app, sync.settings).empty() || app.store->readOnly()) return;
    if (!sync.docs) sync.docs = std::make_unique<sync::LibraryDocs>(*app.store);
    sync.due_ms = -1;
    try {
        sync.docs->refresh();
        sync.pass = std::make_unique<sync::Replicator>(*sync.docs, sync.docs->libraryId(), databaseUrl(sync.settings));
    } catch (const std::exception& error) {
        sync::SyncProgress failed;
        failed.stage = sync::SyncStage::Failed;
        failed.error = sync::SyncError::Storage;
        failed.detail = error.what();
        sync.last = failed;
        sync.failures++;
        sync.due_ms = now(app) + kSyncMaxBackoffMs;
        return;
    }
    sendRequest(app);
}

void endPass(App& app) {
    SyncState& sync = app.sync;
    sync.last = sync.pass->progress();
    sync.pass.reset();
    sync.request_id = 0;
    if (sync.last->stage == sync::SyncStage::Done) {
        sync.failures = 0;
        sync.last_synced_ms = now(app);
        sync.due_ms = now(app) + (sync.again ? kSyncAfterCommitMs : kSyncPollMs);
    } else {
        // 5 s, 10 s, 20 s… up to 5 min; at once 5 min for what waits on the user (a password).
        sync.failures++;
        const bool user = sync.last->error == sync::SyncError::Unauthorized ||
                          sync.last->error == sync::SyncError::Forbidden ||
                          sync.last->error == sync::SyncError::NoDatabase;
        const int64_t wait = user ? kSyncMaxBackoffMs : std::min<int64_t>(kSyncMaxBackoffMs, 5000LL << std::min(sync.failures - 1, 16));
        sync.due_ms = now(app) + wait;
    }
    sync.again = false;
}

void cancelPass(App& app) {
    SyncState& sync = app.sync;
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
    if (url.size() > origin.size() && url[origin.size()] == '?') return "The server's address has no ? part.";
    if (origin.rfind("http://", 0) == 0 && !loopback(hostOf(origin))) {
        return "Use https:// for a server on a network: Kiln sends your password only over HTTPS, or to this computer.";
    }
    if (!validDatabase(settings.database)) {
        return "A database name starts with a lowercase letter and holds only a-z, 0-9 and _ $ ( ) + - /.";
    }
    return "";
}

void loadSyncSettings(App& app) {
    cancelPass(app);
    SyncState& sync = app.sync;
    sync.docs.reset();  // the library may be another one now
    sync.settings = {};
    sync.last.reset();
    sync.last_synced_ms = -1;
    sync.failures = 0;
    sync.due_ms = 0;
    if (!app.store) return;
    const nlohmann::json stored = nlohmann::json::parse(app.store->getSetting(kSyncSetting).value_or("{}"), nullptr, false);
    const nlohmann::json passwords =
        nlohmann::json::parse(app.store->getSetting(kSyncPasswordsSetting).value_or("{}"), nullptr, false);
    if (stored.is_object()) {
        const auto text = [&](const char* name, std::string& out) {
            if (stored.contains(name) && stored[name].is_string()) out = stored[name].get<std::string>();
        };
        text("url", sync.settings.url);
        text("database", sync.settings.database);
        text("user", sync.settings.user);
        sync.settings.enabled = stored.value("enabled", nlohmann::json(false)) == true;
    }
    if (passwords.is_object()) {
        for (const auto& [origin, password] : passwords.items()) {
            if (password.is_string()) sync.settings.passwords[origin] = password.get<std::string>();
        }
    }
    const auto it = sync.settings.passwords.find(originOf(app, trimmedUrl(sync.settings.url)));
    if (it != sync.settings.passwords.end()) sync.settings.password = it->second;
}

void saveSyncSettings(App& app, const SyncSettings& settings) {
    SyncSettings saved = settings;
    saved.url = trimmedUrl(settings.url);
    const std::string origin = originOf(app, saved.url);
    if (!origin.empty()) saved.passwords[origin] = saved.password;
    if (refuseReadOnly(app)) return;
    // Not whenWritable: that would take the settings for a change to sync.
    whenSyncMayWrite(app, [&app, saved] {
        if (refuseReadOnly(app)) return;
        internal::guarded(app, [&] {
            app.store->setSetting(kSyncSetting, nlohmann::json{{"enabled", saved.enabled},
                                                               {"url", saved.url},
                                                               {"database", saved.database},
                                                               {"user", saved.user}}
                                                    .dump());
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

// ---------------------------------------------------------------------------------------------
// Passes
// ---------------------------------------------------------------------------------------------

void syncNow(App& app) {
    if (app.sync.pass) return;
    whenSyncMayWrite(app, [&app] { startPass(app); });
}

int64_t syncDueInMs(const App& app) {
    const SyncState& sync = app.sync;
    if (!sync.settings.enabled || sync.pass || sync.due_ms < 0 || !app.store) return -1;
    return std::max<int64_t>(0, sync.due_ms - now(app));
}

void syncTick(App& app) {
    if (syncDueInMs(app) == 0) syncNow(app);
}

void syncAfterCommit(App& app) {
    SyncState& sync = app.sync;
    if (!sync.settings.enabled) return;
    if (sync.pass) {
        sync.again = true;
    } else if (sync.failures == 0) {
        sync.due_ms = now(app) + kSyncAfterCommitMs;
    }
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

}  // namespace kiln::app
