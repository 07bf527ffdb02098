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

// A key that makes text (`key` is one character; no Ctrl or Cmd held) pressed while the hidden
// element does not have the focus: typed right after a click on a field, before the frame that
// starts editing it (a slow device), the browser would drop it. It goes to ImGui's queue instead,
// after the click, so the field the click makes active gets it (ImGui drops it if none does).
void typeWhereFocusIsLate(const char* key);

}  // namespace kiln::web
