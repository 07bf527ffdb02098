#include "core/codegen/extract.h"

#include <optional>

#include "core/codegen/text.h"

namespace kiln::codegen {

namespace {

struct Fence {
    char marker = '`';
    size_t length = 0;
    std::string_view info;  // the words after the opening marker, e.g. "html"
};

// Up to three spaces of indentation, as CommonMark allows for fences.
std::optional<std::string_view> unindent(std::string_view line) {
    size_t spaces = 0;
    while (spaces < line.size() && line[spaces] == ' ') ++spaces;
    if (spaces > 3) return std::nullopt;
    return line.substr(spaces);
}

size_t runLength(std::string_view text, char c) {
    size_t n = 0;
    while (n < text.size() && text[n] == c) ++n;
    return n;
}

std::optional<Fence> openingFence(std::string_view line) {
    const auto text = unindent(line);
    if (!text || text->empty() || (text->front() != '`' && text->front() != '~')) return std::nullopt;
    Fence fence;
    fence.marker = text->front();
    fence.length = runLength(*text, fence.marker);
    if (fence.length < 3) return std::nullopt;
    fence.info = text->substr(fence.length);
    while (!fence.info.empty() && isSpace(fence.info.front())) fence.info.remove_prefix(1);
    fence.info = trimRight(fence.info);
    if (fence.marker == '`' && fence.info.find('`') != std::string_view::npos) return std::nullopt;
    return fence;
}

bool closesFence(std::string_view line, const Fence& fence) {
    const auto text = unindent(line);
    if (!text) return false;
    const size_t length = runLength(*text, fence.marker);
    return length >= fence.length && trimRight(text->substr(length)).empty();
}

bool isHtmlLabel(std::string_view info) {
    const std::string_view word = info.substr(0, info.find_first_of(" \t{"));
    for (std::string_view label : {"html", "htm", "html5", "xhtml"})
        if (word.size() == label.size() && startsWithNoCase(word, label)) return true;
    return false;
}

bool holdsDocument(std::string_view text) {
    return findNoCase(text, "<!doctype") != std::string_view::npos ||
           findNoCase(text, "<html") != std::string_view::npos;
}

// A line that starts a whole document: <!doctype html ...> or <html ...>, after indentation.
bool startsDocument(std::string_view line) {
    while (!line.empty() && isSpace(line.front())) line.remove_prefix(1);
    if (startsWithNoCase(line, "<!doctype html")) return true;
    return startsWithNoCase(line, "<html") && (line.size() == 5 || line[5] == '>' || isSpace(line[5]));
}

}  // namespace

ExtractedCode extractCode(std::string_view answer) {
    for (size_t pos = 0; pos < answer.size();) {
        const Line line = lineAt(answer, pos);
        pos = line.next;
        const std::optional<Fence> fence = openingFence(line.text);
        if (!fence) continue;
        size_t end = answer.size();
        bool closed = false;
        while (pos < answer.size()) {
            const Line inner = lineAt(answer, pos);
            pos = inner.next;
            if (closesFence(inner.text, *fence)) {
                end = inner.begin;
                closed = true;
                break;
            }
        }
        const std::string_view text = answer.substr(line.next, end - line.next);
        if (isHtmlLabel(fence->info) || (fence->info.empty() && holdsDocument(text)))
            return {std::string(text), true, closed};
    }
    for (size_t pos = 0; pos < answer.size();) {
        const Line line = lineAt(answer, pos);
        if (startsDocument(line.text)) {
            const size_t start = line.begin + line.text.find('<');
            size_t close = std::string_view::npos;
            for (size_t at = findNoCase(answer, "</html>", start); at != std::string_view::npos;
                 at = findNoCase(answer, "</html>", at + 1))
                close = at;
            if (close == std::string_view::npos) return {std::string(answer.substr(start)), true, false};
            const size_t end = close + std::string_view("</html>").size();
            std::string code(answer.substr(start, end - start));
            code += '\n';
            return {std::move(code), true, true};
        }
        pos = line.next;
    }
    return {};
}

}  // namespace kiln::codegen
