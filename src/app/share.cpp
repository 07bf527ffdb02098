#include "app/share.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdio>

#include "app/app.h"
#include "app/app_internal.h"
#include "app/messages.h"
#include "core/codegen/utf8.h"

namespace kiln::app {

namespace {

constexpr size_t kMaxNameBytes = 120;
constexpr size_t kMaxModelBytes = 200;
constexpr char kUnnamed[] = "Shared app";

// One line of at most `max_bytes`, cut between characters: control characters, and those that
// turn the direction text is shown in, become spaces; spaces around it go. `text` is valid UTF-8
// (the JSON parser checked it).
std::string oneLine(const std::string& text, size_t max_bytes) {
    std::string line;
    for (size_t pos = 0; pos < text.size();) {
        const int length = std::max(1, codegen::utf8SequenceLength(text, pos));
        const uint32_t c = internal::codePointAt(text, pos, length);
        if (c < 0x20 || c == 0x7F || internal::isDirectionControl(c)) {
            line += ' ';
        } else {
            line.append(text, pos, static_cast<size_t>(length));
        }
        pos += static_cast<size_t>(length);
    }
    line.resize(codegen::utf8CutPoint(line, max_bytes));
    const size_t first = line.find_first_not_of(' ');
    if (first == std::string::npos) return "";
    return line.substr(first, line.find_last_not_of(' ') - first + 1);
}

const char kRefused[] = "Kiln opened nothing from it.";

std::string unpackProblem(UnpackFailure failure) {
    if (failure == UnpackFailure::TooBig) {
        return "This share link holds more than Kiln opens from a link (8 MB), so " + std::string(kRefused);
    }
    return "This share link is damaged or was cut short, so " + std::string(kRefused) +
           " Some chat and mail apps cut long links: ask for the link again, or for the app as a file.";
}

// FNV-1a, in hex: the same app has the same preview guard key whenever its link is opened.
std::string digest(const std::string& code) {
    uint64_t hash = 14695981039346656037ULL;
    for (const char c : code) hash = (hash ^ static_cast<unsigned char>(c)) * 1099511628211ULL;
    char hex[17];
    std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(hash));
    return hex;
}

}  // namespace

std::string sharedDocument(const SharedApp& shared) {
    return nlohmann::json{
        {"name", shared.name}, {"prompt", shared.prompt}, {"model", shared.model}, {"code", shared.code}}
        .dump();
}

std::optional<SharedApp> readSharedDocument(std::string_view json, std::string& problem) {
    const std::string not_an_app = "This share link does not hold a Kiln app (";
    nlohmann::json document = nlohmann::json::parse(json, nullptr, false);
    if (document.is_discarded() || !document.is_object()) {
        problem = not_an_app + "what it holds is not a Kiln app's description), so " + kRefused;
        return std::nullopt;
    }
    SharedApp shared;
    const std::pair<const char*, std::string*> fields[] = {
        {"name", &shared.name}, {"prompt", &shared.prompt}, {"model", &shared.model}, {"code", &shared.code}};
    for (const auto& [key, value] : fields) {
        auto it = document.find(key);
        if (it == document.end() || !it->is_string()) {
            problem = not_an_app + "its " + key + " is missing or not text), so " + kRefused;
            return std::nullopt;
        }
        *value = it->get<std::string>();
    }
    if (shared.code.empty()) {
        problem = not_an_app + "its code is empty), so " + kRefused;
        return std::nullopt;
    }
    shared.name = oneLine(shared.name, kMaxNameBytes);
    if (shared.name.empty()) shared.name = kUnnamed;
    shared.model = oneLine(shared.model, kMaxModelBytes);
    return shared;
}

// ---------------------------------------------------------------------------------------------
// Share link
// ---------------------------------------------------------------------------------------------

