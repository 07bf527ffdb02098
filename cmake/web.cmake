# The web app, in two builds from the same objects:
#   kiln       build/web/: what users get, and what scripts/run serves. No test hooks.
#   kiln_test  build/web-test/: the same app with window.kilnTest on ?test=1 pages (the test
#              bridge, the item locator, the input probe: src/test_hooks.h), for the browser tests
#              and the benchmarks that drive the page.
# Each folder holds everything a static host serves: index.html (from shell/), kiln.js + kiln.wasm,
# the files of web/ (and, in the test build, of web-test/), assets/, the fonts cut from Debian's
# packages, and the service worker's manifest of that folder's own files.
set(KILN_WEB_OUTPUT "${CMAKE_SOURCE_DIR}/build/web" CACHE PATH "Where the served files go")
set(KILN_WEB_TEST_OUTPUT "${CMAKE_SOURCE_DIR}/build/web-test" CACHE PATH "Where the test build's served files go")

# platform/web: the browser under core's and app's interfaces (storage, fetch, files, router,
# embedding, tabs) and ImGui's browser backend with Kiln's WebGL2 renderer; the only room that includes emscripten.h.
# The IndexedDB backend is a library of its own too, for the storage benchmark page.
add_library(kiln_web_storage STATIC src/platform/web/indexeddb_backend.cpp)
kiln_room(kiln_web_storage platform/web)
target_link_libraries(kiln_web_storage PUBLIC kiln_core)

# An OBJECT library, not a static one: the linker would leave out of an archive the files whose
# functions only JS calls (EMSCRIPTEN_KEEPALIVE).
add_library(kiln_platform_web OBJECT
  src/platform/web/imgui_backend.cpp
  src/platform/web/webgl_renderer.cpp
  src/platform/web/text_input.cpp
  src/platform/web/preview.cpp
  src/platform/web/router.cpp
  src/platform/web/embed.cpp
  src/platform/web/offline.cpp
  src/platform/web/files.cpp
  src/platform/web/share_codec.cpp
  src/platform/web/browser_storage.cpp
  src/platform/web/tab_link.cpp
  src/platform/web/fetch_stream.cpp
  src/platform/web/timing.cpp)
kiln_room(kiln_platform_web platform/web)
target_link_libraries(kiln_platform_web PUBLIC kiln_app kiln_web_storage kiln_imgui)

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
  list(APPEND kiln_fonts "${CMAKE_BINARY_DIR}/fonts/${name}")
  add_custom_command(OUTPUT "${CMAKE_BINARY_DIR}/fonts/${name}"
    COMMAND "${KILN_PYFTSUBSET}" "${font}" "--unicodes=${kiln_font_unicodes}" --layout-features= --no-hinting
            "--output-file=${CMAKE_BINARY_DIR}/fonts/${name}"
    DEPENDS "${font}")
endforeach()
# The icons (fonts-material-design-icons-iconfont): only those of src/ui/icons.h (and kIconRanges in
# src/ui/theme.cpp: keep the three lists the same), a few kilobytes of a 350 KB font.
set(kiln_icon_font /usr/share/fonts/truetype/material-design-icons-iconfont/MaterialIcons-Regular.ttf)
set(kiln_icon_unicodes "U+E145,U+E163,U+E047,U+E8B8,U+E1DB,U+E3C9,U+E872,U+E8B3,U+E0B6,U+E89E,U+E157,U+E037,U+E86F,U+EB7D,U+EAD3,U+E2C7,U+E0B7,U+E889,U+E14D,U+F090,U+E627")
list(APPEND kiln_fonts "${CMAKE_BINARY_DIR}/fonts/MaterialIcons-Regular.ttf")
add_custom_command(OUTPUT "${CMAKE_BINARY_DIR}/fonts/MaterialIcons-Regular.ttf"
  COMMAND "${KILN_PYFTSUBSET}" "${kiln_icon_font}" "--unicodes=${kiln_icon_unicodes}" --layout-features= --no-hinting
          "--output-file=${CMAKE_BINARY_DIR}/fonts/MaterialIcons-Regular.ttf"
  DEPENDS "${kiln_icon_font}")

