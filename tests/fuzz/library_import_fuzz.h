// The import check's fuzz entry, shared by the libFuzzer target (fuzz_library_import.cpp) and a
// native unit test that runs it over the seeds and mutations of them (where clang is missing).
// Invariants: any bytes are either refused with a plain sentence (valid UTF-8, no SQL, ending
// "Nothing was changed.") or accepted; an accepted file is copied, both ways, into databases
// whose schema is exactly the one Kiln's migrations make.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdlib>
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
    try {
        store::ImportFile file = store::ImportFile::check(bytes);
        const auto clock = [] { return int64_t{1'700'000'000'000}; };
        store::Store library = store::Store::openInMemory();
        library.createProject("Already here");
        file.addTo(library.database(), clock);
        store::Database reference = store::referenceSchema(store::currentSchemaVersion());
        expect(!store::schemaDifference(library.database(), reference, "The library"));
        const std::vector<uint8_t> image = file.buildLibrary(&library.database(), clock);
        expect(store::ImportFile::check(image).summary().projects == file.summary().projects);
        return true;
    } catch (const store::ImportRefused& refused) {
        const std::string message = refused.what();
        const std::string end = "Nothing was changed.";
        expect(store::validUtf8(message) == message);
        expect(message.size() >= end.size() && message.compare(message.size() - end.size(), end.size(), end) == 0);
        expect(message.find("CREATE") == std::string::npos && message.find("SELECT") == std::string::npos);
        expect(store::validUtf8(refused.detail()) == refused.detail() || !refused.detail().empty());
        return false;
    } catch (const store::SqliteError&) {
        // A file can pass the check and still hold a value the copy's constraints refuse (say,
        // one a damaged index hid): refused at confirmation, with the library unchanged.
        return false;
    }
}

}  // namespace kiln::fuzz
