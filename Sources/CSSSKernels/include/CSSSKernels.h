#ifndef CSSS_KERNELS_H
#define CSSS_KERNELS_H

/*
 * CPU kernels for CSSSEngine's inference: float32, NHWC activations.
 *
 * Every kernel computes a caller-chosen part of its output (a range of rows or column panels), so the
 * engine splits a layer across threads without the kernels knowing about threads. Each vectorised
 * kernel exists twice, for AVX2+FMA and in portable C; the `csss_isa` argument picks one per call (an
 * unsupported choice falls back to portable), so tests can check both paths side by side without any
 * global switch.
 */

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/// The instruction set a kernel call may use.
typedef enum csss_isa {
    CSSS_ISA_PORTABLE = 0,
    CSSS_ISA_AVX2_FMA = 1,
} csss_isa;

/// The best instruction set this CPU supports.
csss_isa csss_best_isa(void);

/// What a convolution does to each raw sum before storing it:
/// `out = clamp(clamp(sum + bias[c], lo, hi) + residual, post_lo, post_hi)`.
/// Unused clamps are `-INFINITY, INFINITY`; `residual` is NULL when there is none, otherwise it has the
/// output's layout (same strides) and may not alias the output.
typedef struct csss_epilogue {
    const float *bias;      ///< One per output channel, zero-padded to a multiple of 16; never NULL.
    float lo, hi;
    const float *residual;
    float post_lo, post_hi;
} csss_epilogue;

/* ---- GEMM with packed weights: out[m][n] = epilogue(sum_k a[m][k] * b[k][n]) ------------------- */

/// Columns per packed weight panel.
#define CSSS_GEMM_PANEL 16

/// The number of floats `csss_gemm_pack` writes for a `k × n` weight matrix.
size_t csss_gemm_packed_count(int k, int n);

/// Packs row-major weights `b[k][n]` into panels of `CSSS_GEMM_PANEL` columns (`[panel][k][16]`,
/// zero-padded), the layout the GEMM kernel streams; 64-byte alignment keeps its loads within cache lines.
void csss_gemm_pack(int k, int n, const float *b, float *packed);

/// Computes rows `[m_begin, m_end)` and column panels `[panel_begin, panel_end)` of
/// `out = epilogue(a · b)`, with `a` row-major `m × k` (row stride `lda`), `b` packed by
/// `csss_gemm_pack`, and `out`/`residual` row-major with row stride `n`.
void csss_gemm(csss_isa isa, int m_begin, int m_end, int panel_begin, int panel_end, int k, int n,
               const float *a, ptrdiff_t lda, const float *packed, float *out, const csss_epilogue *epilogue);

/* ---- Convolution geometry ---------------------------------------------------------------------- */

/// The geometry of a 2-D convolution over one NHWC image; padding is explicit, so TensorFlow's SAME
/// and a folded ZeroPadding2D are both just numbers here.
typedef struct csss_conv_geometry {
    int in_h, in_w, in_c;
    int out_h, out_w, out_c;
    int kernel_h, kernel_w;
    int stride_h, stride_w;
    int dilation_h, dilation_w;
    int pad_top, pad_left;
} csss_conv_geometry;

/* ---- Depthwise convolution --------------------------------------------------------------------- */

/// Depthwise convolution with depth multiplier `out_c / in_c`, weights in Keras's `(kh, kw, in, mult)`
/// layout (so output channel `c * mult + j` reads input channel `c`). Computes output rows
/// `[row_begin, row_end)` counted over `batch × out_h`. A multiplier of 1 is vectorised by 8
/// channels (3×3 kernels with their weights held in registers); other multipliers run portable C.
void csss_depthwise(csss_isa isa, const csss_conv_geometry *g, int row_begin, int row_end,
                    const float *in, const float *weights, float *out, const csss_epilogue *epilogue);

/* ---- Inverted-residual block ------------------------------------------------------------------- */

/// The three convolutions of an inverted-residual block, run together row by row so the expanded
/// tensor never leaves the cache: a 1×1 expansion GEMM (absent in a block that starts with its
/// depthwise), the depthwise, and a 1×1 projection GEMM whose epilogue may add the residual.
typedef struct csss_block {
    /// The depthwise convolution over the expanded image (its `in_c` is the expanded width).
    const csss_conv_geometry *depthwise;
    /// Channels of the block's input: the expansion's `k`.
    int in_c;
    /// Packed by `csss_gemm_pack`; NULL when the depthwise reads the input directly.
    const float *expand_weights;
    /// Without a residual.
    const csss_epilogue *expand;
    const float *depthwise_weights;
    /// Without a residual.
    const csss_epilogue *depthwise_epilogue;
    int out_c;
    const float *project_weights;
    /// Its residual, if any, covers the whole batch like the output.
    const csss_epilogue *project;
} csss_block;

