// The app's actions, as the home screen uses them.
#include <gtest/gtest.h>

#include "core/app/app.h"

using namespace kiln;

TEST(App, OpensAnEmptyLibraryInMemory) {
    app::App app;
    app::openInMemory(app);
    nlohmann::json state = app::stateSnapshot(app);
    EXPECT_TRUE(state["ready"].get<bool>());
    EXPECT_EQ(state["schema_version"], store::currentSchemaVersion());
    EXPECT_EQ(state["sqlite_version"], "3.50.4");
    EXPECT_TRUE(state["projects"].empty());
    EXPECT_TRUE(state["errors"].empty());
}

TEST(App, NewProjectShowsUpFirstWithAFreshName) {
    app::App app;
    app::openInMemory(app);
    app::newProject(app);
    app::newProject(app);
    ASSERT_EQ(app.projects.size(), 2u);
    EXPECT_EQ(app.projects[0].project.name, "Untitled 2");
    EXPECT_EQ(app.projects[1].project.name, "Untitled 1");
    nlohmann::json state = app::stateSnapshot(app);
    EXPECT_EQ(state["projects"][0]["name"], "Untitled 2");
    EXPECT_EQ(state["projects"][0]["versions"], 0);
}

TEST(App, AStoreFailureBecomesAVisibleErrorAndCanBeDismissed) {
    app::App app;
    app::openInMemory(app);
    app.store->database().exec("DROP TABLE projects");
    app::newProject(app);
    ASSERT_FALSE(app.error.empty());
    EXPECT_EQ(app::stateSnapshot(app)["errors"].size(), 1u);
    app::dismissError(app);
    EXPECT_TRUE(app::stateSnapshot(app)["errors"].empty());
}

TEST(App, WithoutAStoreActionsDoNothing) {
    app::App app;
    app::newProject(app);
    EXPECT_FALSE(app::stateSnapshot(app)["ready"].get<bool>());
    EXPECT_TRUE(app.projects.empty());
}
