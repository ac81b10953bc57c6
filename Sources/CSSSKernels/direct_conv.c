/*
 * Direct convolution for layers with few input channels, such as the RGB stem of MobileNetV2
 * (3×3, stride 2, 3 → 32 channels). With three input channels im2col would write 9× the input for a
 * GEMM with k = 27; reading the input in place costs nothing of the kind.
 *
 * Output channels are vectorised: a block of up to 32 channels (four vectors) is accumulated for two
 * adjacent output pixels at a time, so each weight vector loaded serves two FMAs and eight independent
 * sums hide the FMA latency. Pixels near the border (and a lone last pixel) are done one at a time,
 * over just the taps that land inside the image.
 */

#include "internal.h"

enum { MAX_VECTORS = 4 };

static inline int round_up8(int x) { return (x + 7) & ~7; }

size_t csss_direct_conv_packed_count(const csss_conv_geometry *g) {
    return (size_t)g->kernel_h * g->kernel_w * g->in_c * round_up8(g->out_c);
}

void csss_direct_conv_pack(const csss_conv_geometry *g, const float *hwio, float *packed) {
    const int taps = g->kernel_h * g->kernel_w * g->in_c, stride = round_up8(g->out_c);
    for (int t = 0; t < taps; ++t) {
        for (int oc = 0; oc < stride; ++oc) {
            packed[(size_t)t * stride + oc] = oc < g->out_c ? hwio[(size_t)t * g->out_c + oc] : 0.0f;
        }
    }
}

static void row_portable(const csss_conv_geometry *g, int oy, const float *image, const float *packed, float *out,
                         const float *residual, const csss_epilogue *e) {
    const int stride = round_up8(g->out_c);
    const int iy0 = oy * g->stride_h - g->pad_top;
    int ky0, ky1;
    csss_valid_taps(iy0, g->dilation_h, g->kernel_h, g->in_h, &ky0, &ky1);
    for (int ox = 0; ox < g->out_w; ++ox) {
        const int ix0 = ox * g->stride_w - g->pad_left;
        int kx0, kx1;
        csss_valid_taps(ix0, g->dilation_w, g->kernel_w, g->in_w, &kx0, &kx1);
        for (int oc = 0; oc < g->out_c; ++oc) {
            float sum = e->bias[oc];
            for (int ky = ky0; ky < ky1; ++ky) {
                for (int kx = kx0; kx < kx1; ++kx) {
                    const float *x = image + ((ptrdiff_t)(iy0 + ky * g->dilation_h) * g->in_w +
                                              (ix0 + kx * g->dilation_w)) * g->in_c;
                    const float *w = packed + (size_t)(ky * g->kernel_w + kx) * g->in_c * stride + oc;
                    for (int ic = 0; ic < g->in_c; ++ic) {
                        sum += x[ic] * w[(size_t)ic * stride];
                    }
                }
            }
            const ptrdiff_t at = (ptrdiff_t)ox * g->out_c + oc;
            out[at] = csss_epilogue_finish(e, sum, residual ? residual + at : NULL);
        }
    }
}

#if CSSS_X86

/// Where one call of `pixels_avx2` works: output pixels from `ox`, channels from `oc`, and the taps
/// `[ky0, ky1) × [kx0, kx1)` that land inside the image for all of its pixels.
typedef struct block {
    int oy, ox, oc, ky0, ky1, kx0, kx1;
} block;

/// Accumulates `count` consecutive (input value, packed weight row) pairs into `acc`: the taps of one
/// kernel row, which for an undilated kernel are one contiguous run of `kernel_w × in_c` inputs.
CSSS_AVX2 static inline __attribute__((always_inline)) void accumulate_avx2(
    const int pixels, const int vectors, __m256 acc[2][MAX_VECTORS], const float *x, ptrdiff_t pixel_step,
    const float *w, int stride, int count) {
    for (int j = 0; j < count; ++j, w += stride) {
        __m256 xs[2];
        for (int p = 0; p < pixels; ++p) {
            xs[p] = _mm256_broadcast_ss(x + p * pixel_step + j);
        }
        for (int v = 0; v < vectors; ++v) {
            const __m256 wv = _mm256_loadu_ps(w + 8 * v);
            for (int p = 0; p < pixels; ++p) {
                acc[p][v] = _mm256_fmadd_ps(xs[p], wv, acc[p][v]);
            }
        }
    }
}

