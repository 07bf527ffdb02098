// Kiln: share links. A version leaves Kiln as a link that carries the app itself: its code, its
// prompt, the project's name and the model, as JSON, compressed and encoded into the URL's
// fragment, which browsers never send to a server:
//
//   https://kiln.example/#/share/1/<base64url of the zlib-compressed JSON document>
//
// The "1" is the link format; a Kiln that does not know a link's format says so. Opening a link
// shows the shared view: the app in the preview's sandbox, its code (read-only) and its prompt,
// with Save to my library (a new project whose version 1 is the app) and Close. Nothing is stored
// until the user saves it. A link that is cut, damaged, too big or not a Kiln app shows what is
// wrong with it, and nothing of it runs.
//
// The compression is the browser's (CompressionStream), behind ShareCodec: a fake in tests.
//
// Index
//   ShareCodec       compress and encode for a URL, and back (the platform's)
//   SharedApp        what a link carries; its document format
//   ShareLink        the Share link dialog: the link made for a version
//   SharedView       the shared view: a link being opened, shown, or refused
//   Actions          make a link; open, save and close a shared app
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace kiln::app {

struct App;

// ---- ShareCodec --------------------------------------------------------------------------------

enum class UnpackFailure {
    Damaged,  // not base64url, or not a whole, intact compressed text (cut, changed, or made up)
    TooBig,   // it inflates to more than the limit it was given
};

class ShareCodec {
public:
    virtual ~ShareCodec() = default;
    // Compresses `text` and encodes the result for a URL (base64url, no padding); calls `done`
    // later with it, or with nothing if the browser could not.
    virtual void pack(std::string text, std::function<void(std::optional<std::string> data)> done) = 0;
    // The reverse of pack: calls `done` later with the text, or with why there is none. Stops
    // inflating past `max_bytes`.
    virtual void unpack(std::string data, size_t max_bytes,
                        std::function<void(std::optional<std::string> text, UnpackFailure failure)> done) = 0;
};

// ---- SharedApp ---------------------------------------------------------------------------------

struct SharedApp {
    std::string name;    // the project's name
    std::string prompt;  // the prompt that made the version ("" when none)
    std::string model;   // the model that wrote it ("" when none: an edit by hand, a restore)
    std::string code;
};

// The route of a share link: "#/share/" followed by the link's data (format, '/', payload).
constexpr std::string_view kShareRoute = "#/share/";
// The link format this Kiln makes and opens.
constexpr std::string_view kShareFormat = "1";
// Some chat and mail apps cut links longer than this: the Share link dialog warns.
constexpr size_t kShareLinkWarnBytes = 32 * 1024;
// The longest link every browser opens (Firefox's limit; Chromium's is 2 MB): no longer link is made.
constexpr size_t kShareLinkMaxBytes = 1024 * 1024;
// The most a link may inflate to: more than any link Kiln makes (a link's text compresses about
// fourfold), and a limit on what a made-up link can make Kiln allocate.
constexpr size_t kSharedDocumentMaxBytes = 8 * 1024 * 1024;

// The document a link carries: {"name", "prompt", "model", "code"}, all strings.
std::string sharedDocument(const SharedApp& shared);
// Reads a link's document: the app, or nothing with `problem` set to what is wrong with it (in
// words for the user). Every field must be a string and the code must not be empty; fields it does
// not know are ignored. The name is made one line (control characters become spaces) of at most
// 120 bytes, "Shared app" when nothing is left; the model one line of at most 200.
std::optional<SharedApp> readSharedDocument(std::string_view json, std::string& problem);

// ---- ShareLink ---------------------------------------------------------------------------------

// The Share link dialog, while it is open: the link of one version of the open project.
struct ShareLink {
    std::string project;  // the project's public id
    int version = 0;
    std::string link;      // the whole link; empty while it is being made, or when it cannot be
    std::string problem;   // why there is no link (too long, the browser failed)
    bool edited = false;   // the code panel holds edits the link does not carry
    uint64_t request = 0;  // which pack() answer belongs to this dialog
};

// ---- SharedView --------------------------------------------------------------------------------

struct SharedView {
    enum class Phase { Opening, Ready, Refused };
    std::string data;  // what the link says after kShareRoute: its format, '/', its payload
    Phase phase = Phase::Opening;
    SharedApp app;          // Ready: what the link carries
    std::string key;        // Ready: the preview guard's key, "share/<digest of the code>" (preview_guard.h)
    std::string problem;    // Refused: what is wrong with the link, in words for the user
    uint64_t revision = 0;  // App::revisions when it was shown: the preview and the code panel follow it
    bool network = true;    // the preview's Network switch, for this view only
};

// ---- Actions -----------------------------------------------------------------------------------

// Share link: opens the dialog for the selected version of the open project and makes its link
// (asynchronously: ShareLink::link is empty until then). The link carries the version as saved.
void shareVersion(App& app);
void closeShareLink(App& app);

// Opens the shared view for a link's `data` (the route's part after kShareRoute); the project
// that was open stays open beneath it. Unpacking is asynchronous; the view says Opening until then.
void openShared(App& app, const std::string& data);
// Save to my library: a new project with the shared app as version 1 (its prompt and model
// kept), which is then opened in place of the shared view.
void saveShared(App& app);
// Leaves the shared view for what was open beneath it; nothing of the link is kept.
void closeShared(App& app);

}  // namespace kiln::app
