// Index
//   State and shaders
//   Frames: what is drawn, and one upload a frame
//   Public functions
#include "platform/web/webgl_renderer.h"

#include <GLES3/gl3.h>
#include <imgui.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <vector>

namespace kiln::web {

// ---------------------------------------------------------------------------------------------
// State and shaders
// ---------------------------------------------------------------------------------------------

namespace {

// ImGui's OpenGL3 backend's GLSL ES 3.00 shaders, unchanged: the same pixels.
constexpr const char* kVertexShader = R"(#version 300 es
precision highp float;
layout (location = 0) in vec2 Position;
layout (location = 1) in vec2 UV;
layout (location = 2) in vec4 Color;
uniform mat4 ProjMtx;
out vec2 Frag_UV;
out vec4 Frag_Color;
void main()
{
    Frag_UV = UV;
    Frag_Color = Color;
    gl_Position = ProjMtx * vec4(Position.xy,0,1);
}
)";

constexpr const char* kFragmentShader = R"(#version 300 es
precision mediump float;
uniform sampler2D Texture;
in vec2 Frag_UV;
in vec4 Frag_Color;
layout (location = 0) out vec4 Out_Color;
void main()
{
    Out_Color = Frag_Color * texture(Texture, Frag_UV.st);
}
)";

struct Rect {
    int x = 0, y = 0, w = -1, h = -1;  // w = -1: none set yet
    bool operator!=(const Rect& other) const { return x != other.x || y != other.y || w != other.w || h != other.h; }
    bool operator==(const Rect& other) const { return !(*this != other); }
};

// One glDrawElements: a run of consecutive indices with one scissor and texture.
struct DrawCall {
    Rect scissor;
    GLuint texture = 0;
    size_t first = 0;
    size_t count = 0;

    bool operator==(const DrawCall& other) const {
        return scissor == other.scissor && texture == other.texture && first == other.first && count == other.count;
    }
};

// What a frame puts on the canvas. ImGui's indices are 16-bit and count from their draw list's
// first vertex; WebGL2 has no base-vertex draw, so they are rebased into one 32-bit list over all
// draw lists.
struct Frame {
    Rect size;  // the canvas's pixels
    ImVec4 background;
    ImVec2 display_pos{0, 0};
    ImVec2 display_size{0, 0};
    std::vector<ImDrawVert> vertices;
    std::vector<uint32_t> indices;
    std::vector<DrawCall> calls;
};

// Whether `a` and `b` put the same pixels on the canvas (with the same font atlas).
bool samePixels(const Frame& a, const Frame& b) {
    const auto bytesEqual = [](const auto& x, const auto& y) {
        return x.size() == y.size() && std::memcmp(x.data(), y.data(), x.size() * sizeof(x[0])) == 0;
    };
    return a.size == b.size && a.background.x == b.background.x && a.background.y == b.background.y &&
           a.background.z == b.background.z && a.display_pos.x == b.display_pos.x &&
           a.display_pos.y == b.display_pos.y && a.display_size.x == b.display_size.x &&
           a.display_size.y == b.display_size.y && a.calls == b.calls && bytesEqual(a.indices, b.indices) &&
           bytesEqual(a.vertices, b.vertices);
}

// What the context holds, as last set: a call is made only when a value changes.
struct Renderer {
    GLuint program = 0;
    GLint projection = -1;
    GLuint vertex_array = 0;
    GLuint vertex_buffer = 0;
    GLuint index_buffer = 0;
    GLuint font_texture = 0;
    size_t vertex_capacity = 0;  // bytes the buffers hold
    size_t index_capacity = 0;
    Frame next;                // the frame being made
    Frame shown;               // the frame on the canvas
    bool shown_valid = false;  // false until a frame is drawn, and after the atlas or canvas changed
    int frames_shown = 0;
    Rect viewport;
    Rect scissor;
    ImVec4 clear_color{-1, -1, -1, -1};
    ImVec2 display_pos{0, 0};
    ImVec2 display_size{0, 0};
    GLuint bound_texture = 0;
};

