// A CouchDB database in memory, for the replicator's tests: MemoryCouch keeps documents with
// their revision trees as CouchDB does; MemoryDocs is one as the side a Replicator runs on;
// FakeCouchServer answers the replication protocol's requests over another, as CouchDB 3 and
// PouchDB Server do.
#pragma once

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/sync/replicator.h"
#include "core/sync/rev_tree.h"

namespace kiln::sync::testing {

using nlohmann::json;

class MemoryCouch {
public:
    struct Doc {
        RevTree tree;
        std::map<std::string, json> bodies;  // revision -> the document's own members
        uint64_t seq = 0;                    // the sequence of its last change
    };

    // An edit made on this side: a child of the winner (or a first revision), as CouchDB makes
    // one with new_edits: true. Returns the new revision.
    std::string edit(const std::string& id, const json& body, bool deleted = false) {
        Doc& doc = docs_[id];
        const std::string parent = doc.tree.winner();
        RevPath path = parent.empty() ? RevPath{0, {}} : doc.tree.pathTo(parent);
        path.start++;
        path.ids.insert(path.ids.begin(), contentHash(parent + body.dump() + (deleted ? "d" : "")));
        doc.tree.add(path, deleted);
        const std::string rev = path.revs().front();
        doc.bodies[rev] = body;
        doc.seq = ++seq_;
        return rev;
    }

    // A document with "_revisions" kept as it is (new_edits: false). False, and nothing kept, when
    // it is not a valid one.
    bool put(const json& doc) {
        if (!doc.is_object() || !doc.contains("_id") || !doc["_id"].is_string() || !doc.contains("_rev") ||
            !doc["_rev"].is_string() || !doc.contains("_revisions") || !doc["_revisions"].is_object()) {
            return false;
        }
        const json& revisions = doc["_revisions"];
        if (!revisions.contains("start") || !revisions["start"].is_number_integer() || !revisions.contains("ids") ||
            !revisions["ids"].is_array()) {
            return false;
        }
        RevPath path{revisions["start"].get<int64_t>(), {}};
        for (const json& id : revisions["ids"]) {
            if (!id.is_string()) return false;
            path.ids.push_back(id.get<std::string>());
        }
        if (!path.valid() || path.revs().front() != doc["_rev"].get<std::string>()) return false;
        const std::string id = doc["_id"].get<std::string>();
        Doc& stored = docs_[id];
        const bool deleted = doc.value("_deleted", false);
        if (stored.tree.add(path, deleted)) {
            json body = json::object();
            for (const auto& [key, value] : doc.items()) {
                if (key.empty() || key[0] != '_') body[key] = value;
            }
            stored.bodies[path.revs().front()] = body;
            stored.seq = ++seq_;
        }
        return true;
    }

    // The document at `rev` with "_revisions" (and "_deleted"), as _bulk_get?revs=true gives it.
    std::optional<json> get(const std::string& id, const std::string& rev) const {
        const auto it = docs_.find(id);
        if (it == docs_.end() || !it->second.tree.has(rev) || !it->second.bodies.count(rev)) return std::nullopt;
        json doc = it->second.bodies.at(rev);
        doc["_id"] = id;
        doc["_rev"] = rev;
        const RevPath path = it->second.tree.pathTo(rev);
        doc["_revisions"] = {{"start", path.start}, {"ids", path.ids}};
        if (it->second.tree.deleted(rev)) doc["_deleted"] = true;
        return doc;
    }

    std::vector<LocalChange> changesSince(uint64_t since) const {
        std::map<uint64_t, LocalChange> ordered;
        for (const auto& [id, doc] : docs_) {
            if (doc.seq > since) ordered[doc.seq] = {doc.seq, id, doc.tree.leaves()};
        }
        std::vector<LocalChange> out;
        for (auto& [seq, change] : ordered) out.push_back(std::move(change));
        return out;
    }

    std::map<std::string, std::vector<std::string>> missing(
        const std::map<std::string, std::vector<std::string>>& revs) const {
        std::map<std::string, std::vector<std::string>> out;
        for (const auto& [id, list] : revs) {
            const auto it = docs_.find(id);
            for (const std::string& rev : list) {
                if (it == docs_.end() || !it->second.tree.has(rev)) out[id].push_back(rev);
            }
        }
        return out;
    }

    // A child of `parent` with the given hash, made elsewhere: how a test grows a conflict.
    std::string child(const std::string& id, const std::string& parent, const std::string& hash, const json& body) {
        RevPath path = docs_[id].tree.pathTo(parent);
        path.start++;
        path.ids.insert(path.ids.begin(), hash);
        json doc = body;
        doc["_id"] = id;
        doc["_rev"] = path.revs().front();
        doc["_revisions"] = {{"start", path.start}, {"ids", path.ids}};
        put(doc);
        return doc["_rev"];
    }

