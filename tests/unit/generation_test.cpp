// Code generation as the app drives it: settings and the key's origin, a prompt streamed into a
// version with its stats, follow-ups by edit blocks, and every way an answer can fail.
//
// Index
//   Helpers            a fake HttpClient, a clock, SSE bodies
//   Settings and keys
//   Streaming to a version
//   Follow-ups by edits
//   Cut answers
//   Failures
//   Test connection
#include <gtest/gtest.h>

#include <algorithm>
#include <deque>

#include "app/app.h"
#include "core/codegen/request.h"
#include "fake_origin.h"
#include "storage_test_support.h"

using namespace kiln;
using app::App;
using app::GenerationPhase;
using Outcome = app::ConnectionTest::Outcome;

namespace {

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

struct FakeHttp : app::HttpClient {
    struct Request {
        codegen::HttpRequest request;
        app::HttpCallbacks callbacks;
        bool aborted = false;
    };
    std::deque<Request> requests;  // a deque: a callback may send (retry) while it runs

    uint64_t send(const codegen::HttpRequest& request, app::HttpCallbacks callbacks) override {
        requests.push_back({request, std::move(callbacks)});
        return requests.size();
    }
    void abort(uint64_t id) override { requests.at(id - 1).aborted = true; }

    Request& last() { return requests.back(); }

    // Plays an answer to the last request: the status, then each piece of body, then the end
    // (unless the client aborted it on the way, as a browser's fetch stops calling back).
    void answer(int status, const std::vector<std::string>& pieces, const app::HttpHeaders& headers = {},
                bool end = true) {
        const size_t index = requests.size() - 1;
        requests[index].callbacks.response(status, headers);
        for (const std::string& piece : pieces) {
            if (requests[index].aborted) return;
            requests[index].callbacks.data(piece);
        }
        if (end && !requests[index].aborted) requests[index].callbacks.end();
    }
};

const std::string kApp = "<!DOCTYPE html>\n<html>\n<body>\n<p>one</p>\n</body>\n</html>\n";

std::string chunk(const std::string& content, const std::string& finish = "") {
    nlohmann::json delta = {{"content", content}};
    nlohmann::json choice = {{"index", 0}, {"delta", delta}, {"finish_reason", nullptr}};
    if (!finish.empty()) choice["finish_reason"] = finish;
    return "data: " + nlohmann::json{{"model", "served-model"}, {"choices", {choice}}}.dump() + "\n\n";
}

std::string usage(int in, int out) {
    return "data: " +
           nlohmann::json{{"choices", nlohmann::json::array()},
                          {"usage", {{"prompt_tokens", in}, {"completion_tokens", out}}}}
               .dump() +
           "\n\n";
}

// A streamed answer of `text`, one chunk per line, finished with `finish`.
std::vector<std::string> streamed(const std::string& text, const std::string& finish = "stop") {
    std::vector<std::string> pieces;
    size_t from = 0;
    while (from < text.size()) {
        size_t end = text.find('\n', from);
        end = end == std::string::npos ? text.size() : end + 1;
        pieces.push_back(chunk(text.substr(from, end - from)));
        from = end;
    }
    if (!finish.empty()) {
        pieces.push_back(chunk("", finish));
        pieces.push_back(usage(120, 42));
        pieces.push_back("data: [DONE]\n\n");
    }
    return pieces;
}

std::string fenced(const std::string& code) {
    return "Here it is.\n```html\n" + code + "```\n";
}

struct Fixture {
    App app;
    FakeHttp http;
    int64_t now = 1000;

    Fixture() {
        app::openInMemory(app);
        app.http = &http;
        app.origin_of = test::fakeOriginOf;
        app.clock_ms = [this] { return now; };
        app.origin = "https://kiln.example";
        app.system_prompt = "SYSTEM PROMPT";
        app::EndpointSettings settings;
        settings.endpoint = codegen::endpointFromPreset(codegen::PresetKind::Custom);
        settings.endpoint.label = "Loopback";
        settings.endpoint.base_url = "http://127.0.0.1:8090/v1";
        settings.endpoint.model = "kiln-test/ok";
        settings.endpoint.api_key = "sk-secret-1";
        settings.stall_seconds = 10;
        app::saveEndpointSettings(app, settings);
        app::newProject(app, "Demo");
    }

    void send(const std::string& prompt) {
        app.prompt = prompt;
        app::sendPrompt(app);
    }

    // Sends a first prompt answered with kApp: the project gets version 1.
    void firstVersion() {
        send("a list");
        http.answer(200, streamed(fenced(kApp)));
        ASSERT_EQ(app.open->selected, 1);
    }

