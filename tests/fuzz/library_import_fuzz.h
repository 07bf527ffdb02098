// The import check's fuzz entry, shared by the libFuzzer target (fuzz_library_import.cpp) and a
// native unit test that runs it over the seeds and mutations of them (where clang is missing).
// Invariants: any bytes are either refused with a sentence and a detail in valid UTF-8 (the
// sentence ending "Nothing was changed.") or accepted; an accepted file is copied, both ways, into databases
// whose schema is exactly the one Kiln's migrations make.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string>
#include <vector>

#include "core/store/library_import.h"
#include "core/store/store.h"

namespace kiln::fuzz {

inline void expect(bool holds) {
    if (!holds) std::abort();
}

// Returns true when the file was accepted.
inline bool checkImportBytes(const uint8_t* data, size_t size) {
    const std::vector<uint8_t> bytes(data, data + size);
    std::optional<store::ImportFile> file;
    try {
        file.emplace(store::ImportFile::check(bytes));
    } catch (const store::ImportRefused& refused) {
        const std::string message = refused.what();
        const std::string end = "Nothing was changed.";
        expect(store::validUtf8(message) == message);
        expect(message.size() >= end.size() && message.compare(message.size() - end.size(), end.size(), end) == 0);
        expect(store::validUtf8(refused.detail()) == refused.detail());
        return false;
    }
    const auto clock = [] { return int64_t{1'700'000'000'000}; };
    store::Store library = store::Store::openInMemory();
    library.createProject("Already here");
    try {
        file->addTo(library.database(), clock);
    } catch (const store::SqliteError&) {
        // A file can pass the check and still hold a value the copy's constraints refuse (say,
        // one a damaged index hid): refused at confirmation, with the library unchanged.
        return true;
    }
    store::Database reference = store::referenceSchema(store::currentSchemaVersion());
    expect(!store::schemaDifference(library.database(), reference, "The library"));
    // What Replace builds is a Kiln library in every respect: it passes the same check.
    const std::vector<uint8_t> image = file->buildLibrary(&library.database(), clock);
    try {
        expect(store::ImportFile::check(image).summary().projects == file->summary().projects);
    } catch (const store::ImportRefused&) {
        expect(false);
    }
    return true;
}

}  // namespace kiln::fuzz