/// `pixels` (1 or 2) adjacent output pixels × `vectors` (1...4) vectors of output channels, specialised
/// for each pair by the callers below so the accumulators stay in registers.
CSSS_AVX2 static inline __attribute__((always_inline)) void pixels_avx2(const int pixels, const int vectors,
                                                                        const csss_conv_geometry *g, const block *b,
                                                                        const float *image, const float *packed,
                                                                        float *out, const float *residual,
                                                                        const csss_epilogue *e) {
    const int stride = round_up8(g->out_c), in_c = g->in_c;
    const ptrdiff_t pixel_step = (ptrdiff_t)g->stride_w * in_c;
    __m256 acc[2][MAX_VECTORS];
    for (int p = 0; p < pixels; ++p) {
        for (int v = 0; v < vectors; ++v) {
            acc[p][v] = _mm256_loadu_ps(e->bias + b->oc + 8 * v);
        }
    }
    const int iy0 = b->oy * g->stride_h - g->pad_top, ix0 = b->ox * g->stride_w - g->pad_left;
    for (int ky = b->ky0; ky < b->ky1; ++ky) {
        const float *line = image + (ptrdiff_t)(iy0 + ky * g->dilation_h) * g->in_w * in_c;
        const float *w = packed + (size_t)(ky * g->kernel_w + b->kx0) * in_c * stride + b->oc;
        if (g->dilation_w == 1) {
            accumulate_avx2(pixels, vectors, acc, line + (ptrdiff_t)(ix0 + b->kx0) * in_c, pixel_step, w, stride,
                            (b->kx1 - b->kx0) * in_c);
            continue;
        }
        for (int kx = b->kx0; kx < b->kx1; ++kx, w += (size_t)in_c * stride) {
            accumulate_avx2(pixels, vectors, acc, line + (ptrdiff_t)(ix0 + kx * g->dilation_w) * in_c, pixel_step,
                            w, stride, in_c);
        }
    }
    // The epilogue's constants are read before the first store, which could otherwise change them.
    const __m256 lo = _mm256_set1_ps(e->lo), hi = _mm256_set1_ps(e->hi);
    const __m256 post_lo = _mm256_set1_ps(e->post_lo), post_hi = _mm256_set1_ps(e->post_hi);
    for (int p = 0; p < pixels; ++p) {
        for (int v = 0; v < vectors; ++v) {
            const int c = b->oc + 8 * v, count = g->out_c - c < 8 ? g->out_c - c : 8;
            const ptrdiff_t at = (ptrdiff_t)(b->ox + p) * g->out_c + c;
            __m256 y = _mm256_min_ps(_mm256_max_ps(acc[p][v], lo), hi);
            if (residual) {
                y = _mm256_min_ps(_mm256_max_ps(_mm256_add_ps(y, csss_load_partial(residual + at, count)), post_lo),
                                  post_hi);
            }
            csss_store_partial(out + at, y, count);
        }
    }
}

