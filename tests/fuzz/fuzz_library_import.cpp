// The import check (store/library_import.h) on arbitrary bytes. Seeds: tests/fuzz/seeds/library_import
// (Kiln libraries, one with a trigger). Invariants: see library_import_fuzz.h.
#include "library_import_fuzz.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    kiln::fuzz::checkImportBytes(data, size);
    return 0;
}
