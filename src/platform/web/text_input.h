// Kiln: text, IME and the clipboard for ImGui in the browser (part of the backend).
//
// ImGui draws its text fields on the canvas, but typing, composed (IME) input, the touch keyboard
// and the clipboard need a real editable element holding the focus. web/js/input.js keeps a
// transparent <textarea> at ImGui's text caret and focused while a field is edited; its `input`
// and `compositionend` events feed ImGui characters, and the DOM copy, cut and paste events
// carry the clipboard (Emscripten's own clipboard is an empty stub).
#pragma once

namespace kiln::web {

// Sets io.SetClipboardTextFn, GetClipboardTextFn and SetPlatformImeDataFn. Called by initCanvas().
void installTextInput();

// Whether an ImGui text field is being edited, so the hidden element has (or was given) the
// keyboard focus and keys that make text must reach it.
bool textInputActive();

}  // namespace kiln::web
