// Kiln: a document's revisions as CouchDB's replication protocol sees them.
//
// Index
//   Rev, parseRev, formatRev   "3-9a0f…": a generation and a hash
//   RevPath                    `_revisions`: a revision and its ancestors, newest first
//   RevTree                    every revision of one document known here, its leaves and winner
//   contentHash                32 hex digits of a text (new revisions, replication ids)
//
// A document's history is a tree: each revision names its parent, and two sides that edit the
// same document apart grow two branches (a conflict). Replication copies revisions with their
// ancestry and never picks a side; every peer then shows the same winner, by CouchDB's rule:
// among the leaves, one that is not deleted, then the highest generation, then the greatest hash
// (hashBytes). The losers stay in the tree, readable, until a new edit follows them.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kiln::sync {

struct Rev {
    int64_t generation = 0;  // 1 for a document's first revision
    std::string hash;        // not empty; CouchDB writes 32 hex digits, other peers other text
};

// nullopt unless `text` is "<generation>-<hash>" with a generation of 1 to 10^15 written in
// plain decimal digits and a hash of printable ASCII without spaces.
std::optional<Rev> parseRev(std::string_view text);
std::string formatRev(const Rev& rev);

// `_revisions` of a document: {"start": generation of the first id, "ids": [hash, parent's hash,
// grandparent's, …]}. ids[0] is the revision itself.
struct RevPath {
    int64_t start = 0;
    std::vector<std::string> ids;

    // At least one id, start >= the number of ids, and every "<generation>-<hash>" on the path
    // one that parseRev takes.
    bool valid() const;
    // The revisions on the path as "<generation>-<hash>", newest first.
    std::vector<std::string> revs() const;
};

// The revisions of one document. Revisions are named by their "<generation>-<hash>" text.
class RevTree {
public:
    // Adds the revisions of `path` that are not known (new_edits: false): each gets the next one
    // on the path as its parent; the leaf is a deletion when `deleted`. A revision already known
    // keeps what it had. Returns whether path's first revision was new; false, with nothing
    // added, for a path that is not valid().
    bool add(const RevPath& path, bool deleted);

    bool has(const std::string& rev) const { return nodes_.count(rev) != 0; }
    bool empty() const { return nodes_.empty(); }
    bool deleted(const std::string& rev) const;

    // The revisions no other revision names as its parent, in CouchDB's order: winner first.
    std::vector<std::string> leaves() const;
    // leaves().front(); empty when the tree is.
    std::string winner() const;
    // `rev` and its known ancestors, newest first, at most `limit` of them.
    RevPath pathTo(const std::string& rev, size_t limit = 1000) const;

private:
    struct Node {
        std::string parent;  // empty for a root (or an ancestor this tree never learnt)
        bool deleted = false;
    };
    std::map<std::string, Node> nodes_;
};

// A hash as CouchDB orders it to choose a winner: 32 hex digits (either case) as the 16 bytes
// they spell, anything else as it is; compared byte by byte, unsigned.
std::string hashBytes(const std::string& hash);

// 32 lowercase hex digits that depend on every byte of `text` (two 64-bit FNV-1a sums); not a
// cryptographic hash: it names revisions and replications, where collisions only need to be rare.
std::string contentHash(std::string_view text);

}  // namespace kiln::sync
