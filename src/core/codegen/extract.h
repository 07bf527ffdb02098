// Kiln: finds the app's code in a model's answer.
#pragma once

#include <string>
#include <string_view>

namespace kiln::codegen {

struct ExtractedCode {
    std::string code;
    bool found = false;     // the answer holds HTML code
    bool complete = false;  // it ends properly (a closed fence, or </html> for a bare document);
                            // false when the answer was cut in the middle of it
};

// The app's code in answer, without the prose around it:
//   1. the first fenced block (``` or ~~~, per CommonMark) labelled html, or unlabelled with
//      <!doctype or <html in it: its text; a fence that never closes (the output was cut) gives
//      what is there, marked incomplete;
//   2. otherwise a bare document: from a line starting with <!doctype html or <html up to the
//      last </html> (incomplete without one);
//   3. otherwise nothing (found is false).
// Works on a partial answer too, so the code panel can show the code while it streams.
ExtractedCode extractCode(std::string_view answer);

}  // namespace kiln::codegen