void shareVersion(App& app) {
    if (!app.open || app.open->selected == 0) return;
    const OpenProject& open = *app.open;
    const store::VersionSummary* version = internal::findVersion(open, open.selected);
    ShareLink dialog;
    dialog.project = open.project.public_id;
    dialog.version = open.selected;
    dialog.edited = codeEdited(app);
    dialog.request = ++app.share_requests;
    app.share_link = dialog;
    if (!app.share_codec) {
        app.share_link->problem = "This browser cannot make share links (it has no CompressionStream).";
        return;
    }
    SharedApp shared{open.project.name, version ? version->prompt : "", version ? version->model : "",
                     open.stored_code};
    const uint64_t request = dialog.request;
    app.share_codec->pack(sharedDocument(shared), [&app, request](std::optional<std::string> data) {
        if (!app.share_link || app.share_link->request != request) return;  // closed, or asked again
        ShareLink& dialog = *app.share_link;
        if (!data) {
            dialog.problem = "The browser could not compress this version into a link. Download saves it as a file.";
            return;
        }
        std::string link = app.page_url + std::string(kShareRoute) + std::string(kShareFormat) + "/" + *data;
        if (link.size() > kShareLinkMaxBytes) {
            dialog.problem = "This version's link would be " + formatBytes(link.size()) +
                             ", longer than browsers open (1 MB). Send it as a file instead: Download, in the code "
                             "panel, saves it.";
            return;
        }
        dialog.link = std::move(link);
    });
}

void closeShareLink(App& app) {
    app.share_link.reset();
}

// ---------------------------------------------------------------------------------------------
// Shared view
// ---------------------------------------------------------------------------------------------

void openShared(App& app, const std::string& data) {
    if (app.shared && app.shared->data == data) return;
    SharedView view;
    view.data = data;
    view.revision = ++app.revisions;
    app.shared = view;
    app.share_link.reset();
    const size_t slash = data.find('/');
    const std::string format = data.substr(0, slash);
    if (slash == std::string::npos || slash + 1 == data.size()) {
        app.shared->phase = SharedView::Phase::Refused;
        app.shared->problem = unpackProblem(UnpackFailure::Damaged);
        return;
    }
    if (format != kShareFormat) {
        app.shared->phase = SharedView::Phase::Refused;
        app.shared->problem = "This share link was made by a newer Kiln (its format is \"" + format.substr(0, 16) +
                              "\"), which this Kiln cannot open. Reload Kiln to update it, then open the link again.";
        return;
    }
    if (!app.share_codec) {
        app.shared->phase = SharedView::Phase::Refused;
        app.shared->problem = "This browser cannot open share links (it has no DecompressionStream).";
        return;
    }
    app.share_codec->unpack(data.substr(slash + 1), kSharedDocumentMaxBytes,
                            [&app, data](std::optional<std::string> text, UnpackFailure failure) {
                                if (!app.shared || app.shared->data != data) return;  // closed, or another link opened
                                SharedView& view = *app.shared;
                                std::optional<SharedApp> shared;
                                if (text) {
                                    shared = readSharedDocument(*text, view.problem);
                                } else {
                                    view.problem = unpackProblem(failure);
                                }
                                if (!shared) {
                                    view.phase = SharedView::Phase::Refused;
                                    return;
                                }
                                view.app = std::move(*shared);
                                view.key = "share/" + digest(view.app.code);
                                view.phase = SharedView::Phase::Ready;
                            });
}

void saveShared(App& app) {
    if (!app.shared || app.shared->phase != SharedView::Phase::Ready) return;
    internal::whenWritable(app, [&app] {
        if (!app.shared || app.shared->phase != SharedView::Phase::Ready || !app.store) return;
        internal::guarded(app, [&] {
            const SharedApp& shared = app.shared->app;
            store::Project project = app.store->createProject(shared.name);
            store::NewVersion version;
            version.project_id = project.id;
            version.prompt = shared.prompt.empty() ? "Opened from a share link" : shared.prompt;
            version.model = shared.model;
            version.code = shared.code;
            app.shared.reset();
            internal::loadProject(app, project, 0);
            internal::addVersion(app, std::move(version));
            app.notice = "Saved \"" + project.name + "\" to your library.";
        });
    });
}

void closeShared(App& app) {
    app.shared.reset();
}

}  // namespace kiln::app
