#!/usr/bin/env bash
# The include graph of src/, checked where a compiler cannot check it (tests/layers/CMakeLists.txt
# proves the rest by compiling). Every #include in a room:
#   - names a room path ("core/...", "app/...") that its arrows allow (ui -> app -> core;
#     platform/web -> app -> core): no bare "x.h" found beside the file, no "../" escape;
#   - pulls in no system header of another room: emscripten (found by every Emscripten compile)
#     only in platform/web, Dear ImGui and GL only in ui and platform/web, sqlite3.h only in core.
# src/*.cpp (main.cpp and the test hooks) wire the rooms together and may include any of them,
# but never through "../".
# Usage: include_graph.sh <src dir>. Prints each offending line; exits 1 if there is one.
set -euo pipefail
src="${1:?usage: include_graph.sh <src dir>}"
cd "$src"

failures=0
fail() { # file:line: text, why
  echo "$1: $2" >&2
  failures=$((failures + 1))
}

# room  quoted-prefixes-allowed  system-headers-forbidden (extended regex)
check_room() {
  local room="$1" allowed="$2" forbidden="$3"
  local file line text header
  while IFS=: read -r file line text; do
    if [[ "$text" =~ \#[[:space:]]*include[[:space:]]*\"([^\"]*)\" ]]; then
      header="${BASH_REMATCH[1]}"
      if [[ "$header" == *..* ]]; then
        fail "$file:$line: $text" "a relative escape; name the room path instead"
      elif ! [[ "$header" =~ ^($allowed)/ ]]; then
        fail "$file:$line: $text" "$room may include only ${allowed//|/, } (by their room path)"
      fi
    elif [[ "$text" =~ \#[[:space:]]*include[[:space:]]*\<([^\>]*)\> ]]; then
      header="${BASH_REMATCH[1]}"
      if [[ "$header" == *..* ]]; then
        fail "$file:$line: $text" "a relative escape"
      elif [[ -n "$forbidden" && "$header" =~ ^($forbidden) ]]; then
        fail "$file:$line: $text" "$room may not include <$header>"
      fi
    fi
  done < <(grep -rn --include='*.h' --include='*.cpp' -E '^[[:space:]]*#[[:space:]]*include' "$room" || true)
}

check_room core "core" "emscripten|imgui|misc/cpp/imgui|GLES|GL/"
check_room app "app|core" "emscripten|imgui|misc/cpp/imgui|GLES|GL/|sqlite3\.h"
check_room ui "ui|app|core" "emscripten|GLES|GL/|sqlite3\.h"
check_room platform/web "platform/web|app|core" "sqlite3\.h"

# The wiring (src/*.cpp, src/*.h): anything, but no escape.
while IFS=: read -r file line text; do
  if [[ "$text" == *..* ]]; then fail "$file:$line: $text" "a relative escape"; fi
done < <(grep -n -H -E '^[[:space:]]*#[[:space:]]*include' ./*.cpp ./*.h || true)

# A room nobody listed would go unchecked.
for dir in */ platform/*/; do
  case "$dir" in core/ | app/ | ui/ | platform/ | platform/web/) ;;
    *) fail "src/$dir" "a room the include graph does not know: add its arrows here" ;;
  esac
done

if ((failures > 0)); then
  echo "include_graph: $failures include(s) against the arrows" >&2
  exit 1
fi
echo "include_graph: every include in $src follows the arrows"