/// Output row `b->oy`, channels `[b->oc, b->oc + 8 × vectors)`: pixel pairs across the interior, where
/// every tap lands inside the image, and single pixels over just their valid taps near the borders.
CSSS_AVX2 static inline __attribute__((always_inline)) void row_block_avx2(const int vectors, const csss_conv_geometry *g,
                                                                           block *b, const float *image,
                                                                           const float *packed, float *out,
                                                                           const float *residual, const csss_epilogue *e) {
    int x0 = 0, x1 = g->out_w;
    const int span = (g->kernel_w - 1) * g->dilation_w;
    while (x0 < x1 && x0 * g->stride_w - g->pad_left < 0) {
        ++x0;
    }
    while (x1 > x0 && (x1 - 1) * g->stride_w - g->pad_left + span >= g->in_w) {
        --x1;
    }
    if (x1 <= x0) {
        x0 = x1 = g->out_w;  // No interior: every pixel is a border pixel.
    }
    for (int ox = 0; ox < g->out_w; ++ox) {
        if (ox == x0) {
            ox = x1;  // Skip the interior, done in pairs below.
            if (ox == g->out_w) {
                break;
            }
        }
        b->ox = ox;
        csss_valid_taps(ox * g->stride_w - g->pad_left, g->dilation_w, g->kernel_w, g->in_w, &b->kx0, &b->kx1);
        pixels_avx2(1, vectors, g, b, image, packed, out, residual, e);
    }
    b->kx0 = 0;
    b->kx1 = g->kernel_w;
    for (b->ox = x0; b->ox + 2 <= x1; b->ox += 2) {
        pixels_avx2(2, vectors, g, b, image, packed, out, residual, e);
    }
    if (b->ox < x1) {
        pixels_avx2(1, vectors, g, b, image, packed, out, residual, e);
    }
}

#define ROW_BLOCK_AVX2(vectors)                                                                                \
    CSSS_AVX2 static void row_block_avx2_##vectors(const csss_conv_geometry *g, block *b, const float *image,   \
                                                   const float *packed, float *out, const float *residual,       \
                                                   const csss_epilogue *e) {                                     \
        row_block_avx2(vectors, g, b, image, packed, out, residual, e);                                          \
    }
ROW_BLOCK_AVX2(1) ROW_BLOCK_AVX2(2) ROW_BLOCK_AVX2(3) ROW_BLOCK_AVX2(4)

typedef void (*row_block_fn)(const csss_conv_geometry *, block *, const float *, const float *, float *,
                             const float *, const csss_epilogue *);

static void row_avx2(const csss_conv_geometry *g, int oy, const float *image, const float *packed, float *out,
                     const float *residual, const csss_epilogue *e) {
    static const row_block_fn row_blocks[MAX_VECTORS] = {row_block_avx2_1, row_block_avx2_2, row_block_avx2_3,
                                                         row_block_avx2_4};
    block b = {.oy = oy};
    csss_valid_taps(oy * g->stride_h - g->pad_top, g->dilation_h, g->kernel_h, g->in_h, &b.ky0, &b.ky1);
    for (b.oc = 0; b.oc < g->out_c; b.oc += 8 * MAX_VECTORS) {
        const int left = (g->out_c - b.oc + 7) / 8;
        row_blocks[(left < MAX_VECTORS ? left : MAX_VECTORS) - 1](g, &b, image, packed, out, residual, e);
    }
}

#endif

void csss_direct_conv(csss_isa isa, const csss_conv_geometry *g, int row_begin, int row_end, const float *in,
                      const float *packed, float *out, const csss_epilogue *epilogue) {
    const bool avx2 = csss_use_avx2(isa);
    const ptrdiff_t image_size = (ptrdiff_t)g->in_h * g->in_w * g->in_c;
    const ptrdiff_t out_row = (ptrdiff_t)g->out_w * g->out_c;
    for (int r = row_begin; r < row_end; ++r) {
        const float *image = in + (r / g->out_h) * image_size;
        const float *residual = epilogue->residual ? epilogue->residual + r * out_row : NULL;
        if (!avx2) {
            row_portable(g, r % g->out_h, image, packed, out + r * out_row, residual, epilogue);
            continue;
        }
#if CSSS_X86
        row_avx2(g, r % g->out_h, image, packed, out + r * out_row, residual, epilogue);
#endif
    }
}
