// Share links: a version leaves as a link that carries it, and opens in any Kiln as a shared view
// that runs nothing until the link's content checks out, and stores nothing until it is saved.
#include <gtest/gtest.h>

#include <deque>

#include "app/app.h"

using namespace kiln;
using app::App;
using app::SharedView;

namespace {

// The browser's codec, as far as the app can tell: answers come later (flush), and a payload is
// the text in hex (which, like base64url, a link carries as it is).
struct FakeCodec : app::ShareCodec {
    std::deque<std::function<void()>> answers;

    void pack(std::string text, std::function<void(std::optional<std::string>)> done) override {
        static const char* kHex = "0123456789abcdef";
        std::string data;
        for (unsigned char c : text) {
            data += kHex[c >> 4];
            data += kHex[c & 15];
        }
        answers.push_back([done, data] { done(data); });
    }

    void unpack(std::string data, size_t max_bytes,
                std::function<void(std::optional<std::string>, app::UnpackFailure)> done) override {
        std::optional<std::string> text = std::string();
        if (data.size() % 2 != 0) text.reset();
        for (size_t i = 0; text && i < data.size(); i += 2) {
            const std::string pair = data.substr(i, 2);
            if (pair.find_first_not_of("0123456789abcdef") != std::string::npos) {
                text.reset();
                break;
            }
            *text += static_cast<char>(std::stoi(pair, nullptr, 16));
        }
        app::UnpackFailure failure = app::UnpackFailure::Damaged;
        if (text && text->size() > max_bytes) {
            text.reset();
            failure = app::UnpackFailure::TooBig;
        }
        answers.push_back([done, text, failure] { done(text, failure); });
    }

    void flush() {
        while (!answers.empty()) {
            auto answer = std::move(answers.front());
            answers.pop_front();
            answer();
        }
    }
};

struct Fixture {
    FakeCodec codec;
    App app;

    Fixture() {
        app.share_codec = &codec;
        app.page_url = "https://kiln.example/";
        app::openInMemory(app);
    }

    // A project "Timer" whose version 1 a model wrote.
    void makeVersion(const std::string& code) {
        app::newProject(app, "Timer");
        app.store->insertVersion({app.open->project.id, {}, "a pomodoro timer", code, "gpt-test", "Loopback", {}});
        app::openProject(app, app.open->project.public_id);
    }

    // Share link for the open version, answered: the link.
    std::string share() {
        app::shareVersion(app);
        codec.flush();
        return app.share_link ? app.share_link->link : "";
    }

    // Opens a link's data (what follows #/share/) and lets the codec answer.
    void open(const std::string& data) {
        app::openShared(app, data);
        codec.flush();
    }
};

// The data of a link (what follows #/share/) that carries `document`.
std::string linkData(const std::string& document) {
    FakeCodec codec;
    std::string data;
    codec.pack(document, [&](std::optional<std::string> packed) { data = *packed; });
    codec.flush();
    return "1/" + data;
}

}  // namespace

TEST(Share, TheDocumentRoundTrips) {
    const app::SharedApp shared{"Timer ⏱", "a timer\nwith two lines", "gpt-test", "<p>\"quoted\" \\ é</p>"};
    std::string problem;
    std::optional<app::SharedApp> read = app::readSharedDocument(app::sharedDocument(shared), problem);
    ASSERT_TRUE(read) << problem;
    EXPECT_EQ(read->name, shared.name);
    EXPECT_EQ(read->prompt, shared.prompt);
    EXPECT_EQ(read->model, shared.model);
    EXPECT_EQ(read->code, shared.code);
}

TEST(Share, ADocumentThatIsNotAnAppIsRefusedInWords) {
    for (const char* document :
         {"", "not json", "[1,2]", "\"text\"", R"({"name":"x","prompt":"","model":""})",
          R"({"name":"x","prompt":"","model":"","code":42})", R"({"name":"x","prompt":"","model":"","code":""})",
          R"({"name":null,"prompt":"","model":"","code":"<p>"})",
          "{\"name\":\"x\xff\",\"prompt\":\"\",\"model\":\"\",\"code\":\"<p>\"}"}) {
        std::string problem;
        EXPECT_FALSE(app::readSharedDocument(document, problem)) << document;
        EXPECT_NE(problem.find("does not hold a Kiln app"), std::string::npos) << problem;
        EXPECT_NE(problem.find("opened nothing"), std::string::npos) << problem;
    }
    std::string problem;
    app::readSharedDocument(R"({"name":"x","prompt":"","model":"","code":7})", problem);
    EXPECT_NE(problem.find("its code is missing or not text"), std::string::npos) << problem;
}

TEST(Share, FieldsItDoesNotKnowAreIgnored) {
    std::string problem;
    auto read =
        app::readSharedDocument(R"({"name":"x","prompt":"p","model":"m","code":"<p>","later":{"a":1}})", problem);
    ASSERT_TRUE(read) << problem;
    EXPECT_EQ(read->code, "<p>");
}

