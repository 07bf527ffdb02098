#include "platform/web/files.h"

#include <emscripten.h>

namespace kiln::web {

namespace {

FileReceived& receiver() {
    static FileReceived instance;
    return instance;
}

// The EM_JS bodies are JavaScript, which clang-format would break.
// clang-format off
EM_JS(void, files_download, (const char* name, const uint8_t* data, size_t size, const char* type), {
    kilnFiles.download(HEAPU8.slice(data, data + size), UTF8ToString(name), UTF8ToString(type));
});

EM_JS(void, files_listen, (const char* selector, const char* accept), {
    kilnFiles.listen(document.querySelector(UTF8ToString(selector)), UTF8ToString(accept), function(name, bytes, why) {
        var text = allocateUTF8(name);
        var problem = allocateUTF8(why || "");
        var at = bytes ? _kiln_file_buffer(bytes.length) : 0;  // may grow memory: HEAPU8 after it
        if (bytes) HEAPU8.set(bytes, at);
        _kiln_file_received(text, bytes ? 1 : 0, problem);
        _free(text);
        _free(problem);
    });
});

EM_JS(void, files_pick, (), { kilnFiles.pick(); });
// clang-format on

// Where JS puts the bytes of the file being delivered.
std::vector<uint8_t>& incoming() {
    static std::vector<uint8_t> buffer;
    return buffer;
}

}  // namespace

void downloadFile(const std::string& name, const std::vector<uint8_t>& bytes, const std::string& type) {
    files_download(name.c_str(), bytes.data(), bytes.size(), type.c_str());
}

void listenForFiles(const std::string& selector, const std::string& accept, FileReceived received) {
    receiver() = std::move(received);
    files_listen(selector.c_str(), accept.c_str());
}

void pickFile() {
    files_pick();
}

}  // namespace kiln::web

extern "C" {

EMSCRIPTEN_KEEPALIVE uint8_t* kiln_file_buffer(size_t size) {
    auto& buffer = kiln::web::incoming();
    buffer.assign(size, 0);
    return buffer.data();
}

EMSCRIPTEN_KEEPALIVE void kiln_file_received(const char* name, int has_bytes, const char* problem) {
    std::optional<std::vector<uint8_t>> bytes;
    if (has_bytes) bytes = std::move(kiln::web::incoming());
    kiln::web::incoming().clear();
    if (kiln::web::receiver()) kiln::web::receiver()(name, std::move(bytes), problem);
}

}  // extern "C"
