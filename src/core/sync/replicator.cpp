#include "core/sync/replicator.h"

#include <algorithm>
#include <set>

#include "core/sync/rev_tree.h"

namespace kiln::sync {

using nlohmann::json;

namespace {

// Everything but RFC 3986's unreserved characters, percent-encoded: ids and sequences go into
// paths and queries as data.
std::string encode(const std::string& text) {
    static const char kHex[] = "0123456789ABCDEF";
    std::string out;
    for (const unsigned char c : text) {
        if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
            c == '.' || c == '~') {
            out += static_cast<char>(c);
        } else {
            out += '%';
            out += kHex[c >> 4];
            out += kHex[c & 15];
        }
    }
    return out;
}

// A sequence as _changes takes it back: CouchDB 2+ writes strings, CouchDB 1 and PouchDB numbers.
std::string seqText(const json& seq) {
    return seq.is_string() ? seq.get<std::string>() : seq.dump();
}

// A sequence as CouchDB (a string, a few hundred bytes even for a cluster) or PouchDB (a number)
// writes it; a longer string is not one (it would go back into every request's URL).
bool isSeq(const json& seq) {
    return (seq.is_string() && seq.get_ref<const std::string&>().size() <= 16 * 1024) || seq.is_number_unsigned() ||
           seq.is_number_integer();
}

json parse(const std::string& body) {
    return json::parse(body, nullptr, /*allow_exceptions=*/false);
}

const std::string* stringMember(const json& object, const char* name) {
    if (!object.is_object()) return nullptr;
    const auto it = object.find(name);
    return it != object.end() && it->is_string() ? it->get_ptr<const std::string*>() : nullptr;
}

bool ok(int status) {
    return status >= 200 && status < 300;
}

// Changes a watch asks for at most (more in its answer: not the server it says it is).
constexpr size_t kWatchLimit = 100;

// The revisions a _changes answer lists (design documents, the server's own code, left out),
// with the ids in the server's order, which is the order of changes. Returns what is wrong with
// the answer, or nullptr.
const char* readChanges(const json& answer, std::map<std::string, std::vector<std::string>>& revs,
                        std::vector<std::string>& order) {
    const auto results = answer.is_object() ? answer.find("results") : json::const_iterator();
    const auto last_seq = answer.is_object() ? answer.find("last_seq") : json::const_iterator();
    if (!answer.is_object() || results == answer.end() || !results->is_array() || last_seq == answer.end() ||
        !isSeq(*last_seq)) {
        return "The list of changes lacks its results or last_seq.";
    }
    for (const json& change : *results) {
        const std::string* id = stringMember(change, "id");
        const auto changes = change.is_object() ? change.find("changes") : json::const_iterator();
        if (!id || changes == change.end() || !changes->is_array())
            return "A change in the list has no id or revisions.";
        if (id->rfind("_design/", 0) == 0) continue;
        if (!revs.count(*id)) order.push_back(*id);
        for (const json& entry : *changes) {
            const std::string* rev = stringMember(entry, "rev");
            if (!rev || !parseRev(*rev)) return "A change in the list has a revision that is not one.";
            revs[*id].push_back(*rev);
        }
    }
    return nullptr;
}

}  // namespace

HttpRequest watchRequest(const json& since, int64_t timeout_ms) {
    return {"GET",
            "_changes?feed=longpoll&style=all_docs&since=" + encode(seqText(isSeq(since) ? since : json(0))) +
                "&timeout=" + std::to_string(timeout_ms) + "&limit=" + std::to_string(kWatchLimit),
            {}};
}

WatchResult readWatch(const HttpResponse& response, LocalDocs& local) {
    if (!ok(response.status)) return {WatchResult::Kind::Failed, nullptr};
    const json answer = parse(response.body);
    std::map<std::string, std::vector<std::string>> revs;
    std::vector<std::string> order;
    if (readChanges(answer, revs, order) || answer["results"].size() > kWatchLimit) {
        return {WatchResult::Kind::Failed, nullptr};
    }
    const bool news = !revs.empty() && !local.missingRevs(revs).empty();
    return {news ? WatchResult::Kind::Changed : WatchResult::Kind::Quiet, answer["last_seq"]};
}

Replicator::Replicator(LocalDocs& local, const std::string& local_id, const std::string& remote, Options options)
    : local_(local), options_(options) {
    if (options_.batch == 0) options_.batch = 1;
    pull_id_ = "kiln-pull-" + contentHash(local_id + "\n" + remote + "\npull");
    push_id_ = "kiln-push-" + contentHash(local_id + "\n" + remote + "\npush");
    send(Step::PullCheckpoint, "GET", "_local/" + pull_id_);
}

