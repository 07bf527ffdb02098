// Kiln: the words the user reads for what core reports as a typed error. Core says what went wrong
// (a kind and the technical detail); what it means to the user and what to do about it is said here.
#pragma once

#include <cstdint>
#include <string>

#include "core/storage/durable_database.h"

namespace kiln::app {

// Why loading or saving failed, in complete sentences: what happened and what to do, with the
// technical detail (if any) in parentheses.
std::string storageErrorMessage(const storage::StorageError& error);

// A size in words: "300 bytes", "12 KB", "1.3 MB", "2.0 GB".
std::string formatBytes(uint64_t bytes);

}  // namespace kiln::app