Renderer& renderer() {
    static Renderer instance;
    return instance;
}

GLuint compileShader(GLenum type, const char* source, std::string& error) {
    GLuint shader = glCreateShader(type);
    glShaderSource(shader, 1, &source, nullptr);
    glCompileShader(shader);
    GLint compiled = GL_FALSE;
    glGetShaderiv(shader, GL_COMPILE_STATUS, &compiled);
    if (!compiled) {
        char log[512] = {};
        glGetShaderInfoLog(shader, sizeof log, nullptr, log);
        error = std::string("Kiln could not compile its WebGL shaders: ") + log;
    }
    return shader;
}

// ---------------------------------------------------------------------------------------------
// Frames: what is drawn, and one upload a frame
// ---------------------------------------------------------------------------------------------

// Uploads `bytes` bytes to the buffer bound at `target`, growing it (doubling) when it is too small.
void upload(GLenum target, const void* data, size_t bytes, size_t& capacity) {
    if (bytes > capacity) {
        capacity = std::max(bytes, capacity * 2);
        glBufferData(target, static_cast<GLsizeiptr>(capacity), nullptr, GL_STREAM_DRAW);
    }
    glBufferSubData(target, 0, static_cast<GLsizeiptr>(bytes), data);
}

// Makes `frame` from ImGui's draw data: the draw lists' vertices and indices in draw order, and
// the draw calls, consecutive commands with the same scissor and texture merged into one.
void makeFrame(const ImDrawData& draw_data, const ImVec4& background, Frame& frame) {
    const int width = static_cast<int>(draw_data.DisplaySize.x * draw_data.FramebufferScale.x);
    const int height = static_cast<int>(draw_data.DisplaySize.y * draw_data.FramebufferScale.y);
    frame.size = Rect{0, 0, width, height};
    frame.background = background;
    frame.display_pos = draw_data.DisplayPos;
    frame.display_size = draw_data.DisplaySize;
    frame.vertices.resize(static_cast<size_t>(draw_data.TotalVtxCount));
    frame.indices.resize(static_cast<size_t>(draw_data.TotalIdxCount));
    frame.calls.clear();
    if (width <= 0 || height <= 0 || draw_data.TotalIdxCount == 0) {
        frame.vertices.clear();
        frame.indices.clear();
        return;
    }
    // Clip rectangles from ImGui's coordinates to the framebuffer's (y up).
    const ImVec2 clip_off = draw_data.DisplayPos;
    const ImVec2 clip_scale = draw_data.FramebufferScale;
    size_t vertex = 0, index = 0;
    for (const ImDrawList* list : draw_data.CmdLists) {
        std::copy(list->VtxBuffer.begin(), list->VtxBuffer.end(),
                  frame.vertices.begin() + static_cast<ptrdiff_t>(vertex));
        const size_t list_first = index;  // the list's first index in frame.indices
        for (ImDrawIdx i : list->IdxBuffer) frame.indices[index++] = static_cast<uint32_t>(vertex + i);
        vertex += static_cast<size_t>(list->VtxBuffer.Size);
        for (const ImDrawCmd& cmd : list->CmdBuffer) {
            IM_ASSERT(cmd.UserCallback == nullptr && "Kiln draws no ImGui draw callbacks (webgl_renderer.h)");
            const ImVec2 clip_min((cmd.ClipRect.x - clip_off.x) * clip_scale.x,
                                  (cmd.ClipRect.y - clip_off.y) * clip_scale.y);
            const ImVec2 clip_max((cmd.ClipRect.z - clip_off.x) * clip_scale.x,
                                  (cmd.ClipRect.w - clip_off.y) * clip_scale.y);
            if (clip_max.x <= clip_min.x || clip_max.y <= clip_min.y) continue;
            const Rect scissor{static_cast<int>(clip_min.x), static_cast<int>(static_cast<float>(height) - clip_max.y),
                               static_cast<int>(clip_max.x - clip_min.x), static_cast<int>(clip_max.y - clip_min.y)};
            const auto texture = static_cast<GLuint>(reinterpret_cast<intptr_t>(cmd.GetTexID()));
            const size_t first = list_first + cmd.IdxOffset;
            DrawCall* last = frame.calls.empty() ? nullptr : &frame.calls.back();
            if (last && last->scissor == scissor && last->texture == texture && last->first + last->count == first) {
                last->count += cmd.ElemCount;
            } else {
                frame.calls.push_back(DrawCall{scissor, texture, first, cmd.ElemCount});
            }
        }
    }
}

