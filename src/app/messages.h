// Kiln: the words the user reads for what core reports as a typed error. Core says what went wrong
// (a kind and the technical detail); what it means to the user and what to do about it is said here.
#pragma once

#include <string>

#include "core/storage/durable_database.h"

namespace kiln::app {

// Why loading or saving failed, in complete sentences: what happened and what to do, with the
// technical detail (if any) in parentheses.
std::string storageErrorMessage(const storage::StorageError& error);

}  // namespace kiln::app
