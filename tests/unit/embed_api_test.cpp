// The messages between Kiln and the page that embeds it: what goes out, and what comes in does
// (the same actions as the panels) or, when malformed, does not.
#include <gtest/gtest.h>

#include "core/app/app.h"
#include "core/app/embed_api.h"
#include "core/codegen/request.h"

using namespace kiln;
using app::App;
using nlohmann::json;

namespace {

// Counts the requests sent, and never answers them.
struct SilentHttp : app::HttpClient {
    uint64_t sent = 0;
    uint64_t send(const codegen::HttpRequest&, app::HttpCallbacks) override { return ++sent; }
    void abort(uint64_t) override {}
};

struct Fixture {
    App app;
    std::vector<json> saved;  // the 'version' messages, as the platform would post them

    Fixture() {
        app::openInMemory(app);
        app.version_saved = [this](const store::Project& project, const store::Version& version) {
            saved.push_back(json::parse(app::embedVersionMessage(project, version)));
        };
    }

    bool handle(const json& message) { return app::handleEmbedMessage(app, message.dump()); }

    void setEndpoint(SilentHttp& http) {
        app.http = &http;
        app.clock_ms = [] { return int64_t{1000}; };
        app::EndpointSettings settings;
        settings.endpoint = codegen::endpointFromPreset(codegen::PresetKind::Custom);
        settings.endpoint.base_url = "http://127.0.0.1:8090/v1";
        settings.endpoint.model = "kiln-test/ok";
        settings.endpoint.api_key = "sk-secret-1";
        app::saveEndpointSettings(app, settings);
    }
};

}  // namespace

TEST(EmbedApi, ReadyNamesTheApiVersion) {
    EXPECT_EQ(json::parse(app::embedReadyMessage()), (json{{"kiln", "ready"}, {"version", 1}}));
}

TEST(EmbedApi, NewProjectWithCodeSavesVersionOneAndSaysSo) {
    Fixture f;
    SilentHttp http;
    f.setEndpoint(http);
    EXPECT_TRUE(f.handle({{"kiln", "new-project"}, {"name", "Clock"}, {"code", "<p>tick</p>"}}));
    ASSERT_TRUE(f.app.open);
    EXPECT_EQ(f.app.open->project.name, "Clock");
    EXPECT_EQ(f.app.open->selected, 1);
    EXPECT_EQ(f.app.open->code, "<p>tick</p>");
    ASSERT_EQ(f.saved.size(), 1u);
    EXPECT_EQ(f.saved[0], (json{{"kiln", "version"},
                                {"project", f.app.open->project.public_id},
                                {"name", "Clock"},
                                {"number", 1},
                                {"prompt", "Started with the code it was given"},
                                {"code", "<p>tick</p>"}}));
    EXPECT_EQ(f.saved[0].dump().find("sk-secret-1"), std::string::npos);
}

TEST(EmbedApi, NewProjectWithoutCodeIsEmptyAndNamedAsTheButtonNamesIt) {
    Fixture f;
    EXPECT_TRUE(f.handle({{"kiln", "new-project"}}));
    ASSERT_TRUE(f.app.open);
    EXPECT_EQ(f.app.open->project.name, "Untitled 1");
    EXPECT_EQ(f.app.open->selected, 0);
    EXPECT_TRUE(f.saved.empty());
}

TEST(EmbedApi, EveryVersionSavedIsReported) {
    Fixture f;
    f.handle({{"kiln", "new-project"}, {"code", "<p>one</p>"}});
    f.app.open->code = "<p>two</p>";
    app::saveCodeEdit(f.app);
    app::restoreVersion(f.app, 1);
    app::forkVersion(f.app, 2);
    ASSERT_EQ(f.saved.size(), 4u);
    EXPECT_EQ(f.saved[1]["prompt"], "Edited by hand");
    EXPECT_EQ(f.saved[1]["code"], "<p>two</p>");
    EXPECT_EQ(f.saved[2]["prompt"], "Restored version 1");
    EXPECT_EQ(f.saved[2]["number"], 3);
    EXPECT_EQ(f.saved[3]["name"], "Untitled 1 (fork)");
    EXPECT_NE(f.saved[3]["project"], f.saved[0]["project"]);
}

TEST(EmbedApi, CodeThatIsNotUtf8IsSentWithReplacementCharacters) {
    Fixture f;
    f.handle({{"kiln", "new-project"}, {"code", "<p>ok</p>"}});
    f.app.open->code = "<p>\xff</p>";
    app::saveCodeEdit(f.app);
    ASSERT_EQ(f.saved.size(), 2u);
    EXPECT_EQ(f.saved[1]["code"], "<p>\xEF\xBF\xBD</p>");
}