void setProjection(Renderer& r, const Frame& frame) {
    if (frame.display_pos.x == r.display_pos.x && frame.display_pos.y == r.display_pos.y &&
        frame.display_size.x == r.display_size.x && frame.display_size.y == r.display_size.y) {
        return;
    }
    r.display_pos = frame.display_pos;
    r.display_size = frame.display_size;
    const float left = frame.display_pos.x, right = left + frame.display_size.x;
    const float top = frame.display_pos.y, bottom = top + frame.display_size.y;
    const float projection[4][4] = {
        {2.0f / (right - left), 0.0f, 0.0f, 0.0f},
        {0.0f, 2.0f / (top - bottom), 0.0f, 0.0f},
        {0.0f, 0.0f, -1.0f, 0.0f},
        {(right + left) / (left - right), (top + bottom) / (bottom - top), 0.0f, 1.0f},
    };
    glUniformMatrix4fv(r.projection, 1, GL_FALSE, &projection[0][0]);
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Public functions
// ---------------------------------------------------------------------------------------------

std::string initRenderer() {
    Renderer& r = renderer();
    std::string error;
    const GLuint vertex_shader = compileShader(GL_VERTEX_SHADER, kVertexShader, error);
    const GLuint fragment_shader = compileShader(GL_FRAGMENT_SHADER, kFragmentShader, error);
    if (!error.empty()) return error;
    r.program = glCreateProgram();
    glAttachShader(r.program, vertex_shader);
    glAttachShader(r.program, fragment_shader);
    glLinkProgram(r.program);
    glDeleteShader(vertex_shader);
    glDeleteShader(fragment_shader);
    GLint linked = GL_FALSE;
    glGetProgramiv(r.program, GL_LINK_STATUS, &linked);
    if (!linked) return "Kiln could not link its WebGL shaders.";
    glUseProgram(r.program);
    glUniform1i(glGetUniformLocation(r.program, "Texture"), 0);
    r.projection = glGetUniformLocation(r.program, "ProjMtx");

    // The vertex array keeps the layout and the index buffer: bound once, for good.
    glGenVertexArrays(1, &r.vertex_array);
    glBindVertexArray(r.vertex_array);
    glGenBuffers(1, &r.vertex_buffer);
    glGenBuffers(1, &r.index_buffer);
    glBindBuffer(GL_ARRAY_BUFFER, r.vertex_buffer);
    glBindBuffer(GL_ELEMENT_ARRAY_BUFFER, r.index_buffer);
    const GLint position = glGetAttribLocation(r.program, "Position");
    const GLint uv = glGetAttribLocation(r.program, "UV");
    const GLint color = glGetAttribLocation(r.program, "Color");
    glEnableVertexAttribArray(position);
    glEnableVertexAttribArray(uv);
    glEnableVertexAttribArray(color);
    const auto offset = [](size_t bytes) { return reinterpret_cast<const void*>(bytes); };
    glVertexAttribPointer(position, 2, GL_FLOAT, GL_FALSE, sizeof(ImDrawVert), offset(offsetof(ImDrawVert, pos)));
    glVertexAttribPointer(uv, 2, GL_FLOAT, GL_FALSE, sizeof(ImDrawVert), offset(offsetof(ImDrawVert, uv)));
    glVertexAttribPointer(color, 4, GL_UNSIGNED_BYTE, GL_TRUE, sizeof(ImDrawVert), offset(offsetof(ImDrawVert, col)));

    // ImGui's alpha blending; no culling, depth or stencil test (WebGL's defaults); scissored.
    glEnable(GL_BLEND);
    glBlendEquation(GL_FUNC_ADD);
    glBlendFuncSeparate(GL_SRC_ALPHA, GL_ONE_MINUS_SRC_ALPHA, GL_ONE, GL_ONE_MINUS_SRC_ALPHA);
    glEnable(GL_SCISSOR_TEST);
    glActiveTexture(GL_TEXTURE0);

    ImGui::GetIO().BackendRendererName = "kiln_webgl2";
    return {};
}

void uploadFontAtlas() {
    Renderer& r = renderer();
    ImGuiIO& io = ImGui::GetIO();
    unsigned char* pixels = nullptr;
    int width = 0, height = 0;
    io.Fonts->GetTexDataAsRGBA32(&pixels, &width, &height);
    if (r.font_texture != 0) glDeleteTextures(1, &r.font_texture);
    glGenTextures(1, &r.font_texture);
    glBindTexture(GL_TEXTURE_2D, r.font_texture);
    r.bound_texture = r.font_texture;
    // Bilinear: ImGui's anti-aliased lines sample the atlas between texels.
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_LINEAR);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_LINEAR);
    glTexImage2D(GL_TEXTURE_2D, 0, GL_RGBA, width, height, 0, GL_RGBA, GL_UNSIGNED_BYTE, pixels);
    io.Fonts->SetTexID(reinterpret_cast<ImTextureID>(static_cast<intptr_t>(r.font_texture)));
    r.shown_valid = false;  // the same texture name may now hold other glyphs
}

