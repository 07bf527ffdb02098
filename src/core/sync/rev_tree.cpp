#include "core/sync/rev_tree.h"

#include <algorithm>
#include <cstdio>
#include <set>

namespace kiln::sync {

std::optional<Rev> parseRev(std::string_view text) {
    const size_t dash = text.find('-');
    if (dash == std::string_view::npos || dash == 0 || dash > 16 || dash + 1 == text.size()) return std::nullopt;
    int64_t generation = 0;
    for (size_t i = 0; i < dash; i++) {
        if (text[i] < '0' || text[i] > '9') return std::nullopt;
        generation = generation * 10 + (text[i] - '0');
    }
    if (text[0] == '0' || generation > 1'000'000'000'000'000) return std::nullopt;
    const std::string_view hash = text.substr(dash + 1);
    for (const char c : hash) {
        if (c <= ' ' || c > '~') return std::nullopt;
    }
    return Rev{generation, std::string(hash)};
}

std::string formatRev(const Rev& rev) {
    return std::to_string(rev.generation) + "-" + rev.hash;
}

bool RevPath::valid() const {
    if (ids.empty() || start < static_cast<int64_t>(ids.size())) return false;
    for (const std::string& rev : revs()) {
        if (!parseRev(rev)) return false;
    }
    return true;
}

std::vector<std::string> RevPath::revs() const {
    std::vector<std::string> out;
    out.reserve(ids.size());
    for (size_t i = 0; i < ids.size(); i++) out.push_back(formatRev({start - static_cast<int64_t>(i), ids[i]}));
    return out;
}

bool RevTree::add(const RevPath& path, bool deleted) {
    if (!path.valid()) return false;
    const std::vector<std::string> revs = path.revs();
    const bool is_new = !has(revs.front());
    for (size_t i = 0; i < revs.size(); i++) {
        const std::string parent = i + 1 < revs.size() ? revs[i + 1] : std::string();
        auto [it, inserted] = nodes_.try_emplace(revs[i]);
        if (inserted) {
            it->second.parent = parent;
            it->second.deleted = i == 0 && deleted;
        } else if (it->second.parent.empty()) {
            it->second.parent = parent;  // an ancestor learnt before without its own parent
        }
    }
    return is_new;
}

namespace {

int hexValue(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

}  // namespace

std::string hashBytes(const std::string& hash) {
    if (hash.size() != 32 || !std::all_of(hash.begin(), hash.end(), [](char c) { return hexValue(c) >= 0; })) {
        return hash;
    }
    std::string bytes;
    for (size_t i = 0; i < 32; i += 2) bytes += static_cast<char>(hexValue(hash[i]) * 16 + hexValue(hash[i + 1]));
    return bytes;
}

bool RevTree::deleted(const std::string& rev) const {
    const auto it = nodes_.find(rev);
    return it != nodes_.end() && it->second.deleted;
}

std::vector<std::string> RevTree::leaves() const {
    std::set<std::string> parents;
    for (const auto& [rev, node] : nodes_) {
        if (!node.parent.empty()) parents.insert(node.parent);
    }
    std::vector<std::string> out;
    for (const auto& [rev, node] : nodes_) {
        if (!parents.count(rev)) out.push_back(rev);
    }
    // CouchDB's winner: not deleted, then the highest generation, then the greatest hash, as
    // CouchDB compares them: 32 hex digits as the 16 bytes they write, anything else as its bytes.
    const auto key = [this](const std::string& rev) {
        const Rev parsed = *parseRev(rev);
        return std::make_tuple(!deleted(rev), parsed.generation, hashBytes(parsed.hash));
    };
    std::sort(out.begin(), out.end(), [&](const std::string& a, const std::string& b) { return key(a) > key(b); });
    return out;
}

std::string RevTree::winner() const {
    const std::vector<std::string> all = leaves();
    return all.empty() ? std::string() : all.front();
}

RevPath RevTree::pathTo(const std::string& rev, size_t limit) const {
    RevPath path;
    const std::optional<Rev> parsed = parseRev(rev);
    if (!parsed || !has(rev)) return path;
    path.start = parsed->generation;
    for (std::string at = rev; !at.empty() && path.ids.size() < limit;) {
        path.ids.push_back(parseRev(at)->hash);
        const auto it = nodes_.find(at);
        at = it == nodes_.end() ? std::string() : it->second.parent;
    }
    return path;
}

std::string contentHash(std::string_view text) {
    uint64_t a = 0xcbf29ce484222325ull;
    uint64_t b = 0x84222325cbf29ce4ull;
    for (const char c : text) {
        a = (a ^ static_cast<uint8_t>(c)) * 0x100000001b3ull;
        b = (b ^ static_cast<uint8_t>(c)) * 0x100000001b3ull;
        b ^= b >> 29;
    }
    char out[33];
    std::snprintf(out, sizeof out, "%016llx%016llx", static_cast<unsigned long long>(a),
                  static_cast<unsigned long long>(b));
    return out;
}

}  // namespace kiln::sync
