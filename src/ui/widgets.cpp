// Small widgets the panels and dialogs share: the splitter between panels, a row of tabs, muted
// text, the warning colour, and the measures that decide what fits on a line.
#include "ui/widgets.h"

#include <imgui.h>

#include <algorithm>
#include <string>
#include <string_view>

#include "ui/icons.h"
#include "ui/test_locator.h"

namespace kiln::ui {

namespace {

constexpr float kSplitterWidth = 6.0f;

}  // namespace

// A draggable vertical bar between two panels; drags change `width` within [min, max].
bool verticalSplitter(const char* id, float& width, float min_width, float max_width, float height) {
    ImGui::SameLine(0, 0);
    ImGui::InvisibleButton(id, ImVec2(kSplitterWidth, height));
    bool active = ImGui::IsItemActive();
    if (active || ImGui::IsItemHovered()) ImGui::SetMouseCursor(ImGuiMouseCursor_ResizeEW);
    if (active) width = std::clamp(width + ImGui::GetIO().MouseDelta.x, min_width, std::max(min_width, max_width));
    ImVec2 min = ImGui::GetItemRectMin(), max = ImGui::GetItemRectMax();
    float x = (min.x + max.x) * 0.5f;
    ImGui::GetWindowDrawList()->AddLine(ImVec2(x, min.y), ImVec2(x, max.y),
                                        ImGui::GetColorU32(active ? ImGuiCol_SeparatorActive : ImGuiCol_Separator));
    ImGui::SameLine(0, 0);
    return active;
}

// Whether `width` more fits on the line of the last item, after the usual spacing.
bool fitsBeside(float width) {
    const float right = ImGui::GetItemRectMax().x + ImGui::GetStyle().ItemSpacing.x + width;
    return right <= ImGui::GetWindowPos().x + ImGui::GetWindowContentRegionMax().x;
}

// Puts the next item, `width` wide, on the line of the last one when it fits there; else it
// starts a line of its own.
void sameLineIfFits(float width) {
    if (fitsBeside(width)) ImGui::SameLine();
}

float buttonWidth(const char* label) {
    return ImGui::CalcTextSize(label, nullptr, true).x + ImGui::GetStyle().FramePadding.x * 2;
}

void fieldLabel(const char* label) {
    ImGui::AlignTextToFramePadding();
    ImGui::TextUnformatted(label);
    ImGui::SameLine(130.0f);
    ImGui::SetNextItemWidth(-1);
}

void mutedWrapped(const char* text) {
    ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyleColorVec4(ImGuiCol_TextDisabled));
    ImGui::TextWrapped("%s", text);
    ImGui::PopStyleColor();
}

// A row of tabs drawn as buttons; the chosen one is highlighted. Returns the chosen index.
// With `fill`, the tabs share the whole width (the phone layout).
int tabRow(const char* const* labels, int count, int selected) {
    constexpr float kGap = 4.0f;
    // Tabs that do not fit on the line show their icons alone (their words on hover).
    float total = kGap * static_cast<float>(count - 1);
    for (int i = 0; i < count; ++i) total += buttonWidth(labels[i]);
    const bool icons_only = total > ImGui::GetContentRegionAvail().x;
    ImGui::PushStyleVar(ImGuiStyleVar_ItemSpacing, ImVec2(kGap, kGap));
    for (int i = 0; i < count; ++i) {
        if (i > 0) ImGui::SameLine();
        const bool chosen = i == selected;
        const std::string_view label = labels[i];
        // An icon and a space, then words: the icon alone keeps the words as its id.
        const size_t icon = iconBytes(label);
        const bool has_icon = icon > 0 && label.size() > icon + 1 && label[icon] == ' ';
        const std::string shown = icons_only && has_icon
                                      ? std::string(label.substr(0, icon)) + "##" + std::string(label.substr(icon + 1))
                                      : std::string(label);
        ImGui::PushStyleColor(ImGuiCol_Button, ImGui::GetStyleColorVec4(chosen ? ImGuiCol_TabActive : ImGuiCol_Tab));
        ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyleColorVec4(chosen ? ImGuiCol_Text : ImGuiCol_TextDisabled));
        if (ImGui::Button(shown.c_str())) selected = i;
        ImGui::PopStyleColor(2);
        if (icons_only && has_icon && ImGui::IsItemHovered()) {
            const std::string words(label.substr(icon + 1));
            ImGui::SetTooltip("%s", std::string(words, 0, words.find("##")).c_str());
        }
    }
    ImGui::PopStyleVar();
    ImGui::Separator();
    return selected;
}

bool beginDialog(const char* title, float width, bool* open) {
    const ImGuiViewport* viewport = ImGui::GetMainViewport();
    if (phoneLayout()) {
        ImGui::SetNextWindowPos(viewport->WorkPos);
        ImGui::SetNextWindowSize(viewport->WorkSize);
    } else {
        constexpr float kMargin = 16.0f;
        const float shown = std::min(width, viewport->WorkSize.x - 2 * kMargin);
        ImGui::SetNextWindowPos(viewport->GetCenter(), ImGuiCond_Always, ImVec2(0.5f, 0.5f));
        ImGui::SetNextWindowSizeConstraints(ImVec2(shown, 0), ImVec2(shown, viewport->WorkSize.y - 2 * kMargin));
        ImGui::SetNextWindowSize(ImVec2(shown, 0));
    }
    // Opaque: what is behind a dialog (dimmed around a desktop one) does not show through it.
    ImVec4 background = ImGui::GetStyleColorVec4(ImGuiCol_PopupBg);
    background.w = 1.0f;
    ImGui::PushStyleColor(ImGuiCol_PopupBg, background);
    const bool shown = ImGui::BeginPopupModal(title, open, ImGuiWindowFlags_NoResize | ImGuiWindowFlags_NoMove);
    ImGui::PopStyleColor();
    if (!shown) return false;
    locateLastItem("##dialog title bar");  // Begin leaves the title bar as the last item
    return true;
}

bool phoneLayout() {
    return ImGui::GetMainViewport()->WorkSize.x < kPhoneWidth;
}

bool compactButton(const char* label) {
    return phoneLayout() ? ImGui::Button(label) : ImGui::SmallButton(label);
}

void beginDialogBody(int button_rows) {
    if (!phoneLayout()) return;
    const ImGuiStyle& style = ImGui::GetStyle();
    const float buttons = button_rows * ImGui::GetFrameHeightWithSpacing() + style.ItemSpacing.y;  // and a separator
    ImGui::BeginChild("##dialog body", ImVec2(0, -buttons));
}

void endDialogBody() {
    if (phoneLayout()) ImGui::EndChild();
}

bool beginCombo(const char* label, const char* preview, ImGuiComboFlags flags) {
    const bool open = ImGui::BeginCombo(label, preview, flags);
    locateLastItem(label);
    // A selectable is its text's height plus the item spacing.
    if (open && phoneLayout()) {
        ImGui::PushStyleVar(ImGuiStyleVar_ItemSpacing,
                            ImVec2(ImGui::GetStyle().ItemSpacing.x, kTouchTarget - ImGui::GetTextLineHeight()));
    }
    return open;
}

void endCombo() {
    if (phoneLayout()) ImGui::PopStyleVar();
    ImGui::EndCombo();
}

}  // namespace kiln::ui