void renderFrame(const ImDrawData& draw_data, const ImVec4& background) {
    Renderer& r = renderer();
    makeFrame(draw_data, background, r.next);
    const Frame& frame = r.next;
    // A frame that would put the same pixels on the canvas is not drawn: the canvas keeps showing
    // them, and the browser composites nothing new (with software WebGL, most of a frame's cost).
    if (r.shown_valid && samePixels(frame, r.shown)) return;
    if (frame.size != r.viewport) {
        r.viewport = frame.size;
        glViewport(0, 0, frame.size.w, frame.size.h);
    }
    // The clear obeys the scissor: it must cover the whole canvas.
    if (frame.size != r.scissor) {
        r.scissor = frame.size;
        glScissor(0, 0, frame.size.w, frame.size.h);
    }
    if (background.x != r.clear_color.x || background.y != r.clear_color.y || background.z != r.clear_color.z) {
        r.clear_color = background;
        glClearColor(background.x, background.y, background.z, 1.0f);
    }
    glClear(GL_COLOR_BUFFER_BIT);
    if (!frame.calls.empty()) {
        setProjection(r, frame);
        upload(GL_ARRAY_BUFFER, frame.vertices.data(), frame.vertices.size() * sizeof(ImDrawVert), r.vertex_capacity);
        upload(GL_ELEMENT_ARRAY_BUFFER, frame.indices.data(), frame.indices.size() * sizeof(uint32_t),
               r.index_capacity);
    }
    for (const DrawCall& call : frame.calls) {
        if (call.scissor != r.scissor) {
            r.scissor = call.scissor;
            glScissor(call.scissor.x, call.scissor.y, call.scissor.w, call.scissor.h);
        }
        if (call.texture != r.bound_texture) {
            r.bound_texture = call.texture;
            glBindTexture(GL_TEXTURE_2D, call.texture);
        }
        glDrawElements(GL_TRIANGLES, static_cast<GLsizei>(call.count), GL_UNSIGNED_INT,
                       reinterpret_cast<const void*>(call.first * sizeof(uint32_t)));
    }
    std::swap(r.next, r.shown);
    r.shown_valid = true;
    ++r.frames_shown;
}

void canvasCleared() {
    renderer().shown_valid = false;
}

int framesShown() {
    return renderer().frames_shown;
}

}  // namespace kiln::web