    std::string body() { return http.last().request.body; }
};

bool contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

bool hasHeader(const codegen::HttpRequest& request, const std::string& name) {
    return std::any_of(request.headers.begin(), request.headers.end(),
                       [&](const auto& header) { return header.first == name; });
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Settings and keys
// ---------------------------------------------------------------------------------------------

TEST(GenerationSettings, OriginsComeFromThePlatformsParser) {
    Fixture f;
    EXPECT_EQ(app::originOf(f.app, "https://API.openai.com:443/v1"), "https://api.openai.com");
    // A backslash ends the authority, as the browser reads it: the host is 127.0.0.1.
    EXPECT_EQ(app::originOf(f.app, "http://127.0.0.1:9\\@evil.example/v1"), "http://127.0.0.1:9");
    // Without a parser no URL has an origin, and no key is ever usable.
    App bare;
    app::openInMemory(bare);
    EXPECT_EQ(app::originOf(bare, "https://api.openai.com/v1"), "");
    bare.settings = f.app.settings;
    EXPECT_FALSE(app::keyUsable(bare, bare.settings));
    EXPECT_EQ(app::requestEndpoint(bare, bare.settings).api_key, "");
}

TEST(GenerationSettings, SurviveReopeningFromTheStore) {
    Fixture f;
    f.app.settings = {};
    app::loadEndpointSettings(f.app);
    const app::EndpointSettings& settings = f.app.settings;
    EXPECT_TRUE(settings.saved);
    EXPECT_EQ(settings.endpoint.label, "Loopback");
    EXPECT_EQ(settings.endpoint.base_url, "http://127.0.0.1:8090/v1");
    EXPECT_EQ(settings.endpoint.model, "kiln-test/ok");
    EXPECT_EQ(settings.endpoint.api_key, "sk-secret-1");
    EXPECT_EQ(settings.key_origin, "http://127.0.0.1:8090");
    EXPECT_EQ(settings.stall_seconds, 10);
    EXPECT_TRUE(app::keyUsable(f.app, settings));
}

// The request that carries a key names the key's origin, for the platform to check again.
TEST(GenerationSettings, ARequestWithAKeyNamesItsOrigin) {
    Fixture f;
    f.send("a clock");
    EXPECT_TRUE(hasHeader(f.http.last().request, "Authorization"));
    EXPECT_EQ(f.http.last().request.key_origin, "http://127.0.0.1:8090");
    app::stopGeneration(f.app);
    app::EndpointSettings keyless = f.app.settings;
    keyless.endpoint.api_key.clear();
    app::saveEndpointSettings(f.app, keyless);
    f.send("a clock");
    EXPECT_FALSE(hasHeader(f.http.last().request, "Authorization"));
    EXPECT_EQ(f.http.last().request.key_origin, "");
}

TEST(GenerationSettings, AnotherOriginNeverGetsTheKey) {
    Fixture f;
    for (const char* url : {"https://elsewhere.example/v1", "http://127.0.0.1:9\\@127.0.0.1:8090/v1",
                            "http://127.0.0.1:8091/v1", "https://127.0.0.1:8090/v1", "ftp://127.0.0.1:8090/v1",
                            "127.0.0.1:8090/v1", "http://user@elsewhere.example/v1"}) {
        SCOPED_TRACE(url);
        app::EndpointSettings moved = f.app.settings;
        moved.endpoint.base_url = url;
        app::saveEndpointSettings(f.app, moved);
        EXPECT_FALSE(app::keyUsable(f.app, f.app.settings));
        EXPECT_EQ(f.app.settings.endpoint.api_key, "");
        f.send("a clock");
        if (!f.http.requests.empty()) {
            EXPECT_FALSE(hasHeader(f.http.last().request, "Authorization"));
            EXPECT_EQ(f.http.last().request.key_origin, "");
        }
        app::stopGeneration(f.app);
        // The key stays with its own origin.
        EXPECT_EQ(f.app.settings.keys.at("http://127.0.0.1:8090"), "sk-secret-1");
    }
}

TEST(GenerationSettings, KeysAreKeptPerOriginAndComeBackWithIt) {
    Fixture f;
    app::EndpointSettings edit = f.app.settings;
    // The Settings popup: the base URL moves, the key field follows the origin.
    edit.endpoint.base_url = "https://elsewhere.example/v1";
    app::followKeyOrigin(f.app, edit);
    EXPECT_EQ(edit.endpoint.api_key, "");
    EXPECT_EQ(edit.key_origin, "https://elsewhere.example");
    edit.endpoint.api_key = "sk-other";
    app::saveEndpointSettings(f.app, edit);
    EXPECT_EQ(f.app.settings.key_origin, "https://elsewhere.example");
    EXPECT_TRUE(app::keyUsable(f.app, f.app.settings));
    f.send("a clock");
    EXPECT_NE(f.body().find("a clock"), std::string::npos);
    const auto& headers = f.http.last().request.headers;
    const auto authorization = std::find_if(headers.begin(), headers.end(),
                                            [](const auto& header) { return header.first == "Authorization"; });
    ASSERT_NE(authorization, headers.end());
    EXPECT_EQ(authorization->second, "Bearer sk-other");
    app::stopGeneration(f.app);

    // Back to the first origin (another path on it): its own key.
    edit = f.app.settings;
    edit.endpoint.base_url = "http://127.0.0.1:8090/other/v1";
    app::saveEndpointSettings(f.app, edit);
    EXPECT_EQ(f.app.settings.endpoint.api_key, "sk-secret-1");
    EXPECT_TRUE(app::keyUsable(f.app, f.app.settings));

    // Reopened: both kept.
    f.app.settings = {};
    app::loadEndpointSettings(f.app);
    EXPECT_EQ(f.app.settings.endpoint.api_key, "sk-secret-1");
    EXPECT_EQ(f.app.settings.keys.size(), 2u);
    EXPECT_EQ(f.app.settings.keys.at("https://elsewhere.example"), "sk-other");

    // Forgotten: gone from the store too.
    app::forgetKey(f.app, "https://elsewhere.example");
    f.app.settings = {};
    app::loadEndpointSettings(f.app);
    EXPECT_EQ(f.app.settings.keys.count("https://elsewhere.example"), 0u);
    EXPECT_EQ(f.app.settings.endpoint.api_key, "sk-secret-1");
}

TEST(GenerationSettings, AKeyTypedBeforeTheAddressIsBoundToItOnSave) {
    Fixture f;
    app::EndpointSettings edit = f.app.settings;
    edit.endpoint.base_url = "";
    app::followKeyOrigin(f.app, edit);
    EXPECT_EQ(edit.endpoint.api_key, "");
    edit.endpoint.api_key = "sk-typed-first";
    // Typed character by character: the field keeps the key while the address takes shape.
    for (const char* partial : {"h", "http://1", "http://127.0.0", "https://new.example/v1"}) {
        edit.endpoint.base_url = partial;
        app::followKeyOrigin(f.app, edit);
    }
    EXPECT_EQ(edit.endpoint.api_key, "sk-typed-first");
    app::saveEndpointSettings(f.app, edit);
    EXPECT_EQ(f.app.settings.keys.at("https://new.example"), "sk-typed-first");
    EXPECT_EQ(f.app.settings.keys.size(), 2u);
}

// A library of an earlier version: one key and its origin in `api_key`, no `api_keys`. Read as
// that origin's key. Saved back, `api_key` holds no key (an earlier version's own origin parser
// could be fooled into sending it elsewhere): it asks for the key again.
TEST(GenerationSettings, AnEarlierVersionsKeyIsReadButNoKeyIsWrittenForIt) {
    Fixture f;
    f.app.store->setSetting("api_keys", "null");
    f.app.store->setSetting("api_key", R"({"key":"sk-old","origin":"http://127.0.0.1:8090"})");
    app::loadEndpointSettings(f.app);
    EXPECT_EQ(f.app.settings.endpoint.api_key, "sk-old");
    EXPECT_TRUE(app::keyUsable(f.app, f.app.settings));
    // An origin an earlier version worked out by itself, not as the browser writes it: never used.
    f.app.store->setSetting("api_key", R"({"key":"sk-odd","origin":"http://127.0.0.1:8090/"})");
    f.app.store->setSetting("api_keys", "{}");
    app::loadEndpointSettings(f.app);
    EXPECT_EQ(f.app.settings.endpoint.api_key, "");
    EXPECT_TRUE(f.app.settings.keys.empty());

    f.app.settings.endpoint.api_key = "sk-new";
    app::saveEndpointSettings(f.app, f.app.settings);
    const nlohmann::json old_reader = nlohmann::json::parse(*f.app.store->getSetting("api_key"));
    EXPECT_EQ(old_reader, (nlohmann::json{{"key", ""}, {"origin", ""}}));
    const nlohmann::json keys = nlohmann::json::parse(*f.app.store->getSetting("api_keys"));
    EXPECT_EQ(keys, (nlohmann::json{{"http://127.0.0.1:8090", "sk-new"}}));
    app::loadEndpointSettings(f.app);
    EXPECT_EQ(f.app.settings.endpoint.api_key, "sk-new");

    // Both rows: `api_keys` wins. A key forgotten there is not brought back by a stale `api_key`.
    app::forgetKey(f.app, "http://127.0.0.1:8090");
    f.app.store->setSetting("api_key", R"({"key":"sk-stale","origin":"http://127.0.0.1:8090"})");
    app::loadEndpointSettings(f.app);
    EXPECT_EQ(f.app.settings.endpoint.api_key, "");
    EXPECT_TRUE(f.app.settings.keys.empty());
}

TEST(GenerationSettings, ExportsLeaveKeysOutUnlessAsked) {
    Fixture f;
    auto holds = [](const storage::Bytes& bytes, const std::string& text) {
        return std::search(bytes.begin(), bytes.end(), text.begin(), text.end()) != bytes.end();
    };
    std::optional<storage::Bytes> without = app::exportDatabase(f.app);
    ASSERT_TRUE(without);
    EXPECT_FALSE(holds(*without, "sk-secret-1"));
    EXPECT_TRUE(holds(*without, "kiln-test/ok"));  // the rest of the settings are there

    std::optional<storage::Bytes> with = app::exportDatabase(f.app, true);
    ASSERT_TRUE(with);
    EXPECT_TRUE(holds(*with, "sk-secret-1"));

    // The export without keys is a working library; importing it never takes its settings.
    App other;
    app::openInMemory(other);
    const std::string model = other.settings.endpoint.model;
    app::offerImport(other, "export.sqlite", *without);
    app::confirmImport(other, app::ImportChoice::Replace);
    EXPECT_EQ(other.error, "");
    EXPECT_EQ(other.settings.endpoint.model, model);
    EXPECT_NE(other.settings.endpoint.model, "kiln-test/ok");
    EXPECT_EQ(other.settings.endpoint.api_key, "");
    EXPECT_EQ(f.app.settings.endpoint.api_key, "sk-secret-1");  // the library itself keeps it
}

TEST(GenerationSettings, SendingWithoutAnEndpointSaysWhereToSetOneUp) {
    App app;
    app::openInMemory(app);
    FakeHttp http;
    app.http = &http;
    app::newProject(app);
    app.prompt = "a clock";
    app::sendPrompt(app);
    EXPECT_TRUE(http.requests.empty());
    EXPECT_TRUE(contains(app.error, "Settings"));
    EXPECT_EQ(app.prompt, "a clock");
}

// ---------------------------------------------------------------------------------------------
// Streaming to a version
// ---------------------------------------------------------------------------------------------

TEST(Generation, AFirstPromptStreamsCodeThenBecomesAVersionWithStats) {
    Fixture f;
    f.send("a list of things\n");  // as Cmd+Enter leaves it on Apple platforms
    ASSERT_EQ(f.http.requests.size(), 1u);
    EXPECT_EQ(f.http.last().request.url, "http://127.0.0.1:8090/v1/chat/completions");
    EXPECT_TRUE(contains(f.body(), "SYSTEM PROMPT"));
    EXPECT_TRUE(contains(f.body(), "a list of things"));
    EXPECT_EQ(f.app.generation.phase, GenerationPhase::Running);

    const std::vector<std::string> pieces = streamed(fenced(kApp));
    f.http.last().callbacks.response(200, {{"content-type", "text/event-stream"}});
    f.now += 150;
    for (size_t i = 0; i < 4; ++i) f.http.last().callbacks.data(pieces[i]);
    EXPECT_EQ(f.app.generation.code, "<!DOCTYPE html>\n<html>\n");  // extracted while it streams
    EXPECT_EQ(app::generationStatsLine(f.app.generation, f.now),
              "First token 150 ms · 0.1 s · 4 tokens out · — tokens/s")
        << "no rate before it can be measured";
    EXPECT_EQ(f.app.open->selected, 0);
    f.now += 850;
    for (size_t i = 4; i < pieces.size(); ++i) f.http.last().callbacks.data(pieces[i]);

    EXPECT_EQ(f.app.generation.phase, GenerationPhase::Finished);
    EXPECT_TRUE(f.http.last().aborted);  // [DONE] settles it; the body's end is not awaited
    EXPECT_EQ(f.app.open->selected, 1);
    EXPECT_EQ(f.app.open->code, kApp);
    EXPECT_EQ(f.app.prompt, "");
    const store::VersionSummary& version = f.app.open->versions.back();
    EXPECT_EQ(version.prompt, "a list of things");
    EXPECT_EQ(version.model, "served-model");
    EXPECT_EQ(version.endpoint_label, "Loopback");
    EXPECT_EQ(version.stats.ttft_ms, 150);
    EXPECT_EQ(version.stats.duration_ms, 1000);
    EXPECT_EQ(version.stats.prompt_tokens, 120);
    EXPECT_EQ(version.stats.completion_tokens, 42);  // the usage chunk's count
    EXPECT_EQ(version.stats.finish_reason, "stop");
    EXPECT_EQ(app::generationStatsLine(f.app.generation, f.now),
              "First token 150 ms · 1.0 s · 42 tokens out · 49 tokens/s · 120 tokens in");
}

TEST(Generation, AnAnswerAsOneJsonObjectIsAFullReply) {
    Fixture f;
    f.send("a list");
    const nlohmann::json reply = {
        {"object", "chat.completion"},
        {"model", "m"},
        {"choices",
         {{{"index", 0}, {"message", {{"role", "assistant"}, {"content", fenced(kApp)}}}, {"finish_reason", "stop"}}}}};
    f.http.answer(200, {reply.dump()});
    EXPECT_EQ(f.app.generation.phase, GenerationPhase::Finished);
    EXPECT_EQ(f.app.open->code, kApp);
}

TEST(Generation, AFirstPromptWithNoProjectOpenMakesOne) {
    Fixture f;
    app::closeProject(f.app);
    f.send("a dice roller");
    ASSERT_TRUE(f.app.open);
    EXPECT_EQ(f.app.open->project.name, "A dice roller");
    f.http.answer(200, streamed(fenced(kApp)));
    EXPECT_EQ(f.app.open->selected, 1);
}

TEST(Generation, AFirstPromptFromTheStartPageMovesWithItsProjectAndLeavesOnceItsVersionIsMade) {
    Fixture f;
    app::closeProject(f.app);
    app::syncPrompt(f.app);
    f.send("a dice roller");
    ASSERT_TRUE(f.app.open);
    EXPECT_EQ(f.app.prompt, "a dice roller") << "the box keeps it while it runs";
    const std::string key = app::promptKey(f.app.open->project.public_id);
    EXPECT_EQ(f.app.store->getSetting(key), "a dice roller") << "a tab closed now keeps it";
    EXPECT_EQ(f.app.store->getSetting(app::promptKey("")).value_or(""), "") << "not the start page's any more";
    f.http.answer(200, streamed(fenced(kApp)));
    EXPECT_EQ(f.app.prompt, "");
    EXPECT_EQ(f.app.store->getSetting(key), "");
}

TEST(Generation, APromptSentForAProjectNotShownLeavesItsKeptTextOnceItsVersionIsMade) {
    Fixture f;
    f.firstVersion();
    const std::string demo = f.app.open->project.public_id;
    f.send("make it blue");
    app::newProject(f.app, "Other");  // looked away while it runs
    f.app.prompt = "typed for Other";
    f.http.answer(200, streamed(fenced(kApp)));
    EXPECT_EQ(f.app.prompt, "typed for Other");
    EXPECT_EQ(f.app.store->getSetting(app::promptKey(demo)), "");
    app::openProject(f.app, demo);
    EXPECT_EQ(f.app.prompt, "");
    app::openProject(f.app, f.app.projects[1].project.public_id == demo ? f.app.projects[0].project.public_id
                                                                        : f.app.projects[1].project.public_id);
    EXPECT_EQ(f.app.prompt, "typed for Other");
}

TEST(Generation, AFirstPromptNamesAnUntitledProjectAfterIt) {
    Fixture f;
    app::newProject(f.app, "");
    ASSERT_EQ(f.app.open->project.name, "Untitled 2");
    f.send("a dice roller");
    EXPECT_EQ(f.app.open->project.name, "A dice roller");
    EXPECT_EQ(f.app.projects.front().project.name, "A dice roller") << "the sidebar shows it too";
    f.http.answer(200, streamed(fenced(kApp)));
    f.send("bigger dice");
    EXPECT_EQ(f.app.open->project.name, "A dice roller") << "only the first prompt names it";

    app::newProject(f.app, "");
    app::renameProject(f.app, f.app.open->project.id, "Untitled ideas");
    f.send("a clock");
    EXPECT_EQ(f.app.open->project.name, "Untitled ideas") << "a name the user gave is kept";
}

// Another tab saved a project the moment before this one sends its first prompt with no
// project open: the project made for the prompt is written under the lock, after taking in the
// other tab's commit, so both are kept and this tab goes on saving.
TEST(Generation, AProjectMadeForAPromptWaitsForTheOtherTabs) {
    test::FakeBackend backend;
    test::FakePeers peers(/*deferred=*/true);
    Fixture other;  // only its settings and fake endpoint are borrowed below
    struct Tab {
        Tab(test::FakeBackend& backend, test::FakePeers& peers) : link(peers) {
            app::openStorage(app, backend, link, "this browser");
        }
        test::FakePeers::Link link;
        App app;
    };
    Tab first(backend, peers);
    peers.deliverAll();
    Tab second(backend, peers);
    peers.deliverAll();
    second.app.http = &other.http;
    second.app.clock_ms = other.app.clock_ms;
    app::saveEndpointSettings(second.app, other.app.settings);
    peers.deliverAll();

    app::newProject(first.app, "From the first tab");
    while (first.app.projects.empty()) ASSERT_TRUE(peers.deliverOne());  // saved; the news not yet taken in
    second.app.prompt = "a dice roller";
    app::sendPrompt(second.app);
    peers.deliverAll();

    EXPECT_EQ(app::saveView(second.app).state, app::SaveView::State::Saved) << app::saveView(second.app).detail;
    ASSERT_EQ(second.app.projects.size(), 2u);
    ASSERT_TRUE(second.app.open);
    EXPECT_EQ(second.app.open->project.name, "A dice roller");
    ASSERT_EQ(other.http.requests.size(), 1u);
    other.http.answer(200, streamed(fenced(kApp)));
    peers.deliverAll();
    EXPECT_EQ(second.app.open->selected, 1);
    EXPECT_EQ(app::saveView(second.app).state, app::SaveView::State::Saved);
    peers.deliverAll();
    EXPECT_EQ(first.app.projects.size(), 2u) << "the first tab sees it";
}

// ---------------------------------------------------------------------------------------------
// Follow-ups by edits
// ---------------------------------------------------------------------------------------------

TEST(Generation, AFollowUpSendsTheCodeAndAppliesEditBlocks) {
    Fixture f;
    f.firstVersion();
    f.send("add a second line");
    EXPECT_TRUE(contains(f.body(), "<p>one</p>"));
    EXPECT_TRUE(contains(f.body(), "add a second line"));
    f.http.answer(200, streamed("<<<<<<< SEARCH\n<p>one</p>\n=======\n<p>one</p>\n<p>two</p>\n>>>>>>> REPLACE\n"));
    EXPECT_EQ(f.app.open->selected, 2);
    EXPECT_TRUE(contains(f.app.open->code, "<p>one</p>\n<p>two</p>\n"));
    EXPECT_EQ(f.app.open->versions.back().parent_id, f.app.open->versions.front().id);
}

TEST(Generation, AHandEditSentWithAFollowUpIsKeptUntilTheFollowUpMadeAVersion) {
    Fixture f;
    f.firstVersion();
    const std::string project = f.app.open->project.public_id;
    const std::string edit = "<!DOCTYPE html>\n<p>one, by hand</p>\n";
    f.app.open->code = edit;
    f.send("add a second line");
    EXPECT_TRUE(contains(f.body(), "one, by hand"));
    f.http.answer(500, {R"({"error":{"message":"Oops"}})"});
    ASSERT_EQ(f.app.generation.phase, GenerationPhase::Failed);
    EXPECT_EQ(f.app.open->code, edit) << "a failure keeps the edit";
    app::keepCodeEdit(f.app, true);
    EXPECT_EQ(f.app.store->getSetting(app::editKey(project, 1)), edit);

    f.now += 60'000;  // after the wait a 500 may ask for
    f.send("add a second line");
    f.http.answer(200, streamed(fenced("<!DOCTYPE html>\n<p>one, by hand</p>\n<p>two</p>\n")));
    ASSERT_EQ(f.app.open->selected, 2);
    EXPECT_EQ(f.app.store->getSetting(app::editKey(project, 1)), "") << "the edit is in version 2";
    app::selectVersion(f.app, 1);
    EXPECT_FALSE(app::codeEdited(f.app));
}

TEST(Generation, EditsThatDoNotMatchAskForTheWholeFileOnce) {
    Fixture f;
    f.firstVersion();
    f.send("add a second line");
    f.http.answer(200, streamed("<<<<<<< SEARCH\n<p>zero</p>\n=======\n<p>two</p>\n>>>>>>> REPLACE\n"));
    ASSERT_EQ(f.http.requests.size(), 3u);  // the retry went out at once
    EXPECT_EQ(f.app.generation.phase, GenerationPhase::Running);
    EXPECT_TRUE(f.app.generation.whole_file_retry);
    EXPECT_FALSE(f.app.generation.retry_reason.empty());
    EXPECT_TRUE(contains(f.body(), "whole updated file"));
    EXPECT_EQ(f.app.open->selected, 1);  // nothing half-applied

    const std::string edited = "<!DOCTYPE html>\n<html>\n<body>\n<p>one</p>\n<p>two</p>\n</body>\n</html>\n";
    f.http.answer(200, streamed(fenced(edited)));
    EXPECT_EQ(f.app.open->selected, 2);
    EXPECT_EQ(f.app.open->code, edited);
}

TEST(Generation, EditsThatFailTwiceChangeNothing) {
    Fixture f;
    f.firstVersion();
    f.send("add a second line");
    const std::string miss = "<<<<<<< SEARCH\n<p>zero</p>\n=======\n<p>two</p>\n>>>>>>> REPLACE\n";
    f.http.answer(200, streamed(miss));
    f.http.answer(200, streamed(miss));
    EXPECT_EQ(f.http.requests.size(), 3u);
    EXPECT_EQ(f.app.generation.phase, GenerationPhase::Failed);
    EXPECT_TRUE(contains(f.app.generation.message, "did not apply"));
    EXPECT_EQ(f.app.open->versions.size(), 1u);
    EXPECT_EQ(f.app.prompt, "add a second line");
}

// ---------------------------------------------------------------------------------------------
// Cut answers
// ---------------------------------------------------------------------------------------------

TEST(Generation, FinishReasonLengthOffersToContinue) {
    Fixture f;
    f.send("a list");
    const std::string answer = fenced(kApp);
    const size_t cut = answer.find("<p>");
    f.http.answer(200, streamed(answer.substr(0, cut), "length"));
    EXPECT_EQ(f.app.generation.phase, GenerationPhase::Truncated);
    ASSERT_TRUE(f.app.draft);
    EXPECT_TRUE(f.app.draft->can_continue);
    // What happened, then the one next step; the draft is mentioned once.
    EXPECT_EQ(f.app.generation.message,
              "The answer stopped at the model's output limit (a higher \"Max tokens\" in Settings avoids it). What "
              "arrived is kept: Continue asks for the rest.");
    EXPECT_EQ(f.app.open->versions.size(), 0u);

    app::continueDraft(f.app);
    ASSERT_EQ(f.http.requests.size(), 2u);
    const nlohmann::json sent = nlohmann::json::parse(f.body());
    const nlohmann::json& messages = sent["messages"];
    EXPECT_EQ(messages[messages.size() - 2]["role"], "assistant");
    EXPECT_EQ(messages[messages.size() - 2]["content"], answer.substr(0, cut));
    f.http.answer(200, streamed(answer.substr(cut)));
    EXPECT_EQ(f.app.generation.phase, GenerationPhase::Finished);
    EXPECT_EQ(f.app.open->code, kApp);
}

TEST(Generation, AStreamWithNoFinishIsTruncated) {
    Fixture f;
    f.send("a list");
    f.http.answer(200, streamed(fenced(kApp).substr(0, 40), ""));
    EXPECT_EQ(f.app.generation.phase, GenerationPhase::Truncated);
    ASSERT_TRUE(f.app.draft);
    EXPECT_TRUE(f.app.draft->can_continue);
    EXPECT_EQ(f.app.generation.message,
              "The answer ended without a finish reason: the connection was probably cut. What arrived is kept: "
              "Continue asks for the rest.");
    EXPECT_EQ(f.app.open->versions.size(), 0u);
}

TEST(Generation, AKeptDraftRecordsWhyTheAnswerStopped) {
    Fixture f;
    f.send("a list");
    f.http.answer(200, streamed(fenced(kApp).substr(0, 60), "length"));
    app::keepDraft(f.app);
    f.send("a list again");
    f.http.answer(200, streamed(fenced(kApp).substr(0, 60), ""));
    app::keepDraft(f.app);
    f.send("a list once more");
    app::stopGeneration(f.app);
    EXPECT_EQ(f.app.generation.message, "You stopped the generation.");  // nothing arrived: no draft
    EXPECT_FALSE(f.app.draft);
    ASSERT_EQ(f.app.open->versions.size(), 2u);
    EXPECT_EQ(f.app.open->versions[0].stats.finish_reason, "length");
    EXPECT_EQ(f.app.open->versions[1].stats.finish_reason, "cut");
    EXPECT_EQ(f.app.open->versions[1].prompt, "Draft: a list again");
}

// ---------------------------------------------------------------------------------------------
// Failures
// ---------------------------------------------------------------------------------------------

TEST(GenerationFailures, AnHttpRefusalSaysWhyAndHonoursRetryAfter) {
    Fixture f;
    f.firstVersion();
    f.send("make it blue");
    const std::string body = R"({"error":{"message":"Rate limit reached","type":"rate_limit"}})";
    f.http.answer(429, {body}, {{"retry-after", "7"}});
    EXPECT_EQ(f.app.generation.phase, GenerationPhase::Failed);
    EXPECT_EQ(f.app.generation.message, codegen::httpErrorMessage(429, body, 7));
    EXPECT_EQ(app::generationStatsLine(f.app.generation, f.now), "");  // no token came
    EXPECT_FALSE(f.app.draft);
    EXPECT_EQ(f.app.prompt, "make it blue");
    EXPECT_EQ(f.app.open->versions.size(), 1u);

    f.now += 3000;
    app::sendPrompt(f.app);
    EXPECT_EQ(f.http.requests.size(), 2u);  // still waiting
    EXPECT_TRUE(contains(f.app.error, "4 s"));
    f.now += 4000;
    app::sendPrompt(f.app);
    EXPECT_EQ(f.http.requests.size(), 3u);
}

// The countdown on Send: whole seconds left, rounded up, and when the number next goes down.
TEST(GenerationFailures, TheRetryAfterWaitCountsDownSecondBySecond) {
    Fixture f;
    EXPECT_EQ(app::retryWait(f.app, f.now).seconds, 0);
    f.send("a list");
    f.http.answer(429, {R"({"error":{"message":"Slow down"}})"}, {{"retry-after", "12"}});
    const int64_t refused = f.now;
    auto waitAt = [&](int64_t after_ms) {
        const app::RetryWait wait = app::retryWait(f.app, refused + after_ms);
        return std::make_pair(wait.seconds, wait.next_change_ms);
    };
    EXPECT_EQ(waitAt(0), std::make_pair(int64_t{12}, int64_t{1000}));
    EXPECT_EQ(waitAt(1), std::make_pair(int64_t{12}, int64_t{999}));
    EXPECT_EQ(waitAt(1000), std::make_pair(int64_t{11}, int64_t{1000}));
    EXPECT_EQ(waitAt(11500), std::make_pair(int64_t{1}, int64_t{500}));
    EXPECT_EQ(waitAt(11999), std::make_pair(int64_t{1}, int64_t{1}));
    EXPECT_EQ(waitAt(12000), std::make_pair(int64_t{0}, int64_t{0}));
    EXPECT_EQ(waitAt(60000), std::make_pair(int64_t{0}, int64_t{0}));

    // The refusal says what the countdown shows; the send goes once it reached 0.
    f.now = refused + 11500;
    app::sendPrompt(f.app);
    EXPECT_EQ(f.http.requests.size(), 1u);
    EXPECT_TRUE(contains(f.app.error, "send again in 1 s."));
    f.now = refused + 12000;
    app::sendPrompt(f.app);
    EXPECT_EQ(f.http.requests.size(), 2u);
}

TEST(GenerationFailures, OnlyA429Or503MakesSendWait) {
    Fixture f;
    f.send("a list");
    f.http.answer(500, {R"({"error":{"message":"Oops"}})"}, {{"retry-after", "30"}});
    EXPECT_EQ(app::retryWait(f.app, f.now).seconds, 0);
    app::sendPrompt(f.app);
    f.http.answer(503, {R"({"error":{"message":"Busy"}})"}, {{"retry-after", "3"}});
    EXPECT_EQ(app::retryWait(f.app, f.now).seconds, 3);
}

TEST(GenerationFailures, AnHtmlErrorPageIsDescribed) {
    Fixture f;
    f.send("a list");
    const std::string page = "<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>";
    f.http.answer(502, {page.substr(0, 20), page.substr(20)});
    EXPECT_EQ(f.app.generation.message, codegen::httpErrorMessage(502, page));
    EXPECT_TRUE(contains(f.app.generation.message, "502 Bad Gateway"));
}

TEST(GenerationFailures, AnErrorInsideTheStreamKeepsTheDraft) {
    Fixture f;
    f.firstVersion();
    f.send("rewrite it");
    std::vector<std::string> pieces = streamed(fenced(kApp).substr(0, 50), "");
    pieces.push_back("data: {\"error\":{\"message\":\"The server had an error\"}}\n\n");
    f.http.answer(200, pieces, {}, false);
    EXPECT_EQ(f.app.generation.phase, GenerationPhase::Failed);
    EXPECT_TRUE(contains(f.app.generation.message, "The server had an error"));
    ASSERT_TRUE(f.app.draft);
    EXPECT_EQ(f.app.draft->code, f.app.generation.code);
    EXPECT_EQ(f.app.open->code, kApp);  // the shown version is untouched
    EXPECT_EQ(f.app.prompt, "rewrite it");

    app::keepDraft(f.app);
    EXPECT_FALSE(f.app.draft);
    EXPECT_EQ(f.app.open->selected, 2);
    EXPECT_EQ(f.app.open->versions.back().prompt, "Draft: rewrite it");
}

TEST(GenerationFailures, ADiscardedDraftLeavesNoTrace) {
    Fixture f;
    f.send("a list");
    f.http.answer(200, streamed(fenced(kApp).substr(0, 50), ""), {}, false);
    f.http.last().callbacks.failed(app::HttpFailure::Dropped, "network error");
    EXPECT_EQ(f.app.generation.phase, GenerationPhase::Failed);
    EXPECT_TRUE(contains(f.app.generation.message, "broke while the answer was arriving"));
    ASSERT_TRUE(f.app.draft);
    app::discardDraft(f.app);
    EXPECT_FALSE(f.app.draft);
    EXPECT_EQ(f.app.generation.phase, GenerationPhase::Idle);
    EXPECT_EQ(f.app.open->versions.size(), 0u);
}

TEST(GenerationFailures, AnUnreachableEndpointExplainsCors) {
    Fixture f;
    f.send("a list");
    f.http.last().callbacks.failed(app::HttpFailure::Unreachable, "TypeError: Failed to fetch");
    EXPECT_EQ(f.app.generation.phase, GenerationPhase::Failed);
    EXPECT_EQ(f.app.generation.message,
              codegen::connectionErrorMessage(codegen::ConnectionFailure::Unreachable, f.app.generation.endpoint,
                                              "https://kiln.example"));
    EXPECT_TRUE(contains(f.app.generation.message, "CORS"));
    EXPECT_EQ(f.app.prompt, "a list");
}

TEST(GenerationFailures, AStalledStreamIsGivenUpAfterTheTimeout) {
    Fixture f;
    f.send("a list");
    f.http.answer(200, streamed(fenced(kApp).substr(0, 50), ""), {}, false);
    f.now += 9000;
    app::checkGenerationStall(f.app);
    EXPECT_EQ(f.app.generation.phase, GenerationPhase::Running);
    f.now += 1000;
    app::checkGenerationStall(f.app);
    EXPECT_TRUE(f.http.last().aborted);
    EXPECT_EQ(f.app.generation.phase, GenerationPhase::Failed);
    EXPECT_TRUE(contains(f.app.generation.message, "sent nothing for 10 seconds"));
    EXPECT_TRUE(f.app.draft);
}

TEST(GenerationFailures, StopAbortsAndKeepsWhatArrived) {
    Fixture f;
    f.send("a list");
    f.http.answer(200, streamed(fenced(kApp).substr(0, 50), ""), {}, false);
    app::stopGeneration(f.app);
    EXPECT_TRUE(f.http.last().aborted);
    EXPECT_EQ(f.app.generation.phase, GenerationPhase::Stopped);
    ASSERT_TRUE(f.app.draft);
    EXPECT_EQ(f.app.draft->code, "<!DOCTYPE html>\n<html>\n<body>\n");
    EXPECT_EQ(f.app.prompt, "a list");
    // Late events of the aborted request change nothing.
    f.http.last().callbacks.data(chunk("more"));
    f.http.last().callbacks.end();
    EXPECT_EQ(f.app.generation.phase, GenerationPhase::Stopped);
}

// An endpoint that never stops: the answer is cut at the text cap, the request aborted, the
// draft kept (no larger than the cap), and memory stays bounded however long it goes on.
TEST(GenerationFailures, AnEndlessAnswerIsCutAtTheTextCap) {
    Fixture f;
    f.send("a list");
    f.http.last().callbacks.response(200, {});
    f.http.last().callbacks.data(chunk("```html\n"));
    const std::string line(1000, 'x');
    size_t sent = 0;
    while (!f.http.last().aborted && sent < 4 * app::kMaxAnswerTextBytes) {
        f.http.last().callbacks.data(chunk(line + "\n"));
        sent += line.size() + 1;
    }
    EXPECT_TRUE(f.http.last().aborted);
    EXPECT_LE(sent, app::kMaxAnswerTextBytes + 2 * line.size());
    EXPECT_EQ(f.app.generation.phase, GenerationPhase::Failed);
    EXPECT_TRUE(contains(f.app.generation.message, "kept sending")) << f.app.generation.message;
    EXPECT_TRUE(contains(f.app.generation.message, "1 MB of text")) << f.app.generation.message;
    ASSERT_TRUE(f.app.draft);
    EXPECT_GT(f.app.draft->code.size(), app::kMaxAnswerTextBytes / 2);
    EXPECT_LE(f.app.draft->code.size(), app::kMaxAnswerTextBytes + line.size());
    EXPECT_FALSE(f.app.draft->can_continue);
    EXPECT_TRUE(f.app.open->versions.empty());
}

// One huge chunk (a browser may hand over megabytes at once) is read only up to the cap.
TEST(GenerationFailures, OneHugeChunkIsReadOnlyUpToTheCap) {
    Fixture f;
    f.send("a list");
    f.http.last().callbacks.response(200, {});
    std::string huge = chunk("```html\n");
    const std::string line = chunk(std::string(1000, 'x') + "\n");
    while (huge.size() < 4 * app::kMaxAnswerTextBytes) huge += line;
    f.http.last().callbacks.data(huge);
    EXPECT_TRUE(f.http.last().aborted);
    EXPECT_EQ(f.app.generation.phase, GenerationPhase::Failed);
    ASSERT_TRUE(f.app.draft);
    EXPECT_LE(f.app.draft->code.size(), app::kMaxAnswerTextBytes + 16 * 1024);
    EXPECT_LE(f.app.generation.decoder.result().text.size(), app::kMaxAnswerTextBytes + 16 * 1024);
    EXPECT_TRUE(f.app.open->versions.empty());
    // Late bytes change nothing.
    f.http.last().callbacks.data(chunk(line));
    EXPECT_EQ(f.app.generation.phase, GenerationPhase::Failed);
}

// Bytes that are not text (comments, empty deltas) count too: cut at the body cap.
TEST(GenerationFailures, AnEndlessBodyWithoutTextIsCutAtTheBodyCap) {
    Fixture f;
    f.send("a list");
    f.http.last().callbacks.response(200, {});
    const std::string comment = ": " + std::string(64 * 1024, ' ') + "\n\n";
    size_t sent = 0;
    while (!f.http.last().aborted && sent < 2 * app::kMaxAnswerBodyBytes) {
        f.http.last().callbacks.data(comment);
        sent += comment.size();
    }
    EXPECT_TRUE(f.http.last().aborted);
    EXPECT_LE(sent, app::kMaxAnswerBodyBytes + comment.size());
    EXPECT_EQ(f.app.generation.phase, GenerationPhase::Failed);
    EXPECT_TRUE(contains(f.app.generation.message, "16 MB of data")) << f.app.generation.message;

    // A refusal whose body never ends is explained once the cap is reached.
    f.send("a list");
    f.http.last().callbacks.response(500, {});
    sent = 0;
    while (!f.http.last().aborted && sent < 2 * app::kMaxAnswerBodyBytes) {
        f.http.last().callbacks.data(comment);
        sent += comment.size();
    }
    EXPECT_TRUE(f.http.last().aborted);
    EXPECT_EQ(f.app.generation.phase, GenerationPhase::Failed);
    EXPECT_TRUE(contains(f.app.generation.message, "HTTP 500")) << f.app.generation.message;
}

// The platform refused to send a request with a key to another origin: said as it said it.
TEST(GenerationFailures, ARefusedRequestSaysWhy) {
    Fixture f;
    f.send("a list");
    f.http.last().callbacks.failed(app::HttpFailure::Refused, "Kiln did not send the request: the key is kept for A.");
    EXPECT_EQ(f.app.generation.phase, GenerationPhase::Failed);
    EXPECT_EQ(f.app.generation.message, "Kiln did not send the request: the key is kept for A.");
}

// ---------------------------------------------------------------------------------------------
// Test connection
// ---------------------------------------------------------------------------------------------

TEST(GenerationConnection, ListsModelsAndChecksTheChosenOne) {
    Fixture f;
    app::EndpointSettings edited = f.app.settings;
    app::testConnection(f.app, edited);
    EXPECT_EQ(f.http.last().request.url, "http://127.0.0.1:8090/v1/models");
    EXPECT_EQ(f.app.connection_test.outcome, Outcome::Running);
    f.http.answer(200, {R"({"data":[{"id":"kiln-test/ok"},{"id":"kiln-test/edit"}]})"});
    EXPECT_EQ(f.app.connection_test.outcome, Outcome::Passed);
    EXPECT_EQ(f.app.models, (std::vector<std::string>{"kiln-test/edit", "kiln-test/ok"}));

    edited.endpoint.model = "nope";
    app::testConnection(f.app, edited);
    f.http.answer(200, {R"({"data":[{"id":"kiln-test/ok"}]})"});
    EXPECT_EQ(f.app.connection_test.outcome, Outcome::Failed);
    EXPECT_TRUE(contains(f.app.connection_test.message, "no model \"nope\""));
}

// An endpoint whose /models answer never ends: past the cap the request is aborted and the test
// settles, saying why, instead of running (and growing) for ever.
TEST(GenerationConnection, AModelsListPastItsCapIsAbortedAndSettled) {
    Fixture f;
    app::testConnection(f.app, f.app.settings);
    f.http.last().callbacks.response(200, {});
    const std::string piece = R"({"id":"kiln-test/many"},)";
    size_t sent = 0;
    while (!f.http.last().aborted && sent < 4 * 1024 * 1024) {
        f.http.last().callbacks.data(piece);
        sent += piece.size();
    }
    EXPECT_TRUE(f.http.last().aborted);
    EXPECT_LT(sent, 512u * 1024);
    EXPECT_EQ(f.app.connection_test.outcome, Outcome::Passed) << "connected, with a list too long to read";
    EXPECT_TRUE(contains(f.app.connection_test.message, "larger than Kiln reads"));
    EXPECT_TRUE(contains(f.app.connection_test.message, "kiln-test/ok"));

    // An error answer past the cap: aborted too, with the error's message.
    app::testConnection(f.app, f.app.settings);
    f.http.last().callbacks.response(500, {});
    f.http.last().callbacks.data(std::string(300 * 1024, 'x'));
    EXPECT_TRUE(f.http.last().aborted);
    EXPECT_EQ(f.app.connection_test.outcome, Outcome::Failed);
}

TEST(GenerationConnection, ExplainsABadKeyAndAnUnreachableHost) {
    Fixture f;
    app::testConnection(f.app, f.app.settings);
    const std::string body = R"({"error":{"message":"Incorrect API key provided"}})";
    f.http.answer(401, {body});
    EXPECT_EQ(f.app.connection_test.outcome, Outcome::Failed);
    EXPECT_EQ(f.app.connection_test.message, codegen::httpErrorMessage(401, body));

    app::testConnection(f.app, f.app.settings);
    f.http.last().callbacks.failed(app::HttpFailure::Unreachable, "");
    EXPECT_EQ(f.app.connection_test.outcome, Outcome::Failed);
    EXPECT_TRUE(contains(f.app.connection_test.message, "could not reach"));
}

// ---------------------------------------------------------------------------------------------
// Fix errors
// ---------------------------------------------------------------------------------------------

TEST(Fix, SendsTheConsolesErrorsOnceEachKeepsThePromptBoxAndSaysWhichAreGone) {
    Fixture f;
    f.firstVersion();
    app::syncPreview(f.app);
    f.app.prompt = "make it blue";  // typed, not sent
    app::fixErrors(f.app);
    EXPECT_TRUE(f.http.requests.size() == 1) << "no errors: nothing to fix";
    app::receiveConsole(f.app, R"({"entries": [
        {"level": "error", "text": "ReferenceError: total is not defined", "line": 4, "column": 2},
        {"level": "log", "text": "clicked"},
        {"level": "error", "text": "ReferenceError: total is not defined", "line": 4, "column": 2},
        {"level": "error", "text": "Could not load img http://x/a.png"}]})");
    app::fixErrors(f.app);
    ASSERT_EQ(f.http.requests.size(), 2u);
    const std::string body = f.body();
    EXPECT_TRUE(contains(body, "ReferenceError: total is not defined (line 4)")) << body;
    EXPECT_TRUE(contains(body, "Could not load img http://x/a.png")) << body;
    EXPECT_EQ(body.find("total is not defined"), body.rfind("total is not defined")) << "once each";
    EXPECT_TRUE(contains(body, "<p>one</p>")) << "a follow-up carries the code";
    EXPECT_EQ(f.app.prompt, "make it blue");
    ASSERT_TRUE(f.app.fix);
    EXPECT_EQ(f.app.fix->errors.size(), 2u);

    f.http.answer(200, streamed(fenced("<!DOCTYPE html>\n<p>fixed</p>\n")));
    ASSERT_EQ(f.app.open->selected, 2);
    EXPECT_TRUE(contains(f.app.open->versions.back().prompt, "Fix the errors the app reported"))
        << "the version records what it was asked to fix";
    EXPECT_EQ(f.app.prompt, "make it blue");
    app::syncPreview(f.app);  // version 2's run: an empty console
    std::optional<app::FixReport> report = app::fixReport(f.app);
    ASSERT_TRUE(report);
    EXPECT_FALSE(report->loaded);
    EXPECT_EQ(app::fixReportMessage(*report), "Checking whether the errors asked about are gone…");
    app::receiveConsole(f.app, R"({"entries": [{"level": "error", "text": "Could not load img http://x/a.png"}],
                                   "blank": false})");
    report = app::fixReport(f.app);
    ASSERT_TRUE(report);
    EXPECT_EQ(report->asked, 2u);
    EXPECT_EQ(report->still, std::vector<std::string>{"Could not load img http://x/a.png"});
    EXPECT_EQ(app::fixReportMessage(*report),
              "1 of 2 errors asked about is still reported: Could not load img http://x/a.png.");

    app::selectVersion(f.app, 1);
    EXPECT_FALSE(app::fixReport(f.app)) << "the report belongs to the version the fix made";
}

TEST(Fix, AtMostTenErrorsEachCutAreSent) {
    Fixture f;
    f.firstVersion();
    app::syncPreview(f.app);
    nlohmann::json batch = {{"entries", nlohmann::json::array()}};
    for (int i = 0; i < 30; ++i) {
        batch["entries"].push_back(
            {{"level", "error"}, {"text", "error " + std::to_string(i) + std::string(500, 'x')}});
    }
    app::receiveConsole(f.app, batch.dump());
    app::fixErrors(f.app);
    ASSERT_TRUE(f.app.fix);
    EXPECT_EQ(f.app.fix->errors.size(), app::kFixMaxErrors);
    EXPECT_EQ(f.app.fix->errors[0].size(), app::kFixMaxErrorBytes);
    EXPECT_FALSE(contains(f.body(), "error 10x"));
}

TEST(Fix, NoReportBeforeThePreviewRunsTheVersionItMade) {
    Fixture f;
    f.firstVersion();
    app::syncPreview(f.app);
    app::receiveConsole(f.app, R"({"entries": [{"level": "error", "text": "boom"}], "blank": false})");
    app::fixErrors(f.app);
    f.http.answer(200, streamed(fenced("<!DOCTYPE html>\n<p>fixed</p>\n")));
    ASSERT_EQ(f.app.open->selected, 2);
    EXPECT_FALSE(app::fixReport(f.app)) << "the console still holds version 1's run";
    app::syncPreview(f.app);
    ASSERT_TRUE(app::fixReport(f.app));
    EXPECT_FALSE(app::fixReport(f.app)->loaded);
}

namespace {

// A batch of the preview with these errors, sent as the run has loaded.
std::string loadedWithErrors(const std::vector<std::string>& errors) {
    nlohmann::json batch = {{"entries", nlohmann::json::array()}, {"blank", false}};
    for (const std::string& text : errors) batch["entries"].push_back({{"level", "error"}, {"text", text}});
    return batch.dump();
}

}  // namespace

TEST(Fix, AutoFixIsOffUntilChosenAndThenKeptInTheSettings) {
    Fixture f;
    f.firstVersion();
    app::syncPreview(f.app);
    app::receiveConsole(f.app, loadedWithErrors({"a", "b"}));
    app::fixErrors(f.app);
    f.http.answer(200, streamed(fenced("<!DOCTYPE html>\n<p>fixed</p>\n")));
    app::syncPreview(f.app);
    app::receiveConsole(f.app, loadedWithErrors({"a"}));
    EXPECT_EQ(f.http.requests.size(), 2u) << "one Fix, no more: auto-fix is off";

    app::setAutoFix(f.app, true);
    EXPECT_EQ(f.app.store->getSetting("auto_fix"), "on");
}

TEST(Fix, AutoFixGoesOnWhileErrorsGoDownAndStopsWhenTheyDoNot) {
    Fixture f;
    f.firstVersion();
    app::setAutoFix(f.app, true);
    app::syncPreview(f.app);
    app::receiveConsole(f.app, loadedWithErrors({"a", "b", "c"}));
    app::fixErrors(f.app);
    f.http.answer(200, streamed(fenced("<!DOCTYPE html>\n<p>two</p>\n")));
    app::syncPreview(f.app);
    app::receiveConsole(f.app, loadedWithErrors({"a", "d"}));  // 3 -> 2: round 2
    ASSERT_EQ(f.http.requests.size(), 3u);
    EXPECT_TRUE(contains(f.body(), "- a\\n- d")) << f.body();  // a line each, in the JSON
    EXPECT_EQ(f.app.auto_fix_note, "Auto-fix: round 2 of 3…");
    f.http.answer(200, streamed(fenced("<!DOCTYPE html>\n<p>three</p>\n")));
    app::syncPreview(f.app);
    app::receiveConsole(f.app, loadedWithErrors({"e", "f"}));  // 2 -> 2: it stops
    EXPECT_EQ(f.http.requests.size(), 3u);
    EXPECT_EQ(f.app.auto_fix_note, "Auto-fix stopped: the errors did not go down (2, then 2).");
}

TEST(Fix, AutoFixStopsAfterItsRoundsOrOnceNoErrorIsLeft) {
    for (const bool clean : {false, true}) {
        Fixture f;
        f.firstVersion();
        app::setAutoFix(f.app, true);
        app::syncPreview(f.app);
        std::vector<std::string> errors = {"1", "2", "3", "4", "5"};
        app::receiveConsole(f.app, loadedWithErrors(errors));
        app::fixErrors(f.app);
        for (int round = 1; round <= app::kAutoFixRounds; ++round) {
            f.http.answer(200, streamed(fenced("<!DOCTYPE html>\n<p>" + std::to_string(round) + "</p>\n")));
            app::syncPreview(f.app);
            errors.pop_back();
            app::receiveConsole(f.app, loadedWithErrors(clean && round == 2 ? std::vector<std::string>{} : errors));
            if (clean && round == 2) break;
        }
        if (clean) {
            EXPECT_EQ(f.http.requests.size(), 3u) << "no errors left after round 2";
            EXPECT_EQ(f.app.auto_fix_note, "");
        } else {
            EXPECT_EQ(f.http.requests.size(), 1u + app::kAutoFixRounds);
            EXPECT_EQ(f.app.auto_fix_note, "Auto-fix stopped after 3 rounds: 2 errors are still reported.");
        }
    }
}
