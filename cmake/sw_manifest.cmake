# Writes sw-manifest.js into a built web folder for the service worker (web/sw.js): every file it
# precaches, with its SHA-256, and the build's version, a hash of all of them.
#
#   cmake -DWEB_DIR=<build/web> -P cmake/sw_manifest.cmake
#
# Every file of the folder is part of the shell except the worker and this manifest. The build
# runs it whenever a served file changes and after each link of kiln.js/kiln.wasm.
if(NOT WEB_DIR OR NOT IS_DIRECTORY "${WEB_DIR}")
  message(FATAL_ERROR "sw_manifest.cmake: WEB_DIR (${WEB_DIR}) is not a folder")
endif()

file(GLOB_RECURSE files LIST_DIRECTORIES false RELATIVE "${WEB_DIR}" "${WEB_DIR}/*")
list(REMOVE_ITEM files sw.js sw-manifest.js)
list(SORT files)

set(entries "")
set(everything "")
foreach(file IN LISTS files)
  file(SHA256 "${WEB_DIR}/${file}" hash)
  string(APPEND entries "    \"${file}\": \"${hash}\",\n")
  string(APPEND everything "${file} ${hash}\n")
endforeach()
string(SHA256 version "${everything}")
string(SUBSTRING "${version}" 0 16 version)

file(WRITE "${WEB_DIR}/sw-manifest.js"
  "// Written by cmake/sw_manifest.cmake at build time: the files of this build of Kiln.\n"
  "self.kilnManifest = {\n"
  "  version: \"${version}\",\n"
  "  files: {\n"
  "${entries}"
  "  },\n"
  "};\n")