void Replicator::send(Step step, std::string method, std::string path, std::string body) {
    step_ = step;
    request_ = HttpRequest{std::move(method), std::move(path), std::move(body)};
}

void Replicator::fail(SyncError error, const HttpResponse& response, const std::string& what) {
    progress_.stage = SyncStage::Failed;
    progress_.error = error;
    progress_.status = response.status;
    progress_.detail = what;
    if (request_) {
        progress_.detail += " (" + request_->method + " " + request_->path + ": ";
        progress_.detail += response.status ? "HTTP " + std::to_string(response.status) : std::string("no answer");
        if (!response.body.empty()) progress_.detail += ", " + response.body.substr(0, 300);
        progress_.detail += ")";
    }
    request_.reset();
    step_ = Step::Over;
}

void Replicator::receive(const HttpResponse& response) {
    if (!request_) return;
    const int status = response.status;
    // What a failed request means is the same at every step; the steps see only their own answers.
    const bool expected_404 = step_ == Step::PullCheckpoint || step_ == Step::PushCheckpoint ||
                              step_ == Step::RefreshCheckpoint || step_ == Step::PullBulkGet ||
                              step_ == Step::PullGetOne;
    const bool expected_other =
        (step_ == Step::PullBulkGet && (status == 400 || status == 405 || status == 415 || status == 501)) ||
        (step_ == Step::PushBulkDocs && (status == 417 || status == 413)) ||
        ((step_ == Step::PullSaveCheckpoint || step_ == Step::PushSaveCheckpoint) && status == 409 && !refreshed_);
    if (status == 0) return fail(SyncError::Offline, response, "The sync server did not answer.");
    if (status == 401)
        return fail(SyncError::Unauthorized, response, "The sync server refused the user name or password.");
    if (status == 403) return fail(SyncError::Forbidden, response, "This user may not use this database.");
    if (status == 404 && !expected_404) return fail(SyncError::NoDatabase, response, "The database does not exist.");
    if (!ok(status) && status != 404 && !expected_other) {
        return fail(SyncError::Server, response, "The sync server reported an error.");
    }
    try {
        step(response);
    } catch (const std::exception& error) {
        fail(SyncError::Storage, response, std::string("Kiln could not store what came: ") + error.what());
    }
}

