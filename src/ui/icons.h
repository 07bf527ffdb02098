// Kiln: the icons it draws beside labels, from Google's Material Icons (Debian's
// fonts-material-design-icons-iconfont, Apache License 2.0). They are glyphs at their code points
// in Unicode's private use area, merged into the body font (ui/theme.cpp), so a label is an icon,
// a space and its words: KILN_ICON_ADD " New project". The build keeps only these glyphs
// (kiln_icon_unicodes in cmake/web.cmake) and theme.cpp loads only them (kIconRanges): keep the
// three lists the same. The test locator finds an item by its words, without the icon.
#pragma once

#include <cstddef>
#include <string_view>

#define KILN_ICON_ADD "\uE145"       // add: New project
#define KILN_ICON_SEND "\uE163"      // send: Send
#define KILN_ICON_STOP "\uE047"      // stop: Stop
#define KILN_ICON_SETTINGS "\uE8B8"  // settings: Settings
#define KILN_ICON_STORAGE "\uE1DB"   // storage: Storage
#define KILN_ICON_EDIT "\uE3C9"      // edit: Rename
#define KILN_ICON_DELETE "\uE872"    // delete: Delete
#define KILN_ICON_RESTORE "\uE8B3"   // restore: Restore
#define KILN_ICON_FORK "\uE0B6"      // call_split: Fork
#define KILN_ICON_OPEN_TAB "\uE89E"  // open_in_new: Open in new tab
#define KILN_ICON_LINK "\uE157"      // link: Share link
#define KILN_ICON_PREVIEW "\uE037"   // play_arrow: the Preview tab
#define KILN_ICON_CODE "\uE86F"      // code: the Code tab
#define KILN_ICON_CHANGES "\uEB7D"   // difference: the Changes tab
#define KILN_ICON_APP_DATA "\uEAD3"  // data_object: the App data tab
#define KILN_ICON_PROJECTS "\uE2C7"  // folder: the Projects tab
#define KILN_ICON_PROMPT "\uE0B7"    // chat: the Prompt tab
#define KILN_ICON_VERSIONS "\uE889"  // history: the Versions tab
#define KILN_ICON_COPY "\uE14D"      // content_copy: Copy code
#define KILN_ICON_DOWNLOAD "\uF090"  // download: Download
#define KILN_ICON_SYNC "\uE627"      // sync: Sync

namespace kiln::ui {

// The bytes of the icon that starts `label` (a code point of the private use area, U+E000 to
// U+F8FF: three bytes of UTF-8), or 0 when it starts with none.
inline size_t iconBytes(std::string_view label) {
    if (label.size() < 3) return 0;
    const auto lead = static_cast<unsigned char>(label[0]), next = static_cast<unsigned char>(label[1]);
    return lead == 0xEE || (lead == 0xEF && next <= 0xA3) ? 3 : 0;
}

}  // namespace kiln::ui
