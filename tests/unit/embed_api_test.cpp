// The messages between Kiln and the page that embeds it: what goes out, and what comes in does
// (the same actions as the panels) or, when malformed, does not.
#include <gtest/gtest.h>

#include "app/app.h"
#include "app/embed_api.h"
#include "core/codegen/request.h"
#include "fake_origin.h"

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

constexpr char kEmbedder[] = "https://embedder.example";

struct Fixture {
    App app;
    std::vector<json> saved;    // the 'version' messages, as the platform would post them
    std::vector<json> answers;  // the other messages posted to the embedding page
    int64_t now = 1000;

    Fixture() {
        app::openInMemory(app);
        app.origin_of = test::fakeOriginOf;
        app.clock_ms = [this] { return now; };
        app.embed.origin = kEmbedder;
        app.embed.post = [this](const std::string& message) { answers.push_back(json::parse(message)); };
        app.version_saved = [this](const store::Project& project, const store::Version& version) {
            saved.push_back(json::parse(app::embedVersionMessage(project, version)));
        };
    }

    bool handle(const json& message) { return app::handleEmbedMessage(app, message.dump()); }

    void setEndpoint(SilentHttp& http) {
        app.http = &http;
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
    EXPECT_FALSE(f.app.embed.pending);

    SilentHttp http;
    f.setEndpoint(http);
    EXPECT_TRUE(f.handle({{"kiln", "prompt"}, {"text", "a chess clock"}, {"send", false}}));
    EXPECT_EQ(http.sent, 0u);
    EXPECT_TRUE(f.answers.empty());
}

// ---- Consent ---------------------------------------------------------------------------------

TEST(EmbedConsent, ASendWithoutConsentAsksTheUserAndSendsNothing) {
    Fixture f;
    SilentHttp http;
    f.setEndpoint(http);
    EXPECT_TRUE(f.handle({{"kiln", "prompt"}, {"text", "a chess clock"}, {"send", true}, {"request", 7}}));
    EXPECT_EQ(http.sent, 0u);
    EXPECT_EQ(f.app.generation.phase, app::GenerationPhase::Idle);
    ASSERT_EQ(f.answers.size(), 1u);
    EXPECT_EQ(f.answers[0]["kiln"], "error");
    EXPECT_EQ(f.answers[0]["code"], "consent-required");
    EXPECT_EQ(f.answers[0]["request"], 7);
    EXPECT_NE(f.answers[0]["message"].get<std::string>().find("asking them"), std::string::npos);
    ASSERT_TRUE(f.app.embed.pending);
    EXPECT_EQ(f.app.embed.pending->origin, kEmbedder);
    EXPECT_EQ(f.app.embed.pending->text, "a chess clock");
    EXPECT_EQ(f.app.prompt, "a chess clock");  // filling the box spends nothing
}

TEST(EmbedConsent, AllowOnceSendsOnceAndAsksAgainNextTime) {
    Fixture f;
    SilentHttp http;
    f.setEndpoint(http);
    f.handle({{"kiln", "prompt"}, {"text", "a chess clock"}, {"send", true}});
    f.app.prompt = "edited meanwhile";
    f.now += app::kConsentArmMs;
    app::answerConsent(f.app, app::ConsentChoice::AllowOnce);
    EXPECT_EQ(http.sent, 1u);
    EXPECT_EQ(f.app.generation.instruction, "a chess clock");  // what the user was shown
    EXPECT_FALSE(f.app.embed.pending);
    app::stopGeneration(f.app);
    f.handle({{"kiln", "prompt"}, {"text", "again"}, {"send", true}});
    EXPECT_EQ(http.sent, 1u);
    EXPECT_TRUE(f.app.embed.pending);
    EXPECT_EQ(f.answers.back()["code"], "consent-required");
}

TEST(EmbedConsent, AlwaysIsRememberedAcrossReopeningAndRevocable) {
    Fixture f;
    SilentHttp http;
    f.setEndpoint(http);
    f.handle({{"kiln", "prompt"}, {"text", "one"}, {"send", true}});
    f.now += app::kConsentArmMs;
    app::answerConsent(f.app, app::ConsentChoice::Always);
    EXPECT_EQ(http.sent, 1u);
    app::stopGeneration(f.app);

    // As after a reload: read from the settings.
    f.app.embed.always.clear();
    app::loadEmbedConsent(f.app);
    EXPECT_EQ(f.app.embed.always, std::vector<std::string>{kEmbedder});
    const size_t answered = f.answers.size();
    f.handle({{"kiln", "prompt"}, {"text", "two"}, {"send", true}});
    EXPECT_EQ(http.sent, 2u);
    EXPECT_FALSE(f.app.embed.pending);
    EXPECT_EQ(f.answers.size(), answered);
    app::stopGeneration(f.app);

    // Another origin is not allowed by it.
    f.app.embed.origin = "https://other.example";
    f.handle({{"kiln", "prompt"}, {"text", "three"}, {"send", true}});
    EXPECT_EQ(http.sent, 2u);
    EXPECT_EQ(f.answers.back()["code"], "consent-required");
    app::answerConsent(f.app, app::ConsentChoice::Deny);

    f.app.embed.origin = kEmbedder;
    app::revokeConsent(f.app, kEmbedder);
    app::loadEmbedConsent(f.app);
    EXPECT_TRUE(f.app.embed.always.empty());
    f.handle({{"kiln", "prompt"}, {"text", "four"}, {"send", true}});
    EXPECT_EQ(http.sent, 2u);
    EXPECT_EQ(f.answers.back()["code"], "consent-required");
}

TEST(EmbedConsent, DenyAnswersDeniedUntilReload) {
    Fixture f;
    SilentHttp http;
    f.setEndpoint(http);
    f.handle({{"kiln", "prompt"}, {"text", "one"}, {"send", true}, {"request", "r1"}});
    app::answerConsent(f.app, app::ConsentChoice::Deny);
    EXPECT_EQ(http.sent, 0u);
    EXPECT_EQ(f.answers.back()["code"], "denied");
    EXPECT_EQ(f.answers.back()["request"], "r1");
    f.handle({{"kiln", "prompt"}, {"text", "two"}, {"send", true}});
    EXPECT_EQ(http.sent, 0u);
    EXPECT_FALSE(f.app.embed.pending);  // not asked again
    EXPECT_EQ(f.answers.back()["code"], "denied");
    EXPECT_FALSE(f.app.store->getSetting("embed_consent").has_value());
}

TEST(EmbedConsent, AHiddenOrCoveredFrameCannotBeAllowed) {
    Fixture f;
    SilentHttp http;
    f.setEndpoint(http);
    app::setEmbedVisible(f.app, false);
    f.handle({{"kiln", "prompt"}, {"text", "one"}, {"send", true}});
    f.now += 10 * app::kConsentArmMs;
    EXPECT_FALSE(app::consentCanAllow(f.app));
    EXPECT_EQ(app::consentArmsInMs(f.app), -1);
    app::answerConsent(f.app, app::ConsentChoice::AllowOnce);
    app::answerConsent(f.app, app::ConsentChoice::Always);
    EXPECT_EQ(http.sent, 0u);
    EXPECT_TRUE(f.app.embed.pending);
    EXPECT_TRUE(f.app.embed.always.empty());
    app::setEmbedVisible(f.app, true);
    f.now += app::kConsentArmMs;
    app::answerConsent(f.app, app::ConsentChoice::AllowOnce);
    EXPECT_EQ(http.sent, 1u);
}

TEST(EmbedConsent, AllowIsArmedOnlyAfterTheDialogAndVisibilityHeldStillForASecond) {
    Fixture f;
    SilentHttp http;
    f.setEndpoint(http);
    app::setEmbedVisible(f.app, true);
    f.now += 5 * app::kConsentArmMs;  // visible long before: the dialog itself must still be shown 1 s
    f.handle({{"kiln", "prompt"}, {"text", "one"}, {"send", true}});
    EXPECT_FALSE(app::consentCanAllow(f.app));
    EXPECT_EQ(app::consentArmsInMs(f.app), app::kConsentArmMs);
    f.now += app::kConsentArmMs - 1;
    EXPECT_EQ(app::consentArmsInMs(f.app), 1);
    app::answerConsent(f.app, app::ConsentChoice::AllowOnce);
    EXPECT_EQ(http.sent, 0u);
    EXPECT_TRUE(f.app.embed.pending);

    // Hidden and shown again (the page moves the frame away and back): the second starts over.
    app::setEmbedVisible(f.app, false);
    f.now += 1;
    app::setEmbedVisible(f.app, true);
    EXPECT_FALSE(app::consentCanAllow(f.app));
    f.now += app::kConsentArmMs - 1;
    EXPECT_FALSE(app::consentCanAllow(f.app));
    EXPECT_EQ(app::consentArmsInMs(f.app), 1);
    app::setEmbedVisible(f.app, true);  // the same report again changes nothing
    f.now += 1;
    EXPECT_TRUE(app::consentCanAllow(f.app));
    EXPECT_EQ(app::consentArmsInMs(f.app), 0);
    app::answerConsent(f.app, app::ConsentChoice::AllowOnce);
    EXPECT_EQ(http.sent, 1u);
    app::stopGeneration(f.app);

    // Where the browser cannot tell visibility, only the dialog's own second counts.
    f.app.embed.visible.reset();
    f.handle({{"kiln", "prompt"}, {"text", "two"}, {"send", true}});
    EXPECT_FALSE(app::consentCanAllow(f.app));
    f.now += app::kConsentArmMs;
    EXPECT_TRUE(app::consentCanAllow(f.app));
    // Nothing pending: nothing to allow.
    app::answerConsent(f.app, app::ConsentChoice::Deny);
    EXPECT_FALSE(app::consentCanAllow(f.app));
}

TEST(EmbedConsent, SendsAreRateLimitedPerOrigin) {
    Fixture f;
    SilentHttp http;
    f.setEndpoint(http);
    f.app.embed.always = {kEmbedder};
    for (int i = 0; i < app::kEmbedSendLimit; ++i) {
        f.handle({{"kiln", "prompt"}, {"text", "n" + std::to_string(i)}, {"send", true}});
        app::stopGeneration(f.app);
        f.now += 1000;
    }
    EXPECT_EQ(http.sent, static_cast<uint64_t>(app::kEmbedSendLimit));
    EXPECT_TRUE(f.answers.empty());
    f.handle({{"kiln", "prompt"}, {"text", "one too many"}, {"send", true}, {"request", 9}});
    EXPECT_EQ(http.sent, static_cast<uint64_t>(app::kEmbedSendLimit));
    ASSERT_EQ(f.answers.size(), 1u);
    EXPECT_EQ(f.answers[0]["code"], "rate-limited");
    EXPECT_EQ(f.answers[0]["request"], 9);
    EXPECT_NE(f.answers[0]["message"].get<std::string>().find("Try again in 56 s"), std::string::npos)
        << f.answers[0]["message"];
    // Another origin has its own count (and is asked first).
    f.app.embed.origin = "https://other.example";
    f.handle({{"kiln", "prompt"}, {"text", "elsewhere"}, {"send", true}});
    EXPECT_EQ(f.answers.back()["code"], "consent-required");
    app::answerConsent(f.app, app::ConsentChoice::Deny);
    // Once the window has passed the first origin may send again.
    f.app.embed.origin = kEmbedder;
    f.now += app::kEmbedSendWindowMs;
    f.handle({{"kiln", "prompt"}, {"text", "later"}, {"send", true}});
    EXPECT_EQ(http.sent, static_cast<uint64_t>(app::kEmbedSendLimit) + 1);
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
             R"({"kiln":"prompt","text":"x","send":true,"request":{}})",
             R"({"kiln":"prompt","text":"x","send":true,"request":[1]})",
         }) {
        EXPECT_FALSE(app::handleEmbedMessage(f.app, text)) << text;
    }
    EXPECT_EQ(app::stateSnapshot(f.app).dump(), before);
    EXPECT_EQ(f.saved.size(), 1u);
}

TEST(EmbedApi, NothingIsDoneWithoutAnEmbedder) {
    Fixture f;
    f.app.embed.origin.clear();
    EXPECT_FALSE(app::handleEmbedMessage(f.app, R"({"kiln":"prompt","text":"x"})"));
    EXPECT_TRUE(f.app.prompt.empty());
}

TEST(EmbedApi, NothingIsDoneBeforeTheLibraryIsOpen) {
    App app;
    app.embed.origin = kEmbedder;
    EXPECT_FALSE(app::handleEmbedMessage(app, R"({"kiln":"new-project"})"));
    EXPECT_FALSE(app::handleEmbedMessage(app, R"({"kiln":"prompt","text":"x"})"));
    EXPECT_TRUE(app.prompt.empty());
}