    // Every document's leaves, each with its body and history: what two sides that have synced
    // must agree on (an ancestor's body is not replicated; CouchDB compacts it away too).
    std::map<std::string, std::map<std::string, json>> everything() const {
        std::map<std::string, std::map<std::string, json>> out;
        for (const auto& [id, doc] : docs_) {
            for (const std::string& rev : doc.tree.leaves()) out[id][rev] = *get(id, rev);
        }
        return out;
    }

    std::string winner(const std::string& id) const {
        const auto it = docs_.find(id);
        return it == docs_.end() ? std::string() : it->second.tree.winner();
    }
    std::vector<std::string> leaves(const std::string& id) const {
        const auto it = docs_.find(id);
        return it == docs_.end() ? std::vector<std::string>() : it->second.tree.leaves();
    }
    uint64_t seq() const { return seq_; }

private:
    std::map<std::string, Doc> docs_;
    uint64_t seq_ = 0;
};

// The side a Replicator runs on.
class MemoryDocs : public LocalDocs {
public:
    MemoryCouch db;
    std::map<std::string, std::string> checkpoints;
    bool fail_storing = false;  // putDocs throws, as a full disk would make it

    std::vector<LocalChange> changesSince(uint64_t since, size_t limit) override {
        std::vector<LocalChange> all = db.changesSince(since);
        if (all.size() > limit) all.resize(limit);
        return all;
    }
    uint64_t changesAfter(uint64_t since) override { return db.changesSince(since).size(); }
    std::map<std::string, std::vector<std::string>> missingRevs(
        const std::map<std::string, std::vector<std::string>>& revs) override {
        return db.missing(revs);
    }
    std::optional<json> getDoc(const std::string& id, const std::string& rev) override { return db.get(id, rev); }
    size_t putDocs(const std::vector<json>& docs) override {
        if (fail_storing) throw std::runtime_error("the disk is full");
        size_t refused = 0;
        for (const json& doc : docs) refused += db.put(doc) ? 0 : 1;
        return refused;
    }
    std::optional<std::string> checkpoint(const std::string& id) override {
        const auto it = checkpoints.find(id);
        return it == checkpoints.end() ? std::nullopt : std::optional<std::string>(it->second);
    }
    void setCheckpoint(const std::string& id, const std::string& last_seq) override { checkpoints[id] = last_seq; }
};

// What a request's path says: "_changes?since=3&limit=2" -> {"_changes", {since: 3, limit: 2}}.
struct ParsedPath {
    std::string resource;
    std::map<std::string, std::string> query;
};

inline std::string percentDecode(const std::string& text) {
    std::string out;
    for (size_t i = 0; i < text.size(); i++) {
        if (text[i] == '%' && i + 2 < text.size()) {
            out += static_cast<char>(std::stoi(text.substr(i + 1, 2), nullptr, 16));
            i += 2;
        } else {
            out += text[i];
        }
    }
    return out;
}

inline ParsedPath parsePath(const std::string& path) {
    ParsedPath parsed;
    const size_t question = path.find('?');
    parsed.resource = percentDecode(path.substr(0, question));
    if (question == std::string::npos) return parsed;
    std::string rest = path.substr(question + 1);
    while (!rest.empty()) {
        const size_t amp = rest.find('&');
        const std::string pair = rest.substr(0, amp);
        const size_t eq = pair.find('=');
        parsed.query[pair.substr(0, eq)] = eq == std::string::npos ? "" : percentDecode(pair.substr(eq + 1));
        rest = amp == std::string::npos ? "" : rest.substr(amp + 1);
    }
    return parsed;
}

class FakeCouchServer {
public:
    MemoryCouch db;
    bool has_bulk_get = true;  // false: as CouchDB 1.x, _bulk_get is 404
    bool string_seqs = true;   // CouchDB 2+ sequences ("7-g1AAAA…"); false: PouchDB's numbers
    bool database_exists = true;
    std::string refuse_doc_id;               // _bulk_docs refuses this document (a validate_doc_update)
    size_t max_docs_per_request = SIZE_MAX;  // more in one _bulk_docs: 413, as max_bulk_docs_count
    size_t max_request_bytes = SIZE_MAX;     // a bigger _bulk_docs: 413, as max_http_request_size
    std::map<std::string, json> locals;
    std::vector<HttpRequest> log;  // every request received

    json seqValue(uint64_t seq) const {
        return string_seqs ? json(std::to_string(seq) + "-g1AAAAE7eJzLYWBg4MhgTmHgz8tPSTV0MDQy") : json(seq);
    }