TEST(Share, TheNameAndModelAreOneShortLineWhateverTheLinkSays) {
    std::string problem;
    // Line breaks, tabs, and a right-to-left override that would show "evil" reversed.
    auto read = app::readSharedDocument(
        R"({"name":"\n\u202eevil\tname\u2066 ","prompt":"","model":"m\r\nx","code":"<p>"})", problem);
    ASSERT_TRUE(read) << problem;
    EXPECT_EQ(read->name, "evil name");
    EXPECT_EQ(read->model, "m  x");

    std::string long_name;
    for (int i = 0; i < 100; ++i) long_name += "é";  // two bytes each
    read = app::readSharedDocument(app::sharedDocument({long_name, "", std::string(500, 'm'), "<p>"}), problem);
    ASSERT_TRUE(read);
    EXPECT_EQ(read->name, long_name.substr(0, 120)) << "cut between characters, at 120 bytes";
    EXPECT_EQ(read->model.size(), 200u);

    read = app::readSharedDocument(app::sharedDocument({" \u202e\n", "", "", "<p>"}), problem);
    ASSERT_TRUE(read);
    EXPECT_EQ(read->name, "Shared app") << "a name with nothing left in it";
}

TEST(Share, ShareRoutesCarryTheLinksDataAsItIs) {
    EXPECT_EQ(app::parseRoute("#/share/1/abc_-"), (app::Route{"", 0, "1/abc_-"}));
    EXPECT_EQ(app::formatRoute({"", 0, "1/abc_-"}), "#/share/1/abc_-");
    EXPECT_EQ(app::parseRoute("#/share/anything at all"), (app::Route{"", 0, "anything at all"}))
        << "the shared view says what is wrong with it";
    EXPECT_EQ(app::parseRoute("#/share/"), std::nullopt);
    EXPECT_EQ(app::parseRoute("#/sharex/1/a"), std::nullopt);
}

TEST(Share, AVersionsLinkOpensInAnotherKilnAsASharedViewAndIsSavedFromThere) {
    Fixture maker;
    maker.makeVersion("<h1>Timer</h1>");
    const std::string link = maker.share();
    ASSERT_EQ(link.rfind("https://kiln.example/#/share/1/", 0), 0u) << link;
    EXPECT_FALSE(maker.app.share_link->edited);
    EXPECT_EQ(app::stateSnapshot(maker.app)["share_link"]["link"], link);

    Fixture other;  // a fresh library
    EXPECT_EQ(app::openHash(other.app, link.substr(link.find('#'))), std::nullopt);
    EXPECT_EQ(other.app.shared->phase, SharedView::Phase::Opening) << "unpacking is asynchronous";
    EXPECT_EQ(app::previewSubject(other.app).code, nullptr) << "nothing runs before the link checks out";
    other.codec.flush();
    ASSERT_TRUE(other.app.shared);
    ASSERT_EQ(other.app.shared->phase, SharedView::Phase::Ready) << other.app.shared->problem;
    EXPECT_EQ(other.app.shared->app.name, "Timer");
    EXPECT_EQ(other.app.shared->app.prompt, "a pomodoro timer");
    EXPECT_EQ(other.app.shared->app.model, "gpt-test");
    EXPECT_EQ(other.app.shared->app.code, "<h1>Timer</h1>");
    EXPECT_TRUE(other.app.projects.empty()) << "nothing is stored before Save";
    EXPECT_EQ(app::formatRoute(app::currentRoute(other.app)), link.substr(link.find('#')))
        << "the URL keeps naming the link: a reload opens it again";

    // The preview runs the shared app, under the guard.
    const app::PreviewSubject subject = app::previewSubject(other.app);
    ASSERT_NE(subject.code, nullptr);
    EXPECT_EQ(*subject.code, "<h1>Timer</h1>");
    EXPECT_EQ(subject.key.rfind("share/", 0), 0u) << subject.key;
    EXPECT_EQ(app::syncPreview(other.app), app::PreviewRun::Starting);

    app::saveShared(other.app);
    EXPECT_FALSE(other.app.shared);
    ASSERT_TRUE(other.app.open);
    EXPECT_EQ(other.app.open->project.name, "Timer");
    EXPECT_EQ(other.app.open->selected, 1);
    EXPECT_EQ(other.app.open->code, "<h1>Timer</h1>");
    ASSERT_EQ(other.app.open->versions.size(), 1u);
    EXPECT_EQ(other.app.open->versions[0].prompt, "a pomodoro timer");
    EXPECT_EQ(other.app.open->versions[0].model, "gpt-test");
    EXPECT_EQ(other.app.projects.size(), 1u);
    EXPECT_NE(other.app.notice.find("Saved \"Timer\""), std::string::npos) << other.app.notice;
    EXPECT_EQ(app::routeToPush(other.app), "#/p/" + other.app.open->project.public_id + "/v/1");
}

TEST(Share, TheLinkCarriesTheVersionAsSavedAndSaysSoWhenTheCodeIsEdited) {
    Fixture f;
    f.makeVersion("<p>saved</p>");
    f.app.open->code = "<p>edited</p>";
    const std::string link = f.share();
    EXPECT_TRUE(f.app.share_link->edited);
    Fixture other;
    other.open(link.substr(link.find("#/share/") + 8));
    ASSERT_EQ(other.app.shared->phase, SharedView::Phase::Ready);
    EXPECT_EQ(other.app.shared->app.code, "<p>saved</p>");
}

