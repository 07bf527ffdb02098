// A stand-in for the browser's URL parser (app::OriginOf) in native tests: new URL(url).origin
// for the plain URLs the tests use, following the WHATWG URL standard where it is cheap to
// (case, default ports, userinfo, a backslash as a slash, tabs and newlines dropped, spaces and
// control characters trimmed), and "" (no origin: no key sent) for anything it does not model
// (non-ASCII or percent-encoded hosts, IP addresses in other notations, IPv6). The real parser
// is checked against a table of tricky URLs in the browser (tests/browser/keys.test.mjs).
#pragma once

#include <cctype>
#include <string>

namespace kiln::test {

inline std::string fakeOriginOf(const std::string& input) {
    std::string url;
    for (char c : input) {
        if (c != '\t' && c != '\n' && c != '\r') url += c;
    }
    const auto control = [](char c) { return static_cast<unsigned char>(c) <= 0x20; };
    while (!url.empty() && control(url.front())) url.erase(url.begin());
    while (!url.empty() && control(url.back())) url.pop_back();
    const size_t colon = url.find(':');
    if (colon == std::string::npos) return "";
    std::string scheme = url.substr(0, colon);
    for (char& c : scheme) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (scheme != "http" && scheme != "https") return "";
    size_t at = colon + 1;
    while (at < url.size() && (url[at] == '/' || url[at] == '\\')) ++at;
    std::string authority = url.substr(at, url.find_first_of("/\\?#", at) - at);
    if (const size_t user = authority.rfind('@'); user != std::string::npos) authority.erase(0, user + 1);
    std::string host = authority, port;
    if (const size_t port_at = authority.find(':'); port_at != std::string::npos) {
        host = authority.substr(0, port_at);
        port = authority.substr(port_at + 1);
    }
    if (host.empty()) return "";
    for (char& c : host) {
        const auto u = static_cast<unsigned char>(c);
        if (u >= 0x80 || c == '%' || c == '[' || c == ']' || std::isspace(u) || std::iscntrl(u)) return "";
        c = static_cast<char>(std::tolower(u));
    }
    while (port.size() > 1 && port[0] == '0') port.erase(0, 1);
    for (char c : port) {
        if (!std::isdigit(static_cast<unsigned char>(c))) return "";
    }
    if (port.size() > 5 || (!port.empty() && std::stoi(port) > 65535)) return "";
    if ((scheme == "http" && port == "80") || (scheme == "https" && port == "443")) port.clear();
    return scheme + "://" + host + (port.empty() ? "" : ":" + port);
}

}  // namespace kiln::test