    HttpResponse handle(const HttpRequest& request) {
        log.push_back(request);
        if (!database_exists) return {404, R"({"error":"not_found","reason":"Database does not exist."})"};
        const ParsedPath path = parsePath(request.path);
        const json body = request.body.empty() ? json() : json::parse(request.body);
        if (path.resource.rfind("_local/", 0) == 0) {
            auto it = locals.find(path.resource);
            if (request.method == "GET") {
                if (it == locals.end()) return {404, R"({"error":"not_found","reason":"missing"})"};
                return {200, it->second.dump()};
            }
            const std::string rev = body.value("_rev", "");
            if (it != locals.end() ? rev != it->second["_rev"] : !rev.empty()) {
                return {409, R"({"error":"conflict","reason":"Document update conflict."})"};
            }
            json stored = body;
            stored["_rev"] = "0-" + std::to_string(++local_revs_);
            locals[path.resource] = stored;
            return {201, json{{"ok", true}, {"id", path.resource}, {"rev", stored["_rev"]}}.dump()};
        }
        if (path.resource == "_changes") {
            const std::string since_text = path.query.count("since") ? path.query.at("since") : "0";
            const uint64_t since = std::stoull(since_text.substr(0, since_text.find('-')));
            const size_t limit = path.query.count("limit") ? std::stoul(path.query.at("limit")) : SIZE_MAX;
            std::vector<LocalChange> all = db.changesSince(since);
            json results = json::array();
            for (size_t i = 0; i < all.size() && i < limit; i++) {
                json changes = json::array();
                for (const std::string& rev : all[i].revs) changes.push_back({{"rev", rev}});
                results.push_back({{"seq", seqValue(all[i].seq)}, {"id", all[i].id}, {"changes", changes}});
            }
            const uint64_t last = results.empty() ? db.seq() : all[results.size() - 1].seq;
            const uint64_t pending = all.size() - results.size();
            return {200, json{{"results", results}, {"last_seq", seqValue(last)}, {"pending", pending}}.dump()};
        }
        if (path.resource == "_revs_diff") {
            std::map<std::string, std::vector<std::string>> asked;
            for (const auto& [id, revs] : body.items()) asked[id] = revs.get<std::vector<std::string>>();
            json answer = json::object();
            for (const auto& [id, missing] : db.missing(asked)) answer[id] = {{"missing", missing}};
            return {200, answer.dump()};
        }
        if (path.resource == "_bulk_get") {
            if (!has_bulk_get) return {404, R"({"error":"not_found","reason":"missing"})"};
            json results = json::array();
            for (const json& wanted : body["docs"]) {
                const std::string id = wanted["id"];
                std::optional<json> doc = db.get(id, wanted["rev"]);
                json entry = doc ? json{{"ok", *doc}}
                                 : json{{"error", {{"id", id}, {"rev", wanted["rev"]}, {"error", "not_found"}}}};
                results.push_back({{"id", id}, {"docs", json::array({entry})}});
            }
            return {200, json{{"results", results}}.dump()};
        }
        if (path.resource == "_bulk_docs") {
            if (body["docs"].size() > max_docs_per_request || request.body.size() > max_request_bytes) {
                return {413, R"({"error":"too_large","reason":"the request entity is too large"})"};
            }
            // As CouchDB, in the order of their ids (not the request's): sequences follow it.
            std::vector<json> docs = body["docs"].get<std::vector<json>>();
            std::stable_sort(docs.begin(), docs.end(),
                             [](const json& a, const json& b) { return a["_id"].dump() < b["_id"].dump(); });
            json answer = json::array();
            for (const json& doc : docs) {
                if (doc["_id"] == refuse_doc_id) {
                    answer.push_back({{"id", refuse_doc_id}, {"error", "forbidden"}, {"reason", "not allowed"}});
                } else if (!db.put(doc)) {
                    return {400, R"({"error":"bad_request","reason":"Invalid rev format"})"};
                }
            }
            return {201, answer.dump()};
        }
        if (request.method == "GET" && path.query.count("rev")) {
            std::optional<json> doc = db.get(path.resource, path.query.at("rev"));
            if (!doc) return {404, R"({"error":"not_found","reason":"missing"})"};
            return {200, doc->dump()};
        }
        return {400, R"({"error":"bad_request"})"};
    }

private:
    uint64_t local_revs_ = 0;
};

// Changes an answer on its way from the server: a hostile or broken server, a cut connection.
using Tamper = std::function<void(const HttpRequest& request, HttpResponse& response)>;

// Runs a pass to its end against `server`, each answer through `tamper` when there is one; at
// most `max_requests` requests (a guard against a pass that would never end).
inline const SyncProgress& runPass(Replicator& replicator, FakeCouchServer& server, const Tamper& tamper = {},
                                   size_t max_requests = 10000) {
    for (size_t i = 0; replicator.request() && i < max_requests; i++) {
        const HttpRequest request = *replicator.request();
        HttpResponse response = server.handle(request);
        if (tamper) tamper(request, response);
        replicator.receive(response);
    }
    return replicator.progress();
}

}  // namespace kiln::sync::testing
