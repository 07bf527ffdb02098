# Writes the test build's index.html: shell/index.html with web-test/js/kiln_test.js (the JS half
# of window.kilnTest) listed just before boot.js, which stays the last script.
#
#   cmake -DIN=<shell/index.html> -DOUT=<build/web-test/index.html> -P cmake/test_page.cmake
if(NOT EXISTS "${IN}" OR NOT OUT)
  message(FATAL_ERROR "test_page.cmake: needs -DIN=<shell/index.html> (${IN}) and -DOUT=<index.html>")
endif()
file(READ "${IN}" page)
set(boot "<script defer src=\"js/boot.js\"></script>")
string(FIND "${page}" "${boot}" at)
if(at EQUAL -1)
  message(FATAL_ERROR "test_page.cmake: ${IN} has no line ${boot}: say where kiln_test.js goes")
endif()
string(REPLACE "${boot}" "<script defer src=\"js/kiln_test.js\"></script>\n  ${boot}" page "${page}")
file(WRITE "${OUT}" "${page}")