void Replicator::step(const HttpResponse& response) {
    const int status = response.status;
    const json answer = ok(status) || status == 417 ? parse(response.body) : json();  // (413: no body read)
    const auto bad = [&](const char* what) { fail(SyncError::BadAnswer, response, what); };
    switch (step_) {
        case Step::PullCheckpoint:
        case Step::PushCheckpoint: {
            if (ok(status) && !answer.is_object()) return bad("The server's checkpoint is not a JSON object.");
            const json checkpoint = ok(status) ? answer : json::object();
            if (step_ == Step::PullCheckpoint) return startPull(checkpoint);
            return startPush(checkpoint);
        }
        case Step::PullChanges: {
            const char* wrong =
                answer.is_object() ? takeChanges(answer) : "The list of changes is not JSON (cut short?).";
            if (wrong) return bad(wrong);
            return;
        }
        case Step::PullBulkGet: {
            if (!ok(status)) {  // a server without _bulk_get: one GET per revision
                next_one_ = 0;
                return fetchNextOne();
            }
            const auto results = answer.is_object() ? answer.find("results") : json::const_iterator();
            if (!answer.is_object() || results == answer.end() || !results->is_array()) {
                return bad("The documents asked for are not JSON (cut short?).");
            }
            // Only "not_found" means gone since the changes were listed; a revision that came
            // with another error (a node of a cluster down) or not at all is asked for alone.
            std::set<std::pair<std::string, std::string>> asked(missing_.begin(), missing_.end());
            for (const json& result : *results) {
                const auto docs = result.is_object() ? result.find("docs") : json::const_iterator();
                if (!result.is_object() || docs == result.end() || !docs->is_array()) continue;
                for (const json& entry : *docs) {
                    if (!entry.is_object()) continue;
                    if (const auto doc = entry.find("ok"); doc != entry.end()) {
                        const std::string* id = stringMember(*doc, "_id");
                        const std::string* rev = stringMember(*doc, "_rev");
                        if (id && rev && asked.erase({*id, *rev})) pulled_.push_back(*doc);
                    } else if (const std::string* missing = stringMember(entry, "missing")) {
                        // PouchDB Server's not_found: {"missing": rev}
                        if (const std::string* id = stringMember(result, "id")) asked.erase({*id, *missing});
                    } else if (const auto error = entry.find("error"); error != entry.end()) {
                        const std::string* id = stringMember(*error, "id");
                        const std::string* rev = stringMember(*error, "rev");
                        const std::string* kind = stringMember(*error, "error");
                        if (id && rev && kind && *kind == "not_found") asked.erase({*id, *rev});
                    }
                }
            }
            if (asked.empty()) return storePulled();
            std::vector<std::pair<std::string, std::string>> again;
            for (const auto& wanted : missing_) {
                if (asked.count(wanted)) again.push_back(wanted);
            }
            missing_ = std::move(again);
            next_one_ = 0;
            return fetchNextOne();
        }
        case Step::PullGetOne: {
            if (ok(status)) {
                if (!answer.is_object()) return bad("A document is not JSON (cut short?).");
                const std::string* id = stringMember(answer, "_id");
                const std::string* rev = stringMember(answer, "_rev");
                if (!id || !rev || *id != missing_[next_one_].first || *rev != missing_[next_one_].second) {
                    return bad("The server answered with another document than the one asked for.");
                }
                pulled_.push_back(answer);
            }
            next_one_++;  // a 404: gone since the changes were listed
            return fetchNextOne();
        }
        case Step::PullSaveCheckpoint:
        case Step::PushSaveCheckpoint: {
            if (status == 409) {  // written by another pass since it was read: read it again, once
                refreshed_ = true;
                save_step_ = step_;
                const std::string& id = step_ == Step::PullSaveCheckpoint ? pull_id_ : push_id_;
                return send(Step::RefreshCheckpoint, "GET", "_local/" + id);
            }
            refreshed_ = false;
            const std::string* rev = stringMember(answer, "rev");
            if (!rev) return bad("The server did not confirm the checkpoint.");
            checkpoint_rev_ = *rev;
            if (step_ == Step::PullSaveCheckpoint) {
                local_.setCheckpoint(pull_id_, batch_last_seq_.dump());
                since_ = batch_last_seq_;
                if (batch_full_) return askChanges();
                return send(Step::PushCheckpoint, "GET", "_local/" + push_id_);
            }
            local_.setCheckpoint(push_id_, std::to_string(push_batch_end_));
            push_since_ = push_batch_end_;
            return pushBatch();
        }
        case Step::RefreshCheckpoint: {
            const std::string* rev = ok(status) ? stringMember(answer, "_rev") : nullptr;
            checkpoint_rev_ = rev ? *rev : std::string();
            if (save_step_ == Step::PullSaveCheckpoint) return saveCheckpoint(save_step_, pull_id_, batch_last_seq_);
            return saveCheckpoint(save_step_, push_id_, json(push_batch_end_));
        }
        case Step::PushRevsDiff:
            if (!answer.is_object()) return bad("The server's answer to _revs_diff is not JSON (cut short?).");
            return takeRevsDiff(answer);
        case Step::PushBulkDocs: {
            if (status == 413) {  // too big for the server: half as many changes, down to one
                if (push_changes_.size() > 1) {
                    push_limit_ = push_changes_.size() / 2;
                    return pushBatch();
                }
                progress_.refused += pushing_;  // one change the server never takes: past it
                return saveCheckpoint(Step::PushSaveCheckpoint, push_id_, json(push_batch_end_));
            }
            if (!answer.is_array()) return bad("The server's answer to _bulk_docs is not JSON (cut short?).");
            uint64_t refused = 0;
            for (const json& result : answer) {
                if (result.is_object() && result.contains("error")) refused++;
            }
            refused = std::min<uint64_t>(refused, pushing_);
            progress_.refused += refused;
            progress_.pushed += pushing_ - refused;
            return saveCheckpoint(Step::PushSaveCheckpoint, push_id_, json(push_batch_end_));
        }
        case Step::Over:
            return;
    }
}

// ---------------------------------------------------------------------------------------------
// Pull
// ---------------------------------------------------------------------------------------------

void Replicator::startPull(const json& remote_checkpoint) {
    progress_.stage = SyncStage::Pulling;
    const std::string* rev = stringMember(remote_checkpoint, "_rev");
    checkpoint_rev_ = rev ? *rev : std::string();
    since_ = 0;
    const std::optional<std::string> here = local_.checkpoint(pull_id_);
    const auto there = remote_checkpoint.find("last_seq");
    if (here && there != remote_checkpoint.end() && isSeq(*there) && there->dump() == *here) since_ = *there;
    askChanges();
}

void Replicator::askChanges() {
    send(Step::PullChanges, "GET",
         "_changes?style=all_docs&since=" + encode(seqText(since_)) + "&limit=" + std::to_string(options_.batch));
}

