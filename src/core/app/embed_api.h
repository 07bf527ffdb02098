// Kiln: the messages between Kiln and the page that embeds it in an iframe (README: "Embedding
// Kiln"), as JSON text. The platform checks where a message comes from and where one may go; this
// is what they say, and what the app does with them: the same actions the panels call.
//
//   to the embedding page    {kiln: 'ready', version: 1}                       the library is open
//                            {kiln: 'version', project, name, number, prompt, code}
//   from the embedding page  {kiln: 'prompt', text, send?}                     fill the prompt box
//                            {kiln: 'open', project, version?}                 as a #/p/<id>/v/<n> link
//                            {kiln: 'new-project', name?, code?}
//
// Nothing else goes out: no settings, no keys, no list of the library.
#pragma once

#include <string>
#include <string_view>

#include "core/app/app.h"

namespace kiln::app {

// The API's version, sent with 'ready'. It changes only when a message changes incompatibly.
constexpr int kEmbedApiVersion = 1;

// {"kiln":"ready","version":kEmbedApiVersion}
std::string embedReadyMessage();

// {"kiln":"version",...}: a version just saved. Text that is not valid UTF-8 is sent with
// U+FFFD in its place.
std::string embedVersionMessage(const store::Project& project, const store::Version& version);

// Acts on a message from the embedding page, given as JSON text. Returns false, doing nothing,
// for anything that is not a well-formed message of the API (not JSON, another kind, a field of
// the wrong type); never throws. A well-formed request that fails shows its error as the panels'
// would (a project that is not in this library, a send without an endpoint set up).
bool handleEmbedMessage(App& app, std::string_view message);

}  // namespace kiln::app
