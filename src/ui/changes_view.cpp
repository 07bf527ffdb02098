#include "ui/changes_view.h"

#include <imgui.h>

#include <algorithm>
#include <cstdio>
#include <string>

#include "ui/code_editor.h"
#include "ui/theme.h"
#include "ui/widgets.h"

namespace kiln::ui {

namespace {

struct Palette {
    ImU32 added;  // row backgrounds
    ImU32 removed;
    ImU32 folded;
    ImU32 added_text;  // the + and - signs and the summary
    ImU32 removed_text;
};

Palette palette(bool dark) {
    if (dark) {
        return {IM_COL32(35, 80, 45, 255), IM_COL32(95, 38, 38, 255), IM_COL32(45, 45, 48, 255),
                IM_COL32(120, 200, 130, 255), IM_COL32(240, 130, 120, 255)};
    }
    return {IM_COL32(220, 245, 222, 255), IM_COL32(252, 224, 222, 255), IM_COL32(240, 240, 236, 255),
            IM_COL32(26, 127, 55, 255), IM_COL32(190, 40, 40, 255)};
}

std::string versionLabel(const store::VersionSummary& version) {
    std::string label = "v" + std::to_string(version.number);
    if (!version.prompt.empty()) label += "  " + version.prompt.substr(0, 40);
    return label;
}

// The header: "Changes from [vN ▾] to vM    +a −r lines".
void drawHeader(app::App& app, const Palette& colors) {
    const app::OpenProject& open = *app.open;
    const app::Changes& changes = open.changes;
    ImGui::AlignTextToFramePadding();
    ImGui::TextUnformatted("Changes from");
    ImGui::SameLine();
    std::string preview = "nothing";
    for (const store::VersionSummary& version : open.versions) {
        if (version.number == changes.base) preview = "v" + std::to_string(version.number);
    }
    ImGui::SetNextItemWidth(ImGui::CalcTextSize("v0000").x + ImGui::GetFrameHeight() * 1.5f);
    if (beginCombo("##compare base", preview.c_str(), ImGuiComboFlags_HeightLarge)) {
        for (auto it = open.versions.rbegin(); it != open.versions.rend(); ++it) {
            if (it->number == open.selected) continue;
            ImGui::PushID(it->number);
            if (ImGui::Selectable(versionLabel(*it).c_str(), it->number == changes.base)) {
                app::compareVersions(app, it->number);
            }
            ImGui::PopID();
        }
        endCombo();
    }
    ImGui::SameLine();
    ImGui::Text("to v%d", open.selected);
    if (!changes.comparison) return;
    const diff::LineDiff& diff = changes.comparison->diff();
    ImGui::SameLine(0, ImGui::GetStyle().ItemSpacing.x * 3);
    if (diff.added == 0 && diff.removed == 0) {
        ImGui::TextDisabled("No changes");
        return;
    }
    ImGui::PushStyleColor(ImGuiCol_Text, colors.added_text);
    ImGui::Text("+%d", diff.added);
    ImGui::PopStyleColor();
    ImGui::SameLine();
    ImGui::PushStyleColor(ImGuiCol_Text, colors.removed_text);
    ImGui::Text("\xE2\x88\x92%d", diff.removed);  // U+2212 MINUS SIGN
    ImGui::PopStyleColor();
    ImGui::SameLine();
    ImGui::TextDisabled(diff.added + diff.removed == 1 ? "line" : "lines");
    if (diff.approximate) {
        ImGui::SameLine();
        ImGui::TextDisabled("(too many changes to pair up: shown as replaced)");
    }
}

}  // namespace

void drawChanges(app::App& app, const Fonts& fonts, bool dark) {
    if (!app.open || app.open->selected == 0) {
        ImGui::TextDisabled("No versions yet: the changes of each version show here.");
        return;
    }
    app::compareVersions(app, app.open->changes.base);
    const Palette colors = palette(dark);
    drawHeader(app, colors);
    const std::shared_ptr<const diff::Comparison> comparison = app.open->changes.comparison;
    if (!comparison) return;  // the store failed: the error banner says why
    const diff::LineDiff& diff = comparison->diff();

    const CodeEditorStyle code = codeEditorStyle(dark);
    ImGui::PushStyleColor(ImGuiCol_ChildBg, code.background);
    ImGui::BeginChild("changes", ImVec2(0, 0), ImGuiChildFlags_Border, ImGuiWindowFlags_HorizontalScrollbar);
    ImGui::PushFont(fonts.code);
    ImGui::PushStyleVar(ImGuiStyleVar_ItemSpacing, ImVec2(ImGui::GetStyle().ItemSpacing.x, 0));  // rows touch
    const float line = ImGui::GetTextLineHeight();
    const float digit = ImGui::CalcTextSize("0").x;
    char number[16];
    std::snprintf(number, sizeof number, "%zu", comparison->lines());
    const float number_width = digit * static_cast<float>(std::string(number).size());
    const float pad = digit;
    const float sign_x = pad + number_width + pad + number_width + pad;
    const float text_x = sign_x + digit * 2;
    ImDrawList* draw = ImGui::GetWindowDrawList();
    const float full_width = std::max(ImGui::GetContentRegionAvail().x, ImGui::GetWindowWidth());

    ImGuiListClipper clipper;
    clipper.Begin(static_cast<int>(diff.rows.size()), line);
    while (clipper.Step()) {
        for (int i = clipper.DisplayStart; i < clipper.DisplayEnd; ++i) {
            const diff::Row& row = diff.rows[i];
            const ImVec2 at = ImGui::GetCursorScreenPos();
            const std::string_view text = comparison->text(row);
            ImGui::Dummy(ImVec2(text_x + ImGui::CalcTextSize(text.data(), text.data() + text.size()).x, line));
            const ImVec2 end(at.x + full_width, at.y + line);
            if (row.kind == diff::RowKind::Folded) {
                draw->AddRectFilled(at, end, colors.folded);
                char folded[64];
                std::snprintf(folded, sizeof folded, "\xE2\x80\xA6 %d unchanged line%s", row.count,
                              row.count == 1 ? "" : "s");
                draw->AddText(ImVec2(at.x + sign_x, at.y), code.line_number, folded);
                continue;
            }
            if (row.kind != diff::RowKind::Same) {
                draw->AddRectFilled(at, end, row.kind == diff::RowKind::Added ? colors.added : colors.removed);
            }
            char old_number[16] = "";
            char new_number[16] = "";
            if (row.old_line >= 0 && row.kind != diff::RowKind::Added) {
                std::snprintf(old_number, sizeof old_number, "%d", row.old_line + 1);
            }
            if (row.new_line >= 0 && row.kind != diff::RowKind::Removed) {
                std::snprintf(new_number, sizeof new_number, "%d", row.new_line + 1);
            }
            const auto right = [&](const char* digits, float column_end) {
                draw->AddText(ImVec2(at.x + column_end - ImGui::CalcTextSize(digits).x, at.y), code.line_number,
                              digits);
            };
            right(old_number, pad + number_width);
            right(new_number, pad + number_width + pad + number_width);
            if (row.kind == diff::RowKind::Added) {
                draw->AddText(ImVec2(at.x + sign_x, at.y), colors.added_text, "+");
            } else if (row.kind == diff::RowKind::Removed) {
                draw->AddText(ImVec2(at.x + sign_x, at.y), colors.removed_text, "\xE2\x88\x92");
            }
            draw->AddText(ImVec2(at.x + text_x, at.y), code.token_colors[0], text.data(), text.data() + text.size());
        }
    }
    ImGui::PopStyleVar();
    ImGui::PopFont();
    ImGui::EndChild();
    ImGui::PopStyleColor();
}

}  // namespace kiln::ui
