// Kiln: files in and out of the page (the JS half is web/js/files.js).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace kiln::web {

// Offers `bytes` to the user as a file called `name`, of MIME type `type`, through the browser's
// download.
void downloadFile(const std::string& name, const std::vector<uint8_t>& bytes, const std::string& type);

// A file the user chose: its bytes, or none and why it could not be read.
using FileReceived =
    std::function<void(const std::string& name, std::optional<std::vector<uint8_t>> bytes, const std::string& problem)>;

// From now on, files the user picks (pickFile) or drops on the element matching `selector` go to
// `received`; `accept` filters the picker ("image/*,.txt" style). Call once.
void listenForFiles(const std::string& selector, const std::string& accept, FileReceived received);

// Opens the browser's file picker. Browsers allow it only shortly after a click or key press.
void pickFile();

}  // namespace kiln::web