TEST(Share, AVersionTooBigForALinkSaysToSendTheFile) {
    Fixture f;
    f.makeVersion(std::string(600 * 1024, 'x'));  // twice that in the fake's hex: past 1 MB
    EXPECT_EQ(f.share(), "");
    EXPECT_NE(f.app.share_link->problem.find("longer than browsers open"), std::string::npos)
        << f.app.share_link->problem;
    EXPECT_NE(f.app.share_link->problem.find("Download"), std::string::npos);
}

TEST(Share, AnAnswerForAClosedDialogIsDropped) {
    Fixture f;
    f.makeVersion("<p>one</p>");
    app::shareVersion(f.app);
    app::closeShareLink(f.app);
    f.codec.flush();
    EXPECT_FALSE(f.app.share_link);
}

TEST(Share, ACutDamagedForeignOrOversizedLinkIsRefusedAndRunsNothing) {
    Fixture maker;
    maker.makeVersion("<p>one</p>");
    const std::string link = maker.share();
    const std::string data = link.substr(link.find("#/share/") + 8);
    const std::string document = app::sharedDocument({"x", "", "", "<p>"});
    const struct {
        std::string data;
        const char* says;
    } cases[] = {
        {data.substr(0, data.size() - 1), "damaged or was cut short"},  // cut
        {data.substr(0, 10) + "zz" + data.substr(12), "damaged or was cut short"},
        {"1", "damaged or was cut short"},
        {"1/", "damaged or was cut short"},
        {"2/" + data.substr(2), "made by a newer Kiln"},
        {linkData("{\"name\":1}"), "does not hold a Kiln app"},
        {linkData(app::sharedDocument({"x", "", "", std::string(app::kSharedDocumentMaxBytes, 'a')})),
         "holds more than Kiln opens"},
    };
    for (const auto& item : cases) {
        Fixture f;
        f.open(item.data);
        ASSERT_TRUE(f.app.shared);
        EXPECT_EQ(f.app.shared->phase, SharedView::Phase::Refused) << item.data.substr(0, 40);
        EXPECT_NE(f.app.shared->problem.find(item.says), std::string::npos) << f.app.shared->problem;
        EXPECT_EQ(app::previewSubject(f.app).code, nullptr);
        EXPECT_EQ(app::syncPreview(f.app), app::PreviewRun::Idle);
        EXPECT_EQ(app::stateSnapshot(f.app)["shared"]["phase"], "refused");
    }
}

TEST(Share, ClosingReturnsToTheProjectBeneathAndAnyProjectShownClosesIt) {
    Fixture maker;
    maker.makeVersion("<p>shared</p>");
    const std::string data = maker.share().substr(std::string("https://kiln.example/#/share/").size());

    Fixture f;
    f.makeVersion("<p>mine</p>");
    const std::string mine = app::formatRoute(app::currentRoute(f.app));
    app::syncPreview(f.app);
    f.open(data);
    EXPECT_EQ(*app::previewSubject(f.app).code, "<p>shared</p>");
    const uint64_t serial = f.app.preview.serial;
    app::syncPreview(f.app);
    EXPECT_GT(f.app.preview.serial, serial) << "the preview reloads with the shared app";

    app::closeShared(f.app);
    EXPECT_EQ(app::formatRoute(app::currentRoute(f.app)), mine);
    EXPECT_EQ(*app::previewSubject(f.app).code, "<p>mine</p>");
    EXPECT_EQ(app::syncPreview(f.app), app::PreviewRun::Starting) << "and again with the project's app";

    f.open(data);
    app::navigate(f.app, *app::parseRoute(mine));
    EXPECT_FALSE(f.app.shared) << "Back to the project's route";
    f.open(data);
    app::newProject(f.app, "Another");
    EXPECT_FALSE(f.app.shared) << "a project shown leaves the shared view";
}

TEST(Share, TheSharedViewsNetworkSwitchIsItsOwnAndNotKept) {
    Fixture maker;
    maker.makeVersion("<p>shared</p>");
    const std::string data = maker.share().substr(std::string("https://kiln.example/#/share/").size());
    Fixture f;
    f.makeVersion("<p>mine</p>");
    f.open(data);
    app::setPreviewNetwork(f.app, false);
    EXPECT_FALSE(app::previewNetwork(f.app));
    EXPECT_FALSE(app::previewSubject(f.app).network);
    app::closeShared(f.app);
    EXPECT_TRUE(app::previewNetwork(f.app)) << "the project's switch is untouched";
}

TEST(Share, AnAnswerForALinkNoLongerShownIsDropped) {
    Fixture maker;
    maker.makeVersion("<p>shared</p>");
    const std::string data = maker.share().substr(std::string("https://kiln.example/#/share/").size());
    Fixture f;
    app::openShared(f.app, data);
    app::closeShared(f.app);
    f.codec.flush();
    EXPECT_FALSE(f.app.shared);
}
