# The web app. build/web/ ends up holding everything a static host serves:
#   index.html (from shell/), kiln.js + kiln.wasm, the files of web/, assets/, and the fonts
#   copied in from Debian's packages.
set(KILN_WEB_OUTPUT "${CMAKE_SOURCE_DIR}/build/web" CACHE PATH "Where the served files go")

add_library(kiln_imgui STATIC
  "${KILN_IMGUI_DIR}/imgui.cpp"
  "${KILN_IMGUI_DIR}/imgui_draw.cpp"
  "${KILN_IMGUI_DIR}/imgui_tables.cpp"
  "${KILN_IMGUI_DIR}/imgui_widgets.cpp"
  "${KILN_IMGUI_DIR}/backends/imgui_impl_opengl3.cpp"
  "${KILN_IMGUI_DIR}/misc/cpp/imgui_stdlib.cpp")
target_include_directories(kiln_imgui SYSTEM PUBLIC "${KILN_IMGUI_DIR}" "${KILN_IMGUI_DIR}/backends")
# The test-engine hooks feed the item locator behind window.kilnTest (off unless ?test=1).
target_compile_definitions(kiln_imgui PUBLIC IMGUI_ENABLE_TEST_ENGINE IMGUI_DISABLE_OBSOLETE_FUNCTIONS)
# Characters beyond the Basic Multilingual Plane (emoji, some CJK) survive typing and pasting.
target_compile_definitions(kiln_imgui PUBLIC IMGUI_USE_WCHAR32)

# The IndexedDB backend on its own, for the app and the storage benchmark page.
add_library(kiln_web_storage STATIC src/platform/web/indexeddb_backend.cpp)
target_link_libraries(kiln_web_storage PUBLIC kiln_core)

add_executable(kiln
  src/main.cpp
  src/ui/app_ui.cpp
  src/ui/changes_view.cpp
  src/ui/code_editor.cpp
  src/ui/theme.cpp
  src/ui/test_locator.cpp
  src/ui/input_probe.cpp
  src/platform/web/imgui_backend.cpp
  src/platform/web/text_input.cpp
  src/platform/web/preview.cpp
  src/platform/web/router.cpp
  src/platform/web/embed.cpp
  src/platform/web/offline.cpp
  src/platform/web/test_bridge.cpp
  src/platform/web/files.cpp
  src/platform/web/browser_storage.cpp
  src/platform/web/tab_link.cpp
  src/platform/web/fetch_stream.cpp
  src/platform/web/timing.cpp)
target_link_libraries(kiln PRIVATE kiln_core kiln_imgui kiln_web_storage)
set_target_properties(kiln PROPERTIES RUNTIME_OUTPUT_DIRECTORY "${KILN_WEB_OUTPUT}" SUFFIX ".js")
target_link_options(kiln PRIVATE
  -sENVIRONMENT=web
  -sMIN_WEBGL_VERSION=2 -sMAX_WEBGL_VERSION=2
  -sFORCE_FILESYSTEM=1
  -sDYNAMIC_EXECUTION=0
  -sEXPORTED_RUNTIME_METHODS=FS,UTF8ToString,ccall,addRunDependency,removeRunDependency
  -sEXPORTED_FUNCTIONS=_main,_malloc,_free
  -sINITIAL_MEMORY=32MB)

# Files served as they are.
file(GLOB_RECURSE kiln_web_sources CONFIGURE_DEPENDS RELATIVE "${CMAKE_SOURCE_DIR}"
  "${CMAKE_SOURCE_DIR}/web/*" "${CMAKE_SOURCE_DIR}/assets/*")
set(kiln_served_files "")
foreach(source IN LISTS kiln_web_sources)
  string(REGEX REPLACE "^web/" "" target "${source}")
  list(APPEND kiln_served_files "${KILN_WEB_OUTPUT}/${target}")
  add_custom_command(OUTPUT "${KILN_WEB_OUTPUT}/${target}"
    COMMAND "${CMAKE_COMMAND}" -E copy_if_different "${CMAKE_SOURCE_DIR}/${source}" "${KILN_WEB_OUTPUT}/${target}"
    DEPENDS "${CMAKE_SOURCE_DIR}/${source}")
endforeach()
list(APPEND kiln_served_files "${KILN_WEB_OUTPUT}/index.html")
add_custom_command(OUTPUT "${KILN_WEB_OUTPUT}/index.html"
  COMMAND "${CMAKE_COMMAND}" -E copy_if_different "${CMAKE_SOURCE_DIR}/shell/index.html" "${KILN_WEB_OUTPUT}/index.html"
  DEPENDS "${CMAKE_SOURCE_DIR}/shell/index.html")

# Fonts from Debian's packages (fonts-noto-core, fonts-jetbrains-mono), cut down by fonttools'
# pyftsubset to the characters Kiln draws (the ranges of kGlyphRanges in src/ui/theme.cpp: keep
# the two lists the same), without hinting or layout tables, which ImGui does not use: a quarter of
# the download.
find_program(KILN_PYFTSUBSET pyftsubset REQUIRED)
set(kiln_font_unicodes "U+0020-024F,U+0370-03FF,U+0400-052F,U+1E00-1EFF,U+2000-206F,U+20A0-20CF,U+2100-214F,U+2190-21FF,U+2200-22FF,U+2500-25FF,U+2700-27BF")
foreach(font IN ITEMS
    /usr/share/fonts/truetype/noto/NotoSans-Regular.ttf
    /usr/share/fonts/truetype/noto/NotoSans-Bold.ttf
    /usr/share/fonts/truetype/jetbrains-mono/JetBrainsMono-Regular.ttf)
  get_filename_component(name "${font}" NAME)
  list(APPEND kiln_served_files "${KILN_WEB_OUTPUT}/assets/fonts/${name}")
  add_custom_command(OUTPUT "${KILN_WEB_OUTPUT}/assets/fonts/${name}"
    COMMAND "${KILN_PYFTSUBSET}" "${font}" "--unicodes=${kiln_font_unicodes}" --layout-features= --no-hinting
            "--output-file=${KILN_WEB_OUTPUT}/assets/fonts/${name}"
    DEPENDS "${font}")
endforeach()
# The service worker's manifest (cmake/sw_manifest.cmake) hashes everything served: rewritten
# when a served file changes, and after each link of kiln.js and kiln.wasm.
set(kiln_sw_manifest_command "${CMAKE_COMMAND}" "-DWEB_DIR=${KILN_WEB_OUTPUT}" -P "${CMAKE_SOURCE_DIR}/cmake/sw_manifest.cmake")
add_custom_command(OUTPUT "${KILN_WEB_OUTPUT}/sw-manifest.js"
  COMMAND ${kiln_sw_manifest_command}
  DEPENDS ${kiln_served_files} "${CMAKE_SOURCE_DIR}/cmake/sw_manifest.cmake")
add_custom_command(TARGET kiln POST_BUILD COMMAND ${kiln_sw_manifest_command})

add_custom_target(kiln_served_files ALL DEPENDS ${kiln_served_files} "${KILN_WEB_OUTPUT}/sw-manifest.js")
add_dependencies(kiln kiln_served_files)
