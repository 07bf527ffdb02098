// Kiln: the messages between Kiln and the page that embeds it in an iframe (docs/EMBEDDING.md),
// as JSON text. The platform checks where a message comes from and where one may go; this
// is what they say, and what the app does with them: the same actions the panels call.
//
//   to the embedding page    {kiln: 'ready', version: 1}                       the library is open
//                            {kiln: 'version', project, name, number, prompt, code}
//                            {kiln: 'error', code, message, request}         a send was not made
//   from the embedding page  {kiln: 'prompt', text, send?, request?}           fill the prompt box
//                            {kiln: 'open', project, version?}                 as a #/p/<id>/v/<n> link
//                            {kiln: 'new-project', name?, code?}
//
// Nothing else goes out: no settings, no keys, no list of the library.
//
// A send spends the user's endpoint (and key): it needs the user's consent for the embedding
// page's origin, given by a click in Kiln's own dialog (Allow once, Always, Deny), and is rate
// limited per origin. Without consent the page gets {kiln: 'error', code: 'consent-required'}
// while the user is asked, 'denied' once they said no (until Kiln is reloaded), 'rate-limited'
// past kEmbedSendLimit sends in kEmbedSendWindowMs, and 'read-only' when the library was made by a
// newer Kiln (nothing is asked or sent). "Always" is kept in the settings table
// (`embed_consent`: {"always": [origins]}) and revoked in Settings.
#pragma once

#include <string>
#include <string_view>

#include "app/app.h"

namespace kiln::app {

// The API's version, sent with 'ready'. It changes only when a message changes incompatibly.
constexpr int kEmbedApiVersion = 1;

// At most this many sends per embedding origin within a sliding window of kEmbedSendWindowMs,
// asked or allowed alike; more are answered 'rate-limited'.
constexpr int kEmbedSendLimit = 4;
constexpr int64_t kEmbedSendWindowMs = 60'000;

// The consent dialog's Allow buttons act only once the dialog has been shown, and Kiln's frame
// not known to be hidden, for this long without a change: a page cannot slide the dialog under
// the user's pointer (or uncover it) just before a click.
constexpr int64_t kConsentArmMs = 1000;

enum class ConsentChoice { AllowOnce, Always, Deny };

// {"kiln":"ready","version":kEmbedApiVersion}
std::string embedReadyMessage();

// {"kiln":"version",...}: a version just saved. Text that is not valid UTF-8 is sent with
// U+FFFD in its place.
std::string embedVersionMessage(const store::Project& project, const store::Version& version);

// Acts on a message from the embedding page, given as JSON text. Returns false, doing nothing,
// for anything that is not a well-formed message of the API (not JSON, another kind, a field of
// the wrong type); never throws. A well-formed request that fails shows its error as the panels'
// would (a project that is not in this library, a send without an endpoint set up).
// Messages come from app.embed.origin; answers go through app.embed.post.
bool handleEmbedMessage(App& app, std::string_view message);

// Reads the origins allowed always from the settings (on opening a library).
void loadEmbedConsent(App& app);
// Records what the browser reports of Kiln's frame on the embedding page (visible and
// unobstructed, or not); a change restarts the consent dialog's arming (kConsentArmMs).
void setEmbedVisible(App& app, bool visible);
// Whether the consent dialog's Allow buttons may act: a request is pending, Kiln's frame is not
// known to be hidden or covered, and neither the request nor the frame's visibility changed
// within the last kConsentArmMs (app.clock_ms).
bool consentCanAllow(const App& app);
// In how many ms consentCanAllow() becomes true by time alone (so the frame loop can wake then):
// 0 when it already is or when nothing is pending, -1 while the frame is known to be hidden.
int64_t consentArmsInMs(const App& app);
// The user's answer to app.embed.pending, from a click in Kiln: Allow once and Always send the
// prompt (Always also keeps the origin allowed); Deny answers the page 'denied'. Allow does
// nothing while consentCanAllow() is false.
void answerConsent(App& app, ConsentChoice choice);
// Takes an "Always" back: the origin is asked again next time.
void revokeConsent(App& app, const std::string& origin);

}  // namespace kiln::app
