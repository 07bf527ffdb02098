// Requests to OpenAI-compatible endpoints, and the words for their failures.
//
// Index
//   Presets    base URLs, stored names, base URL clean-up
//   Requests   bodies, messages, headers, the model list
//   Failures   HTTP statuses and error bodies, Retry-After, connection failures
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "core/codegen/request.h"

using namespace kiln::codegen;
using nlohmann::json;

namespace {

std::string header(const HttpRequest& request, const std::string& name) {
    for (const auto& [key, value] : request.headers)
        if (key == name) return value;
    return "(none)";
}

bool contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

Endpoint endpoint(PresetKind kind, const std::string& key = "sk-test") {
    Endpoint result = endpointFromPreset(kind);
    result.api_key = key;
    return result;
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Presets
// ---------------------------------------------------------------------------------------------

TEST(RequestPresets, KnowEachEndpointsBaseUrl) {
    EXPECT_EQ(presetFor(PresetKind::OpenAI).base_url, "https://api.openai.com/v1");
    EXPECT_EQ(presetFor(PresetKind::Anthropic).base_url, "https://api.anthropic.com/v1");
    EXPECT_EQ(presetFor(PresetKind::Cerebras).base_url, "https://api.cerebras.ai/v1");
    EXPECT_EQ(presetFor(PresetKind::Groq).base_url, "https://api.groq.com/openai/v1");
    EXPECT_EQ(presetFor(PresetKind::OpenRouter).base_url, "https://openrouter.ai/api/v1");
    EXPECT_EQ(presetFor(PresetKind::Ollama).base_url, "http://localhost:11434/v1");
    EXPECT_EQ(presetFor(PresetKind::LmStudio).base_url, "http://localhost:1234/v1");
    EXPECT_EQ(presetFor(PresetKind::Custom).base_url, "");
    EXPECT_EQ(presets().size(), 8u);
    EXPECT_EQ(presets().back().kind, PresetKind::Custom);
    const Endpoint ollama = endpointFromPreset(PresetKind::Ollama);
    EXPECT_EQ(ollama.label, "Ollama");
    EXPECT_EQ(ollama.api_key, "");
    EXPECT_TRUE(presetFor(PresetKind::Ollama).runs_locally);
}

TEST(RequestPresets, StoreAsStableNames) {
    EXPECT_EQ(json(PresetKind::LmStudio), "lmstudio");
    EXPECT_EQ(json("anthropic").get<PresetKind>(), PresetKind::Anthropic);
    EXPECT_EQ(json("from-a-newer-kiln").get<PresetKind>(), PresetKind::Custom);
}

TEST(RequestPresets, NormalizeBaseUrls) {
    EXPECT_EQ(normalizeBaseUrl(" https://api.anthropic.com/v1/ "), "https://api.anthropic.com/v1");
    EXPECT_EQ(normalizeBaseUrl("http://127.0.0.1:8080/v1/chat/completions"), "http://127.0.0.1:8080/v1");
    EXPECT_EQ(normalizeBaseUrl("http://host/v1//"), "http://host/v1");
}

// ---------------------------------------------------------------------------------------------
// Requests
// ---------------------------------------------------------------------------------------------

TEST(Request, AFirstPromptStreamsWithUsage) {
    const HttpRequest request =
        chatRequest(endpoint(PresetKind::Cerebras), firstPromptMessages("SYSTEM", "a pomodoro timer"), {});
    EXPECT_EQ(request.method, "POST");
    EXPECT_EQ(request.url, "https://api.cerebras.ai/v1/chat/completions");
    EXPECT_EQ(header(request, "Authorization"), "Bearer sk-test");
    EXPECT_EQ(header(request, "Content-Type"), "application/json");
    EXPECT_EQ(json::parse(request.body), json::parse(R"({
        "model": "gpt-oss-120b",
        "messages": [{"role": "system", "content": "SYSTEM"}, {"role": "user", "content": "a pomodoro timer"}],
        "stream": true,
        "stream_options": {"include_usage": true}})"));
    EXPECT_EQ(request.body.rfind("{\"model\":", 0), 0u);  // fields in a readable order
}

TEST(Request, SendsTemperatureAndMaxTokensOnlyWhenSet) {
    GenerationOptions options;
    options.temperature = 0.2;
    options.max_tokens = 8000;
    options.stream = false;
    const json body = json::parse(chatRequest(endpoint(PresetKind::Groq), firstPromptMessages("S", "x"), options).body);
    EXPECT_EQ(body["temperature"], 0.2);
    EXPECT_EQ(body["max_tokens"], 8000);
    EXPECT_EQ(body["stream"], false);
    EXPECT_FALSE(body.contains("stream_options"));
    // OpenAI's newer models refuse max_tokens and take max_completion_tokens.
    const json openai =
        json::parse(chatRequest(endpoint(PresetKind::OpenAI), firstPromptMessages("S", "x"), options).body);
    EXPECT_EQ(openai["max_completion_tokens"], 8000);
    EXPECT_FALSE(openai.contains("max_tokens"));
}

TEST(Request, AFollowUpCarriesTheCodeThenTheInstructionInOneUserMessage) {
    const auto messages = followUpMessages("SYSTEM", "<p>hi</p>\n", "make it blue");
    ASSERT_EQ(messages.size(), 2u);
    EXPECT_EQ(messages[0].role, "system");
    EXPECT_EQ(messages[1].role, "user");
    EXPECT_EQ(messages[1].content,
              "This is the current code of the app:\n\n```html\n<p>hi</p>\n```\n\nChange it as follows:\n\nmake it blue"
              "\n\nAnswer with edit blocks if the change is small, or with the whole updated file.");
}

TEST(Request, TheCodesFenceIsLongerThanAnyBacktickRunInIt) {
    const auto messages = followUpMessages("S", "const md = `\n```js\nx\n```\n`;", "go");
    EXPECT_TRUE(contains(messages[1].content, "\n````html\nconst md = `\n```js\nx\n```\n`;\n````\n"))
        << messages[1].content;
}

TEST(Request, TheRetryAfterFailedEditsSaysWhyAndAsksForTheWholeFile) {
    const auto messages =
        wholeFileRetryMessages("S", "<p>hi</p>\n", "make it blue", "Edit block 1 of 1 does not match.");
    ASSERT_EQ(messages.size(), 2u);
    EXPECT_TRUE(contains(messages[1].content, "Change it as follows:\n\nmake it blue"));
    EXPECT_TRUE(contains(messages[1].content, "could not be applied: Edit block 1 of 1 does not match."));
    EXPECT_TRUE(contains(messages[1].content, "Answer with the whole updated file in one ```html block"));
}

TEST(Request, SendsTheKeyOnlyWhenThereIsOne) {
    EXPECT_EQ(header(chatRequest(endpoint(PresetKind::Ollama, ""), {}, {}), "Authorization"), "(none)");
    EXPECT_EQ(header(chatRequest(endpoint(PresetKind::OpenRouter, " sk-or \n"), {}, {}), "Authorization"),
              "Bearer sk-or");
}

TEST(Request, AnthropicGetsTheHeaderThatAllowsBrowserCalls) {
    const HttpRequest request = chatRequest(endpoint(PresetKind::Anthropic), firstPromptMessages("S", "x"), {});
    EXPECT_EQ(request.url, "https://api.anthropic.com/v1/chat/completions");
    EXPECT_EQ(header(request, "anthropic-dangerous-direct-browser-access"), "true");
    EXPECT_EQ(header(request, "Authorization"), "Bearer sk-test");
    EXPECT_EQ(header(chatRequest(endpoint(PresetKind::OpenAI), {}, {}), "anthropic-dangerous-direct-browser-access"),
              "(none)");
}

TEST(Request, TextThatIsNotUtf8IsSentWithReplacementCharacters) {
    const HttpRequest request = chatRequest(endpoint(PresetKind::Custom), firstPromptMessages("S", "caf\xE9"), {});
    EXPECT_EQ(json::parse(request.body)["messages"][1]["content"], "caf\xEF\xBF\xBD");
}

TEST(Request, ListsModels) {
    const HttpRequest request = modelsRequest(endpoint(PresetKind::Groq));
    EXPECT_EQ(request.method, "GET");
    EXPECT_EQ(request.url, "https://api.groq.com/openai/v1/models");
    EXPECT_EQ(request.body, "");
    EXPECT_EQ(parseModelList(R"({"object":"list","data":[{"id":"b"},{"id":"a"},{"name":"no id"},{"id":"a"}]})"),
              (std::vector<std::string>{"a", "b"}));
    EXPECT_TRUE(parseModelList("<html>").empty());
    EXPECT_TRUE(parseModelList(R"({"data":{}})").empty());
}

// ---------------------------------------------------------------------------------------------
// Failures
// ---------------------------------------------------------------------------------------------

TEST(RequestErrors, EachStatusSaysWhatHappenedAndWhatToDo) {
    const std::string body = R"({"error":{"message":"Something specific.","type":"x"}})";
    const std::vector<std::pair<int, std::string>> cases = {
        {400, "rejected the request (HTTP 400): it answered with \"Something specific.\". Check the model name"},
        {401, "refused the API key (HTTP 401): it answered with \"Something specific.\". Check the key in Settings"},
        {403, "denied access (HTTP 403)"},
        {404, "does not know this model or address (HTTP 404)"},
        {408, "timed out waiting for the request (HTTP 408)"},
        {413, "too large for the endpoint (HTTP 413)"},
        {429, "limiting requests (HTTP 429)"},
        {500, "internal error (HTTP 500)"},
        {502, "gateway between Kiln and the model failed (HTTP 502)"},
        {503, "overloaded or down for maintenance (HTTP 503)"},
        {418, "refused the request (HTTP 418)"},
        {599, "failed (HTTP 599)"},
    };
    for (const auto& [status, part] : cases) {
        const std::string message = httpErrorMessage(status, body);
        EXPECT_TRUE(contains(message, part)) << message;
        EXPECT_TRUE(contains(message, "Something specific.")) << message;
        EXPECT_EQ(message.back(), '.') << message;
    }
    EXPECT_EQ(
        httpErrorMessage(401,
                         R"({"error":{"message":"Incorrect API key provided: sk-a****.","code":"invalid_api_key"}})"),
        "The endpoint refused the API key (HTTP 401): it answered with \"Incorrect API key provided: sk-a****.\". "
        "Check the key in Settings: it may be mistyped, revoked, or meant for another endpoint.");
}

TEST(RequestErrors, RateLimitsShowRetryAfterOrPointAtBilling) {
    EXPECT_TRUE(contains(httpErrorMessage(429, "{}", 7), "Try again in 7 seconds."));
    EXPECT_TRUE(contains(httpErrorMessage(429, "", 1), "Try again in 1 second."));
    EXPECT_TRUE(contains(httpErrorMessage(503, "", 600), "Try again in 10 minutes."));
    EXPECT_TRUE(contains(httpErrorMessage(429, ""), "Wait a moment, then try again."));
    const std::string quota = httpErrorMessage(
        429,
        R"({"error":{"message":"You exceeded your current quota, please check your plan and billing details.","type":"insufficient_quota"}})",
        3);
    EXPECT_TRUE(contains(quota, "check the plan and billing")) << quota;
}

TEST(RequestErrors, ReadTheErrorShapesOfOtherServers) {
    EXPECT_TRUE(contains(httpErrorMessage(404, R"({"error":"model \"qwen\" not found, try pulling it first"})"),
                         "\"model \"qwen\" not found, try pulling it first\""));
    EXPECT_TRUE(contains(httpErrorMessage(400, R"({"object":"error","message":"bad temperature","code":400})"),
                         "bad temperature"));
    EXPECT_TRUE(
        contains(httpErrorMessage(422, R"({"detail":[{"loc":["body"],"msg":"field required"}]})"), "field required"));
    EXPECT_TRUE(
        contains(httpErrorMessage(
                     401, R"({"type":"error","error":{"type":"authentication_error","message":"invalid x-api-key"}})"),
                 "invalid x-api-key"));
    EXPECT_TRUE(contains(httpErrorMessage(500, R"({"error":{"code":500}})"), "\"code 500\""));
}

TEST(RequestErrors, AnHtmlOrPlainTextBodyIsDescribedNotDumped) {
    const std::string html =
        httpErrorMessage(502,
                         "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad "
                         "Gateway</h1></center>\r\n"
                         "<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n");
    EXPECT_EQ(html,
              "A gateway between Kiln and the model failed (HTTP 502): it answered with a web page titled \"502 Bad "
              "Gateway\", so a proxy or a wrong base URL answered instead of the API. Try again in a moment.");
    EXPECT_TRUE(contains(httpErrorMessage(404, "<!DOCTYPE html><html><body><h1>Not Found</h1></body></html>"),
                         "a web page titled \"Not Found\""));
    EXPECT_TRUE(contains(httpErrorMessage(503, "upstream connect error or disconnect/reset before headers\nmore"),
                         "\"upstream connect error or disconnect/reset before headers\""));
    EXPECT_EQ(httpErrorMessage(500, "  "),
              "The endpoint had an internal error (HTTP 500). Try again in a moment; if "
              "it keeps failing, try another model.");
    const std::string long_body = httpErrorMessage(400, std::string(5000, 'x'));
    EXPECT_LT(long_body.size(), 600u);
    EXPECT_TRUE(contains(httpErrorMessage(400, "bad\x01\xFFtext"), "\"bad \xEF\xBF\xBDtext\""));
}

TEST(RequestErrors, ParseRetryAfterAsSecondsOrAsADate) {
    const int64_t now = 1445412480000;  // Wed, 21 Oct 2015 07:28:00 GMT
    EXPECT_EQ(parseRetryAfter("120", now), 120);
    EXPECT_EQ(parseRetryAfter(" 0 ", now), 0);
    EXPECT_EQ(parseRetryAfter("Wed, 21 Oct 2015 07:28:30 GMT", now), 30);
    EXPECT_EQ(parseRetryAfter("Wed, 21 Oct 2015 07:27:00 GMT", now), 0);
    EXPECT_EQ(parseRetryAfter("Thu, 01 Jan 1970 00:00:00 GMT", 0), 0);
    EXPECT_EQ(parseRetryAfter("Sat, 29 Feb 2020 12:00:01 GMT", 1582977600000), 1);
    for (const char* bad : {"", "soon", "-5", "1.5", "Wed, 21 Oct 2015 07:28:30 UTC", "Wed, 21 Foo 2015 07:28:30 GMT",
                            "Wednesday, 21-Oct-15 07:28:30 GMT"})
        EXPECT_FALSE(parseRetryAfter(bad, now)) << bad;
}

TEST(RequestErrors, ConnectionFailuresSayWhatToCheckForTheEndpoint) {
    const std::string ollama = connectionErrorMessage(ConnectionFailure::Unreachable, endpoint(PresetKind::Ollama, ""),
                                                      "https://kiln.example");
    EXPECT_TRUE(contains(ollama, "could not reach localhost:11434")) << ollama;
    EXPECT_TRUE(contains(ollama, "(CORS)")) << ollama;
    EXPECT_TRUE(contains(ollama, "OLLAMA_ORIGINS=https://kiln.example ollama serve")) << ollama;
    EXPECT_TRUE(contains(connectionErrorMessage(ConnectionFailure::Unreachable, endpoint(PresetKind::LmStudio, ""), ""),
                         "Enable CORS"));
    Endpoint lan = endpoint(PresetKind::Custom, "");
    lan.base_url = "http://192.168.1.20:8000/v1";
    EXPECT_TRUE(contains(connectionErrorMessage(ConnectionFailure::Unreachable, lan, "https://kiln.example"),
                         "browsers block its calls to plain http:// addresses"));
    EXPECT_TRUE(contains(connectionErrorMessage(ConnectionFailure::Unreachable, lan, "http://localhost:8080"),
                         "must allow requests from http://localhost:8080"));
    lan.base_url = "http://127.0.0.1:9000/v1";
    EXPECT_FALSE(
        contains(connectionErrorMessage(ConnectionFailure::Unreachable, lan, "https://kiln.example"), "HTTPS"));
    EXPECT_TRUE(contains(connectionErrorMessage(ConnectionFailure::Unreachable, endpoint(PresetKind::OpenAI), ""),
                         "Check your network connection"));
    EXPECT_EQ(connectionErrorMessage(ConnectionFailure::Dropped, endpoint(PresetKind::Groq), ""),
              "The connection to api.groq.com broke while the answer was arriving; try again.");
    EXPECT_TRUE(contains(connectionErrorMessage(ConnectionFailure::Stalled, endpoint(PresetKind::Groq), "", 30),
                         "api.groq.com sent nothing for 30 seconds"));
}