# One build of the page: `target` wires the rooms together through src/main.cpp and its own
# `SOURCES` into `dir`/kiln.js + kiln.wasm, beside copies of shell/index.html (or
# `INDEX_COMMAND`'s page), of the files of web/ and assets/ (and of `EXTRA_DIR`, served on top), the fonts, and the
# service worker's manifest of exactly these files (cmake/sw_manifest.cmake): rewritten when a
# served file changes, and after each link of kiln.js and kiln.wasm.
function(kiln_add_page target dir)
  cmake_parse_arguments(PARSE_ARGV 2 page "" "EXTRA_DIR" "SOURCES;INDEX_COMMAND")
  add_executable(${target} src/main.cpp ${page_SOURCES})
  target_link_libraries(${target} PRIVATE kiln_ui kiln_platform_web)
  set_target_properties(${target} PROPERTIES OUTPUT_NAME kiln RUNTIME_OUTPUT_DIRECTORY "${dir}" SUFFIX ".js")
  target_link_options(${target} PRIVATE
    -sENVIRONMENT=web
    -sMIN_WEBGL_VERSION=2 -sMAX_WEBGL_VERSION=2
    -sFORCE_FILESYSTEM=1
    -sDYNAMIC_EXECUTION=0
    -sEXPORTED_RUNTIME_METHODS=FS,UTF8ToString,ccall,addRunDependency,removeRunDependency
    -sEXPORTED_FUNCTIONS=_main,_malloc,_free
    -sINITIAL_MEMORY=32MB)

  # Files served as they are: web/ and assets/ (the same path in the folder), then EXTRA_DIR's.
  file(GLOB_RECURSE sources CONFIGURE_DEPENDS RELATIVE "${CMAKE_SOURCE_DIR}"
    "${CMAKE_SOURCE_DIR}/web/*" "${CMAKE_SOURCE_DIR}/assets/*")
  set(pairs "")
  foreach(source IN LISTS sources)
    string(REGEX REPLACE "^web/" "" served "${source}")
    list(APPEND pairs "${source}|${served}")
  endforeach()
  if(page_EXTRA_DIR)
    file(GLOB_RECURSE extra CONFIGURE_DEPENDS RELATIVE "${CMAKE_SOURCE_DIR}/${page_EXTRA_DIR}"
      "${CMAKE_SOURCE_DIR}/${page_EXTRA_DIR}/*")
    foreach(served IN LISTS extra)
      list(APPEND pairs "${page_EXTRA_DIR}/${served}|${served}")
    endforeach()
  endif()
  set(served_files "")
  foreach(pair IN LISTS pairs)
    string(REPLACE "|" ";" pair "${pair}")
    list(GET pair 0 source)
    list(GET pair 1 served)
    list(APPEND served_files "${dir}/${served}")
    add_custom_command(OUTPUT "${dir}/${served}"
      COMMAND "${CMAKE_COMMAND}" -E copy_if_different "${CMAKE_SOURCE_DIR}/${source}" "${dir}/${served}"
      DEPENDS "${CMAKE_SOURCE_DIR}/${source}")
  endforeach()
  foreach(font IN LISTS kiln_fonts)
    get_filename_component(name "${font}" NAME)
    list(APPEND served_files "${dir}/assets/fonts/${name}")
    add_custom_command(OUTPUT "${dir}/assets/fonts/${name}"
      COMMAND "${CMAKE_COMMAND}" -E copy_if_different "${font}" "${dir}/assets/fonts/${name}"
      DEPENDS "${font}")
  endforeach()
  list(APPEND served_files "${dir}/index.html")
  if(page_INDEX_COMMAND)
    add_custom_command(OUTPUT "${dir}/index.html"
      COMMAND ${page_INDEX_COMMAND}
      DEPENDS "${CMAKE_SOURCE_DIR}/shell/index.html" "${CMAKE_SOURCE_DIR}/cmake/test_page.cmake")
  else()
    add_custom_command(OUTPUT "${dir}/index.html"
      COMMAND "${CMAKE_COMMAND}" -E copy_if_different "${CMAKE_SOURCE_DIR}/shell/index.html" "${dir}/index.html"
      DEPENDS "${CMAKE_SOURCE_DIR}/shell/index.html")
  endif()

  set(manifest_command "${CMAKE_COMMAND}" "-DWEB_DIR=${dir}" -P "${CMAKE_SOURCE_DIR}/cmake/sw_manifest.cmake")
  add_custom_command(OUTPUT "${dir}/sw-manifest.js"
    COMMAND ${manifest_command}
    DEPENDS ${served_files} "${CMAKE_SOURCE_DIR}/cmake/sw_manifest.cmake")
  add_custom_command(TARGET ${target} POST_BUILD COMMAND ${manifest_command})
  add_custom_target(${target}_served_files DEPENDS ${served_files} "${dir}/sw-manifest.js")
  add_dependencies(${target} ${target}_served_files)
endfunction()

kiln_add_page(kiln "${KILN_WEB_OUTPUT}" SOURCES src/no_test_hooks.cpp)
kiln_add_page(kiln_test "${KILN_WEB_TEST_OUTPUT}"
  SOURCES
    src/test_hooks.cpp
    src/platform/web/test_bridge.cpp
    src/ui/test_locator.cpp
    src/ui/input_probe.cpp
  EXTRA_DIR web-test
  INDEX_COMMAND "${CMAKE_COMMAND}" "-DIN=${CMAKE_SOURCE_DIR}/shell/index.html"
                "-DOUT=${KILN_WEB_TEST_OUTPUT}/index.html" -P "${CMAKE_SOURCE_DIR}/cmake/test_page.cmake")
