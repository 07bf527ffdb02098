// The import check's fuzz entry (tests/fuzz/library_import_fuzz.h), run natively over the seeds
// and a few hundred files mutated from them: no input may break an invariant or crash.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <fstream>
#include <iterator>
#include <random>
#include <string>
#include <vector>

#include "import_test_support.h"
#include "library_import_fuzz.h"

using namespace kiln;

namespace {

std::vector<uint8_t> readBytes(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::vector<std::vector<uint8_t>> seeds() {
    std::vector<std::vector<uint8_t>> all = {
        readBytes(KILN_FUZZ_SEEDS_DIR "/library_import/kiln-v1.sqlite"),
        readBytes(KILN_FUZZ_SEEDS_DIR "/library_import/kiln-v1-trigger.sqlite"),
        readBytes(KILN_FIXTURES_DIR "/schema-v1.sqlite"),
        test::kilnLibrary(),
        test::kilnLibrary([](store::Database& db) { db.exec("CREATE VIEW v AS SELECT 1"); }),
    };
    for (const auto& seed : all) EXPECT_GT(seed.size(), 0u);
    return all;
}

}  // namespace

TEST(LibraryImportFuzz, SeedsKeepEveryInvariant) {
    const auto all = seeds();
    EXPECT_TRUE(fuzz::checkImportBytes(all[0].data(), all[0].size()));
    EXPECT_FALSE(fuzz::checkImportBytes(all[1].data(), all[1].size()));
    EXPECT_TRUE(fuzz::checkImportBytes(all[2].data(), all[2].size()));
    EXPECT_TRUE(fuzz::checkImportBytes(all[3].data(), all[3].size()));
    EXPECT_FALSE(fuzz::checkImportBytes(all[4].data(), all[4].size()));
}

TEST(LibraryImportFuzz, MutatedFilesKeepEveryInvariant) {
    const auto all = seeds();
    std::mt19937 random(20261204);
    int accepted = 0;
    constexpr int kRuns = 400;
    for (int run = 0; run < kRuns; ++run) {
        std::vector<uint8_t> bytes = all[random() % all.size()];
        switch (random() % 4) {
            case 0:  // a few bytes of the header and the first page (the schema)
                for (int n = 1 + random() % 4; n > 0; --n)
                    bytes[random() % std::min<size_t>(bytes.size(), 4096)] = static_cast<uint8_t>(random());
                break;
            case 1:  // bytes anywhere
                for (int n = 1 + random() % 16; n > 0; --n)
                    bytes[random() % bytes.size()] = static_cast<uint8_t>(random());
                break;
            case 2:  // cut short, on a page boundary or not
                bytes.resize(random() % 2 ? bytes.size() / 4096 * 4096 - 4096 : random() % bytes.size());
                break;
            default:  // a text of the schema changed: a name's letters
                for (size_t i = 0; i + 8 < bytes.size(); ++i) {
                    if (bytes[i] == 'C' && bytes[i + 1] == 'R' && random() % 3 == 0) {
                        bytes[std::min<size_t>(bytes.size() - 1, i + 7 + random() % 20)] ^= 0x20;
                    }
                }
                break;
        }
        if (fuzz::checkImportBytes(bytes.data(), bytes.size())) ++accepted;
    }
    EXPECT_LT(accepted, kRuns) << "most mutations are refused";
}