TEST(EmbedApi, PromptFillsTheBoxAndSendsOnlyWhenAsked) {
    Fixture f;
    EXPECT_TRUE(f.handle({{"kiln", "prompt"}, {"text", "a snake game"}}));
    EXPECT_EQ(f.app.prompt, "a snake game");
    EXPECT_TRUE(f.app.error.empty());

    // Without an endpoint, the message the Send button gives; the text stays in the box.
    EXPECT_TRUE(f.handle({{"kiln", "prompt"}, {"text", "a chess clock"}, {"send", true}}));
    EXPECT_EQ(f.app.prompt, "a chess clock");
    EXPECT_NE(f.app.error.find("needs a model endpoint"), std::string::npos) << f.app.error;

    SilentHttp http;
    f.setEndpoint(http);
    EXPECT_TRUE(f.handle({{"kiln", "prompt"}, {"text", "a chess clock"}, {"send", false}}));
    EXPECT_EQ(http.sent, 0u);
    EXPECT_TRUE(f.handle({{"kiln", "prompt"}, {"text", "a chess clock"}, {"send", true}}));
    EXPECT_EQ(http.sent, 1u);
    EXPECT_EQ(f.app.generation.phase, app::GenerationPhase::Running);
}

TEST(EmbedApi, OpenIsALinkToAProjectOrVersion) {
    Fixture f;
    f.handle({{"kiln", "new-project"}, {"name", "First"}, {"code", "<p>one</p>"}});
    f.app.open->code = "<p>two</p>";
    app::saveCodeEdit(f.app);
    const std::string first = f.app.open->project.public_id;
    f.handle({{"kiln", "new-project"}, {"name", "Second"}});

    EXPECT_TRUE(f.handle({{"kiln", "open"}, {"project", first}, {"version", 1}}));
    EXPECT_EQ(app::formatRoute(app::currentRoute(f.app)), "#/p/" + first + "/v/1");
    EXPECT_EQ(f.app.open->code, "<p>one</p>");
    EXPECT_TRUE(f.handle({{"kiln", "open"}, {"project", first}}));  // the latest
    EXPECT_EQ(f.app.open->selected, 2);

    EXPECT_TRUE(f.handle({{"kiln", "open"}, {"project", "abcdef0123"}}));
    EXPECT_NE(f.app.error.find("not in this library"), std::string::npos) << f.app.error;
    EXPECT_EQ(f.app.open->project.public_id, first);
}

TEST(EmbedApi, MalformedMessagesChangeNothing) {
    Fixture f;
    f.handle({{"kiln", "new-project"}, {"name", "Kept"}, {"code", "<p>kept</p>"}});
    const std::string before = app::stateSnapshot(f.app).dump();
    for (const char* text : {
             "",
             "{",
             "null",
             "[]",
             "\"prompt\"",
             "{}",
             R"({"kiln":1})",
             R"({"kiln":"ready","version":1})",
             R"({"kiln":"version","code":"x"})",
             R"({"kiln":"Prompt","text":"x"})",
             R"({"kiln":"prompt"})",
             R"({"kiln":"prompt","text":5})",
             R"({"kiln":"prompt","text":"x","send":"yes"})",
             R"({"kiln":"prompt","text":"x","send":1})",
             R"({"kiln":"open"})",
             R"({"kiln":"open","project":7})",
             R"({"kiln":"open","project":""})",
             R"({"kiln":"open","project":"zz"})",
             R"({"kiln":"open","project":"ab/v/1"})",
             R"({"kiln":"open","project":"ab","version":-1})",
             R"({"kiln":"open","project":"ab","version":1.5})",
             R"({"kiln":"open","project":"ab","version":"1"})",
             R"({"kiln":"open","project":"ab","version":99999999999})",
             R"({"kiln":"new-project","name":3})",
             R"({"kiln":"new-project","code":{}})",
             R"({"kiln":"new-project","name":null})",
             R"({"kiln":"prompt","text":"\ud800"})",
         }) {
        EXPECT_FALSE(app::handleEmbedMessage(f.app, text)) << text;
    }
    EXPECT_EQ(app::stateSnapshot(f.app).dump(), before);
    EXPECT_EQ(f.saved.size(), 1u);
}

TEST(EmbedApi, NothingIsDoneBeforeTheLibraryIsOpen) {
    App app;
    EXPECT_FALSE(app::handleEmbedMessage(app, R"({"kiln":"new-project"})"));
    EXPECT_FALSE(app::handleEmbedMessage(app, R"({"kiln":"prompt","text":"x"})"));
    EXPECT_TRUE(app.prompt.empty());
}
