// Kiln: small widgets the panels and dialogs share (widgets.cpp), so none is copied.
#pragma once

#include <imgui.h>

namespace kiln::ui {

// Below this width (CSS pixels of the canvas, not of the device: an embedded Kiln follows its
// frame) the interface is one column with tabs, and dialogs are sheets over the whole window.
constexpr float kPhoneWidth = 720.0f;
// On a phone every button, field, tab and row is at least this tall (CSS pixels): a finger's size.
constexpr float kTouchTarget = 44.0f;

// Whether this frame is laid out for a phone: the canvas narrower than kPhoneWidth.
bool phoneLayout();

// The colour of warnings: a failed generation, a failed save, a key that would not be sent.
constexpr ImVec4 kWarning(0.92f, 0.42f, 0.16f, 1.0f);
// The colour of what an app reported as errors: its console's, its versions' error counts.
constexpr ImVec4 kError(0.86f, 0.2f, 0.16f, 1.0f);

// A draggable vertical bar between two panels, on the line of the last item, `height` tall; drags
// change `width` within [min_width, max(min_width, max_width)] and return true while it is dragged.
// The next item follows on its line.
bool verticalSplitter(const char* id, float& width, float min_width, float max_width, float height);

// A button without vertical padding, for a status line or a banner; on a phone a full-size one
// (kTouchTarget).
bool compactButton(const char* label);

// Whether `width` more fits on the line of the last item, after the usual spacing.
bool fitsBeside(float width);

// Puts the next item, `width` wide, on the line of the last one when it fits there; else it
// starts a line of its own.
void sameLineIfFits(float width);

// The width of a button labelled `label` (text before any "##" counts) with the style's padding.
float buttonWidth(const char* label);

// A dialog's field label: the label, then the field (the next item) beside it, as wide as is left.
void fieldLabel(const char* label);

// Wrapped text in the disabled text colour: explanations beside what matters.
void mutedWrapped(const char* text);

// A row of `count` tabs drawn as buttons, then a separator; the `selected` one is highlighted.
// Returns the chosen index (`selected` unless one was clicked).
int tabRow(const char* const* labels, int count, int selected);

// ImGui::BeginCombo, and the combo findable by its label ("##id") for browser tests: ImGui 1.90
// reports no label for a combo to the item locator. On a phone its choices are kTouchTarget tall.
// When it returns true, call endCombo().
bool beginCombo(const char* label, const char* preview, ImGuiComboFlags flags = 0);
void endCombo();

// ImGui::BeginPopupModal for a dialog `width` wide, centred, never taller than the window (what
// does not fit scrolls inside it). Narrower than kPhoneWidth, the dialog is a sheet over the
// whole window. Its title bar has a close control: clicking it closes the dialog, clears `*open`
// and returns false, and the caller does what its Cancel does.
bool beginDialog(const char* title, float width, bool* open);

// Around the fields of a dialog whose buttons follow in `button_rows` rows: on a phone the fields
// scroll in the sheet and the buttons stay at the bottom of the screen, in reach and never
// scrolled away. On a desktop they do nothing (the box is as tall as what it holds).
void beginDialogBody(int button_rows = 1);
void endDialogBody();

// tabRow over the values of an enum class, drawn in the enum's order.
template <typename Tab>
Tab tabRow(const char* const* labels, int count, Tab selected) {
    return static_cast<Tab>(tabRow(labels, count, static_cast<int>(selected)));
}

}  // namespace kiln::ui