/// The floats of scratch one caller of `csss_block_run` needs: a ring of expanded rows and a depthwise row.
size_t csss_block_scratch_count(const csss_block *block);

/// Computes output rows `[row_begin, row_end)` over `batch × out_h` of the block.
void csss_block_run(csss_isa isa, const csss_block *block, int row_begin, int row_end, const float *in, float *out,
                float *scratch);

/* ---- Direct convolution for few input channels (the stem) -------------------------------------- */

/// The number of floats `csss_direct_conv_pack` writes.
size_t csss_direct_conv_packed_count(const csss_conv_geometry *g);

/// Packs HWIO weights so each tap's output channels are contiguous and padded to a multiple of 8.
void csss_direct_conv_pack(const csss_conv_geometry *g, const float *hwio, float *packed);

/// A direct convolution, output channels vectorised: for layers with few input channels (an RGB stem),
/// where im2col would write more than the convolution reads. Computes output rows `[row_begin, row_end)`
/// over `batch × out_h`.
void csss_direct_conv(csss_isa isa, const csss_conv_geometry *g, int row_begin, int row_end,
                      const float *in, const float *packed, float *out, const csss_epilogue *epilogue);

/* ---- im2col ------------------------------------------------------------------------------------ */

/// Writes output pixels `[pixel_begin, pixel_end)` (over `batch × out_h × out_w`) as rows of
/// `kernel_h × kernel_w × in_c` values in HWI order (zeros where the kernel overlaps padding), so a
/// convolution becomes a GEMM with the HWIO kernel viewed as a `(kh·kw·in) × out` matrix.
void csss_im2col(const csss_conv_geometry *g, int pixel_begin, int pixel_end, const float *in, float *rows);

/// Copies images into a larger zero-bordered layout (an unfused ZeroPadding2D), rows `[row_begin,
/// row_end)` over `batch × out_h` of the padded output.
void csss_zero_pad(const csss_conv_geometry *g, int row_begin, int row_end, const float *in, float *out);

/* ---- Elementwise and reductions ---------------------------------------------------------------- */

/// `out[i] = clamp(in[i] * scale[i % channels] + shift[i % channels], lo, hi)` for pixels
/// `[pixel_begin, pixel_end)`, each of `channels` values. May run in place.
void csss_channel_affine(int channels, ptrdiff_t pixel_begin, ptrdiff_t pixel_end, const float *in,
                         const float *scale, const float *shift, float lo, float hi, float *out);

/// Keras `ReLU`: `x >= threshold ? min(x, max_value) : negative_slope * (x - threshold)` over
/// `[begin, end)`. May run in place.
void csss_relu(ptrdiff_t begin, ptrdiff_t end, const float *in, float max_value, float negative_slope,
               float threshold, float *out);

/// The logistic sigmoid over `[begin, end)`. May run in place.
void csss_sigmoid(ptrdiff_t begin, ptrdiff_t end, const float *in, float *out);

/// `out = a + b` over `[begin, end)`. `out` may be `a` or `b`.
void csss_add(ptrdiff_t begin, ptrdiff_t end, const float *a, const float *b, float *out);

/// The mean over `pixels` positions of each channel, for images `[image_begin, image_end)`:
/// `out[n][c] = mean_p in[n][p][c]`.
void csss_global_average_pool(int image_begin, int image_end, int pixels, int channels, const float *in,
                              float *out);

/// A numerically stable softmax of each of rows `[row_begin, row_end)` of `count` values.
/// May run in place.
void csss_softmax(int row_begin, int row_end, int count, const float *in, float *out);

/* ---- Threads ----------------------------------------------------------------------------------- */

/// A team of threads that run one function together and meet at barriers: a layer-by-layer plan is
/// executed by every member, each taking its share of each layer and waiting at a barrier before the
/// next. Members after the first are long-lived threads that sleep between runs. Waits spin briefly,
/// then sleep, so a team shares busy cores gracefully.
typedef struct csss_team csss_team;

/// The work each member runs: `member` in `[0, size)`.
typedef void (*csss_team_work)(void *context, int member, int size);

/// Creates a team of `size` members (the caller is member 0; `size - 1` threads are started).
/// Returns NULL if a thread could not be started.
csss_team *csss_team_create(int size);

/// The number of members.
int csss_team_size(const csss_team *team);

/// Runs `work` on every member and returns when all have finished. Not reentrant: one run at a time.
void csss_team_run(csss_team *team, csss_team_work work, void *context);

/// Waits until every member has reached this barrier. Call only from inside `work`, from all members.
void csss_team_barrier(csss_team *team);

/// Hands out 0, 1, 2, … across the members of the current run, each number once, so members can share
/// out work dynamically: one slowed by another process on its core simply claims less.
int csss_team_claim(csss_team *team);

/// Stops and joins the threads and frees the team.
void csss_team_destroy(csss_team *team);

#ifdef __cplusplus
}
#endif

#endif
