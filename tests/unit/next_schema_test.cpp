// Only in kiln_tests_next_schema (tests/unit/CMakeLists.txt): that binary must really run the
// suite one migration ahead of Kiln, or its passing would prove nothing.
#include <gtest/gtest.h>

#include <string>

#include "core/store/schema.h"

using namespace kiln::store;

TEST(NextSchema, TheLastMigrationIsTheAppendedEmptyStep) {
    const std::vector<Migration>& list = migrations();
    ASSERT_GE(list.size(), 2u) << "the released migrations and the appended step";
    EXPECT_EQ(std::string(list.back().name), "an empty step (test build)");
    EXPECT_EQ(std::string(list.back().sql), "");
    EXPECT_EQ(currentSchemaVersion(), list[list.size() - 2].version + 1);
}
