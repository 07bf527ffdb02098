// Kiln: Dear ImGui's renderer for the browser, on the WebGL2 context of the page's canvas
// (imgui_backend.h creates it).
//
// Draws what ImGui's own OpenGL3 backend draws, pixel for pixel (the same shaders, blending,
// texture sampling and scissor rectangles), with a fraction of its WebGL calls: in the browser
// each call crosses Emscripten's JS glue and the browser's command validation, and the calls,
// not Kiln's logic, were most of a frame's CPU time (docs/BENCHMARKS.md, "Frame cost in the
// browser"). Kiln uses the context for nothing else, so the state is set once, never read back
// (no glGet*) and never restored; a frame uploads all of ImGui's vertices and indices with one
// call each, into buffers that only grow, and changes the scissor or the texture only when they
// differ from the previous draw.
#pragma once

#include <string>

struct ImDrawData;
struct ImVec4;

namespace kiln::web {

// Compiles the shaders and creates the buffers and the vertex layout on the current WebGL2
// context, and sets the state every frame draws with. Call once, after initCanvas(). Returns an
// empty string, or why it failed (for the fatal-error screen).
std::string initRenderer();

// Uploads ImGui's font atlas (io.Fonts, built) as the texture its draw commands sample, replacing
// the previous one. Call after each build of the atlas, before the next ImGui::NewFrame().
void uploadFontAtlas();

// Clears the canvas to `background` (its alpha ignored) and draws `draw_data` (ImGui::Render()'s)
// over it; or nothing, when that would put the same pixels on the canvas as the frame it shows
// (the same size, background, vertices, indices and draw calls, and the same font atlas): most
// frames a click or a key asks for show what the one before showed. Kiln adds no ImGui draw
// callbacks (ImDrawList::AddCallback), and the renderer draws none (a debug build asserts).
void renderFrame(const ImDrawData& draw_data, const ImVec4& background);

// Says that the canvas was cleared (its size was set): the next frame is drawn whatever it shows.
void canvasCleared();

// How many frames renderFrame() has put on the canvas (the test build reports it).
int framesShown();

}  // namespace kiln::web
