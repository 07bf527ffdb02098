// Kiln: the library synced with a CouchDB-protocol server (Apache CouchDB, Cloudant, PouchDB
// Server): its settings, the passes that run by themselves, and their status in words.
//
// Index
//   SyncSettings      the server, the database, the user; passwords kept per server origin
//   SyncState         the pass running, the last one's outcome, when the next one is due
//   Settings          load, save, check; Test sync (testSync, createSyncDatabase)
//   Passes            syncNow, syncDueInMs / syncTick, syncAfterCommit
//   syncStatusText    "Synced 2 min ago", "Syncing 40/120", "Sync: offline, will try again", …
//   syncSnapshot      the same, for tests
//
// A pass (core/sync/replicator.h) runs on its own once sync is on: when the library opens, a few
// seconds after each change saved here, as soon as the server says it has changed (a long poll
// between passes), every kSyncPollMs when the server cannot be watched, and after a failure
// again later and later (up to kSyncMaxBackoffMs). Each request goes through the app's HttpClient, with
// the password only to the origin it was saved for (as API keys are), and whatever it stores goes
// through the writer that other tabs share. Nothing of it blocks a frame: a request's answer is
// read as it comes and handled in one step.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "core/sync/library_docs.h"
#include "core/sync/replicator.h"

namespace kiln::app {

struct App;

struct SyncSettings {
    bool enabled = false;
    std::string url;                               // the server, "https://couch.example:6984" (no database)
    std::string database = "kiln";                 // its database
    std::string user;                              // empty: no user (a server that lets anyone in)
    std::string password;                          // the field; saved per origin in `passwords`
    std::map<std::string, std::string> passwords;  // server origin -> password
};

// The setting that keeps the passwords ({origin: password}): a secret, left out of exports.
constexpr char kSyncPasswordsSetting[] = "sync_passwords";

// An answer bigger than this ends the pass (BadAnswer): a batch is at most Options::batch
// documents, so only a server that is not what it says sends more.
constexpr size_t kMaxSyncAnswerBytes = 64 * 1024 * 1024;
constexpr int64_t kSyncAfterCommitMs = 2000;
constexpr int64_t kSyncMinGapMs = 10000;  // between a pass and one a change here asks for
constexpr int64_t kSyncRequestTimeoutMs = 60000;
constexpr int64_t kSyncPollMs = 30000;
constexpr int64_t kSyncMaxBackoffMs = 5 * 60 * 1000;
// Between passes the server is watched (a long poll of _changes): it holds the request up to
// kSyncWatchMs, answering as soon as something changes there; passes then run every
// kSyncWatchedPollMs only, for what a watch cannot see. No answer within kSyncWatchMs +
// kSyncRequestTimeoutMs: the watch is dropped and a pass finds out what is wrong.
constexpr int64_t kSyncWatchMs = 25000;
constexpr int64_t kSyncWatchedPollMs = 5 * 60 * 1000;
constexpr int64_t kSyncWatchGapMs = 1000;  // a watch answered sooner than this came "at once"
constexpr int kSyncQuickWatches = 3;

// What "Test sync" found.
struct SyncTest {
    // NoDatabase: all is well but the database is missing (createSyncDatabase can make it).
    enum class Outcome { None, Running, Passed, Failed, NoDatabase };
    Outcome outcome = Outcome::None;
    std::string message;
    uint64_t serial = 0;  // the test the answers on their way belong to
};

struct SyncState {
    SyncSettings settings;
    std::unique_ptr<sync::LibraryDocs> docs;
    std::unique_ptr<sync::Replicator> pass;  // the pass running, if any
    uint64_t pass_serial = 0;                // which pass the answers on their way belong to
    uint64_t request_id = 0;                 // its request in flight
    int64_t request_started_ms = 0;          // when it was sent (it times out after a while)
    int64_t last_pass_ended_ms = -kSyncMinGapMs;
    std::optional<sync::SyncProgress> last;  // how the last pass ended
    int64_t last_synced_ms = -1;             // when a pass last ended Done (app.clock_ms)
    int64_t due_ms = 0;                      // when the next pass may start
    int failures = 0;                        // passes failed in a row (the wait grows with them)
    bool again = false;                      // something was saved here while the pass ran
    uint64_t waiting = 0;                    // documents changed here since the last pass that ended Done
    bool timed_out = false;                  // the last pass failed for want of an answer
    uint64_t watch_id = 0;                   // the watch in flight between passes, if any
    uint64_t watch_serial = 0;               // which watch the answer on its way belongs to
    int64_t watch_started_ms = 0;
    int quick_watches = 0;  // watches in a row the server answered at once
    SyncTest test;          // the Sync dialog's Test sync
};

// ---- Settings ----------------------------------------------------------------------------

// What is wrong with the settings, in a sentence for the user; "" when they can be used. The URL
// must be http(s) with a host, HTTPS unless the host is loopback (a password is never sent in
// clear over a network).
std::string syncSettingsProblem(const App& app, const SyncSettings& settings);
// Reads the settings from the library as it opens (after forgetting the library before).
void loadSyncSettings(App& app);
// Reads them again after another tab's change; a pass running stops only if they changed.
void reloadSyncSettings(App& app);
// Saves them (the password for the URL's origin) and, when sync is on, starts a pass.
void saveSyncSettings(App& app, const SyncSettings& settings);

// Checks `settings` step by step, as far as a pass needs: the server answers this page (no
// answer at all: unreachable, or CORS not enabled for this page, with what to set in CouchDB),
// and as CouchDB does; the user name and password; the database (missing: NoDatabase).
void testSync(App& app, const SyncSettings& settings);
// Makes the database (PUT), for a test that found it missing; says why when the user may not.
void createSyncDatabase(App& app, const SyncSettings& settings);

// ---- Passes --------------------------------------------------------------------------------

// Starts a pass now unless one runs, sync is off, or the settings have a problem.
void syncNow(App& app);
// How long until syncTick has something to do: a pass due (0: now), the request of the pass
// running timing out (kSyncRequestTimeoutMs), or the watch; -1 for nothing (sync off, or a pass
// cannot run).
// The platform waits that long, then calls syncTick.
int64_t syncDueInMs(const App& app);
void syncTick(App& app);
// After a change saved here: a pass a little later (or, if one runs, another after it).
void syncAfterCommit(App& app);
// Stops the pass and forgets the library's documents: call before the library's store goes.
void detachSync(App& app);
// After the library was replaced here (Replace, its Undo): sync goes off, so that the next pass
// does not bring back what was replaced, and app.notice says so.
void syncOffAfterReplace(App& app);

// ---- Status ----------------------------------------------------------------------------------

// The status line's words: "" when sync is off.
std::string syncStatusText(const App& app);
// Sync as stateSnapshot shows it: enabled, status (the words), running, watching (the server,
// between passes), the last pass (error:
// "", "offline", "unauthorized", "forbidden", "no_database", "server", "bad_answer", "storage";
// pulled, pushed, refused, detail) and Test sync (outcome, message).
nlohmann::json syncSnapshot(const App& app);

}  // namespace kiln::app