const char* Replicator::takeChanges(const json& answer) {
    std::map<std::string, std::vector<std::string>> revs;
    std::vector<std::string> order;
    if (const char* wrong = readChanges(answer, revs, order)) return wrong;
    const auto results = answer.find("results");
    const auto last_seq = answer.find("last_seq");
    const auto pending = answer.find("pending");
    progress_.pending = pending != answer.end() && pending->is_number_unsigned() ? pending->get<uint64_t>() : 0;
    if (results->empty()) {
        since_ = *last_seq;  // the server's latest: where a watch after the pass starts
        send(Step::PushCheckpoint, "GET", "_local/" + push_id_);
        return nullptr;
    }

    batch_full_ = results->size() >= options_.batch;
    batch_last_seq_ = *last_seq;
    missing_.clear();
    pulled_.clear();
    const std::map<std::string, std::vector<std::string>> missing = local_.missingRevs(revs);
    for (const std::string& id : order) {
        const auto found = missing.find(id);
        if (found == missing.end()) continue;
        const std::vector<std::string>& asked = revs[id];
        for (const std::string& rev : found->second) {
            if (std::find(asked.begin(), asked.end(), rev) != asked.end()) missing_.emplace_back(id, rev);
        }
    }
    if (missing_.empty()) {
        storePulled();
        return nullptr;
    }
    json docs = json::array();
    for (const auto& [id, rev] : missing_) docs.push_back({{"id", id}, {"rev", rev}});
    send(Step::PullBulkGet, "POST", "_bulk_get?revs=true", json{{"docs", docs}}.dump());
    return nullptr;
}

void Replicator::fetchNextOne() {
    if (next_one_ == missing_.size()) return storePulled();
    const auto& [id, rev] = missing_[next_one_];
    send(Step::PullGetOne, "GET", encode(id) + "?rev=" + encode(rev) + "&revs=true");
}

void Replicator::storePulled() {
    const size_t refused = pulled_.empty() ? 0 : local_.putDocs(pulled_);
    progress_.refused += refused;
    progress_.pulled += pulled_.size() - std::min(refused, pulled_.size());
    pulled_.clear();
    saveCheckpoint(Step::PullSaveCheckpoint, pull_id_, batch_last_seq_);
}

void Replicator::saveCheckpoint(Step step, const std::string& id, const json& last_seq) {
    json doc = {{"_id", "_local/" + id}, {"last_seq", last_seq}};
    if (!checkpoint_rev_.empty()) doc["_rev"] = checkpoint_rev_;
    send(step, "PUT", "_local/" + id, doc.dump());
}

// ---------------------------------------------------------------------------------------------
// Push
// ---------------------------------------------------------------------------------------------

void Replicator::startPush(const json& remote_checkpoint) {
    progress_.stage = SyncStage::Pushing;
    const std::string* rev = stringMember(remote_checkpoint, "_rev");
    checkpoint_rev_ = rev ? *rev : std::string();
    push_since_ = 0;
    const std::optional<std::string> here = local_.checkpoint(push_id_);
    const auto there = remote_checkpoint.find("last_seq");
    if (here && there != remote_checkpoint.end() && there->is_number_unsigned() && there->dump() == *here) {
        push_since_ = there->get<uint64_t>();
    }
    pushBatch();
}

void Replicator::pushBatch() {
    push_changes_ = local_.changesSince(push_since_, std::min(options_.batch, push_limit_));
    const std::vector<LocalChange>& changes = push_changes_;
    progress_.pending = local_.changesAfter(push_since_);
    if (changes.empty()) {
        progress_.stage = SyncStage::Done;
        request_.reset();
        step_ = Step::Over;
        return;
    }
    push_batch_end_ = changes.back().seq;
    json revs = json::object();
    for (const LocalChange& change : changes) revs[change.id] = change.revs;
    send(Step::PushRevsDiff, "POST", "_revs_diff", revs.dump());
}

void Replicator::takeRevsDiff(const json& answer) {
    json docs = json::array();
    for (const LocalChange& change : push_changes_) {
        const auto entry = answer.find(change.id);
        if (entry == answer.end() || !entry->is_object()) continue;
        const auto missing = entry->find("missing");
        if (missing == entry->end() || !missing->is_array()) continue;
        for (const json& rev : *missing) {
            // Only what was asked about: the server cannot make this side send another document.
            if (!rev.is_string() ||
                std::find(change.revs.begin(), change.revs.end(), rev.get<std::string>()) == change.revs.end()) {
                continue;
            }
            if (std::optional<json> doc = local_.getDoc(change.id, rev.get<std::string>())) docs.push_back(*doc);
        }
    }
    pushing_ = docs.size();
    if (docs.empty()) return saveCheckpoint(Step::PushSaveCheckpoint, push_id_, json(push_batch_end_));
    send(Step::PushBulkDocs, "POST", "_bulk_docs", json{{"docs", docs}, {"new_edits", false}}.dump());
}

}  // namespace kiln::sync
