// Kiln: helpers the app's action files share (app.cpp, generation.cpp); not for the panels.
#pragma once

#include <cstdint>
#include <exception>
#include <functional>
#include <string>
#include <string_view>

#include "app/app.h"

namespace kiln::app::internal {

// Runs a store action; a failure becomes the visible error instead of escaping to the loop.
template <typename Action>
void guarded(App& app, Action action) {
    try {
        action();
    } catch (const std::exception& error) {
        app.error = error.what();
    }
}

// Runs a write at once, or, when other tabs share the library, once this tab may write.
void whenWritable(App& app, std::function<void()> write);

// Re-reads what another tab or a sync pass changed in the library, keeping what this tab shows
// (and any unsaved edit of the code) unless it is gone.
void takeInChanges(App& app);

// Loads a project's versions and shows version `number` (0: the latest), with its prompt text.
void loadProject(App& app, const store::Project& project, int number);

// Brings the prompt box to `owner`'s text (a project's public id; "" for the start page), keeping
// the text it had for its own owner first (app.h, syncPrompt).
void switchPrompt(App& app, const std::string& owner);
// Once a generation for project `project_id` made its version: the prompt that asked for it
// leaves that project's box (shown or kept), unless something else was typed there since.
void clearSentPrompt(App& app, int64_t project_id, const std::string& instruction);

// Once a version was made from an edit of version `number` of project `project_id` (saved by
// hand, or sent with a follow-up), that edit is no longer kept, unless it changed since (app.h,
// keepCodeEdit).
void forgetCodeEdit(App& app, int64_t project_id, int number, const std::string& edit);

// Stores a new version of version.project_id and, when that project is open, shows it. Returns
// its number.
int addVersion(App& app, store::NewVersion version);

// Version `number` among the open project's, or null.
const store::VersionSummary* findVersion(const OpenProject& open, int number);

// The code point of the well-formed UTF-8 sequence of `length` bytes (codegen::utf8SequenceLength)
// at text[pos].
uint32_t codePointAt(std::string_view text, size_t pos, int length);

// Characters that change the direction text is shown in: shown in a name, they make it read as
// another ("invoice<U+202E>lmth.exe" reads as "invoice" + "exe.html").
bool isDirectionControl(uint32_t c);

// A project name from the first words of a prompt.
std::string nameFromPrompt(const std::string& prompt);

// The name a new project gets when none is given ("Untitled 3"), and whether a name is one.
std::string untitledName(size_t number);
bool isUntitledName(const std::string& name);

}  // namespace kiln::app::internal
