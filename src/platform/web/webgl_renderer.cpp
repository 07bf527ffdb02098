// Index
//   State and shaders
//   Buffers: one upload a frame
//   Public functions
#include "platform/web/webgl_renderer.h"

#include <GLES3/gl3.h>
#include <imgui.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
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
};

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
    // ImGui's indices are 16-bit and count from their draw list's first vertex; WebGL2 has no
    // base-vertex draw, so they are rebased here into one 32-bit list over all draw lists.
    std::vector<ImDrawVert> vertices;
    std::vector<uint32_t> indices;
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
// Buffers: one upload a frame
// ---------------------------------------------------------------------------------------------

// Uploads `bytes` bytes to the buffer bound at `target`, growing it (doubling) when it is too small.
void upload(GLenum target, const void* data, size_t bytes, size_t& capacity) {
    if (bytes > capacity) {
        capacity = std::max(bytes, capacity * 2);
        glBufferData(target, static_cast<GLsizeiptr>(capacity), nullptr, GL_STREAM_DRAW);
    }
    glBufferSubData(target, 0, static_cast<GLsizeiptr>(bytes), data);
}

// All the draw lists' vertices and indices into the buffers, in draw order.
void uploadDrawLists(Renderer& r, const ImDrawData& draw_data) {
    r.vertices.resize(static_cast<size_t>(draw_data.TotalVtxCount));
    r.indices.resize(static_cast<size_t>(draw_data.TotalIdxCount));
    size_t vertex = 0, index = 0;
    for (const ImDrawList* list : draw_data.CmdLists) {
        std::copy(list->VtxBuffer.begin(), list->VtxBuffer.end(), r.vertices.begin() + static_cast<ptrdiff_t>(vertex));
        for (ImDrawIdx i : list->IdxBuffer) r.indices[index++] = static_cast<uint32_t>(vertex + i);
        vertex += static_cast<size_t>(list->VtxBuffer.Size);
    }
    upload(GL_ARRAY_BUFFER, r.vertices.data(), r.vertices.size() * sizeof(ImDrawVert), r.vertex_capacity);
    upload(GL_ELEMENT_ARRAY_BUFFER, r.indices.data(), r.indices.size() * sizeof(uint32_t), r.index_capacity);
}

// A run of indices drawn with one call: consecutive commands with the same scissor and texture.
struct Batch {
    size_t first = 0;
    size_t count = 0;
};

void draw(const Batch& batch) {
    if (batch.count == 0) return;
    glDrawElements(GL_TRIANGLES, static_cast<GLsizei>(batch.count), GL_UNSIGNED_INT,
                   reinterpret_cast<const void*>(batch.first * sizeof(uint32_t)));
}

void setProjection(Renderer& r, const ImDrawData& draw_data) {
    if (draw_data.DisplayPos.x == r.display_pos.x && draw_data.DisplayPos.y == r.display_pos.y &&
        draw_data.DisplaySize.x == r.display_size.x && draw_data.DisplaySize.y == r.display_size.y) {
        return;
    }
    r.display_pos = draw_data.DisplayPos;
    r.display_size = draw_data.DisplaySize;
    const float left = draw_data.DisplayPos.x, right = left + draw_data.DisplaySize.x;
    const float top = draw_data.DisplayPos.y, bottom = top + draw_data.DisplaySize.y;
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
}

void renderFrame(const ImDrawData& draw_data, const ImVec4& background) {
    Renderer& r = renderer();
    const int width = static_cast<int>(draw_data.DisplaySize.x * draw_data.FramebufferScale.x);
    const int height = static_cast<int>(draw_data.DisplaySize.y * draw_data.FramebufferScale.y);
    const Rect full{0, 0, width, height};
    if (full != r.viewport) {
        r.viewport = full;
        glViewport(0, 0, width, height);
    }
    // The clear obeys the scissor: it must cover the whole canvas.
    if (full != r.scissor) {
        r.scissor = full;
        glScissor(0, 0, width, height);
    }
    if (background.x != r.clear_color.x || background.y != r.clear_color.y || background.z != r.clear_color.z) {
        r.clear_color = background;
        glClearColor(background.x, background.y, background.z, 1.0f);
    }
    glClear(GL_COLOR_BUFFER_BIT);
    if (width <= 0 || height <= 0 || draw_data.TotalIdxCount == 0) return;

    setProjection(r, draw_data);
    uploadDrawLists(r, draw_data);

    // Clip rectangles from ImGui's coordinates to the framebuffer's (y up).
    const ImVec2 clip_off = draw_data.DisplayPos;
    const ImVec2 clip_scale = draw_data.FramebufferScale;
    Batch batch;
    size_t list_first = 0;  // the list's first index in r.indices
    for (const ImDrawList* list : draw_data.CmdLists) {
        for (const ImDrawCmd& cmd : list->CmdBuffer) {
            if (cmd.UserCallback != nullptr) {
                draw(batch);
                batch = Batch{};
                if (cmd.UserCallback != ImDrawCallback_ResetRenderState) cmd.UserCallback(list, &cmd);
                continue;
            }
            const ImVec2 clip_min((cmd.ClipRect.x - clip_off.x) * clip_scale.x,
                                  (cmd.ClipRect.y - clip_off.y) * clip_scale.y);
            const ImVec2 clip_max((cmd.ClipRect.z - clip_off.x) * clip_scale.x,
                                  (cmd.ClipRect.w - clip_off.y) * clip_scale.y);
            if (clip_max.x <= clip_min.x || clip_max.y <= clip_min.y) continue;
            const Rect scissor{static_cast<int>(clip_min.x), static_cast<int>(static_cast<float>(height) - clip_max.y),
                               static_cast<int>(clip_max.x - clip_min.x), static_cast<int>(clip_max.y - clip_min.y)};
            const auto texture = static_cast<GLuint>(reinterpret_cast<intptr_t>(cmd.GetTexID()));
            const size_t first = list_first + cmd.IdxOffset;
            const bool starts_batch =
                scissor != r.scissor || texture != r.bound_texture || first != batch.first + batch.count;
            if (starts_batch) {
                draw(batch);
                batch = Batch{first, 0};
                if (scissor != r.scissor) {
                    r.scissor = scissor;
                    glScissor(scissor.x, scissor.y, scissor.w, scissor.h);
                }
                if (texture != r.bound_texture) {
                    r.bound_texture = texture;
                    glBindTexture(GL_TEXTURE_2D, texture);
                }
            }
            batch.count += cmd.ElemCount;
        }
        list_first += static_cast<size_t>(list->IdxBuffer.Size);
    }
    draw(batch);
}

}  // namespace kiln::web
