/*
 * Depthwise convolution, NHWC.
 *
 * With a depth multiplier of 1 every output channel reads only its own input channel, so eight
 * adjacent channels are one vector all the way through. The AVX2 path walks an output row one block
 * of eight channels at a time: for a 3×3 kernel the nine weight vectors and the bias stay in
 * registers while the block sweeps the row's interior, where every tap lands inside the image; the
 * few border pixels (and every other kernel size) take a per-pixel loop over just the taps that land
 * inside. Channel counts that are not a multiple of 8 end in one masked block.
 */

#include "internal.h"

/// Any multiplier, any kernel: one output value at a time.
static void row_portable(const csss_conv_geometry *g, int oy, const float *image, const float *weights,
                         float *out, const float *residual, const csss_epilogue *e) {
    const int multiplier = g->out_c / g->in_c;
    int ky0, ky1;
    csss_valid_taps(oy * g->stride_h - g->pad_top, g->dilation_h, g->kernel_h, g->in_h, &ky0, &ky1);
    for (int ox = 0; ox < g->out_w; ++ox) {
        int kx0, kx1;
        csss_valid_taps(ox * g->stride_w - g->pad_left, g->dilation_w, g->kernel_w, g->in_w, &kx0, &kx1);
        for (int oc = 0; oc < g->out_c; ++oc) {
            const int ic = oc / multiplier;
            float sum = e->bias[oc];
            for (int ky = ky0; ky < ky1; ++ky) {
                const int iy = oy * g->stride_h - g->pad_top + ky * g->dilation_h;
                for (int kx = kx0; kx < kx1; ++kx) {
                    const int ix = ox * g->stride_w - g->pad_left + kx * g->dilation_w;
                    sum += image[((ptrdiff_t)iy * g->in_w + ix) * g->in_c + ic] *
                           weights[(ky * g->kernel_w + kx) * g->out_c + oc];
                }
            }
            const ptrdiff_t at = (ptrdiff_t)ox * g->out_c + oc;
            out[at] = csss_epilogue_finish(e, sum, residual ? residual + at : NULL);
        }
    }
}

#if CSSS_X86

/// Output positions `[*first, *last)` along one axis whose every tap lands inside the image.
static inline void interior(int out_extent, int stride, int pad, int dilation, int kernel, int extent, int *first,
                            int *last) {
    int lo = 0;
    while (lo < out_extent && lo * stride - pad < 0) {
        ++lo;
    }
    int hi = out_extent;
    while (hi > lo && (hi - 1) * stride - pad + (kernel - 1) * dilation >= extent) {
        --hi;
    }
    *first = lo;
    *last = hi;
}

/// Multiplier 1: output pixel `ox`, channels `[c, c + count)`, loading each valid tap's weights.
CSSS_AVX2 static inline void pixel_avx2(const csss_conv_geometry *g, int oy, int ox, int c, int count,
                                        const float *image, const float *weights, float *out,
                                        const float *residual, const csss_epilogue *e) {
    const int channels = g->in_c;
    int ky0, ky1, kx0, kx1;
    csss_valid_taps(oy * g->stride_h - g->pad_top, g->dilation_h, g->kernel_h, g->in_h, &ky0, &ky1);
    csss_valid_taps(ox * g->stride_w - g->pad_left, g->dilation_w, g->kernel_w, g->in_w, &kx0, &kx1);
    __m256 sum = _mm256_loadu_ps(e->bias + c);
    for (int ky = ky0; ky < ky1; ++ky) {
        const int iy = oy * g->stride_h - g->pad_top + ky * g->dilation_h;
        for (int kx = kx0; kx < kx1; ++kx) {
            const int ix = ox * g->stride_w - g->pad_left + kx * g->dilation_w;
            const __m256 x = csss_load_partial(image + ((ptrdiff_t)iy * g->in_w + ix) * channels + c, count);
            const __m256 w = csss_load_partial(weights + (ky * g->kernel_w + kx) * channels + c, count);
            sum = _mm256_fmadd_ps(x, w, sum);
        }
    }
    const ptrdiff_t at = (ptrdiff_t)ox * channels + c;
    csss_store_partial(out + at, csss_epilogue_finish8(e, sum, residual ? residual + at : NULL, count), count);
}

/// Multiplier 1, 3×3, undilated: the interior pixels `[x0, x1)` of an output row whose three input rows
/// all exist, channels `[c, c + count)`, with the weights in registers. Inlined into a full-block and a
/// masked-block variant so the full one has no mask tests in its loop.
CSSS_AVX2 static inline __attribute__((always_inline)) void interior_3x3_avx2(const csss_conv_geometry *g, int oy, int x0, int x1, int c, int count,
                                        const float *image, const float *weights, float *out,
                                        const float *residual, const csss_epilogue *e) {
    const ptrdiff_t channels = g->in_c, row = (ptrdiff_t)g->in_w * channels, step = g->stride_w * channels;
    __m256 w[9];
    for (int t = 0; t < 9; ++t) {
        w[t] = csss_load_partial(weights + t * channels + c, count);
    }
    const __m256 bias = _mm256_loadu_ps(e->bias + c);
    const float *top = image + (ptrdiff_t)(oy * g->stride_h - g->pad_top) * row + (x0 * g->stride_w - g->pad_left) * channels + c;
    for (int ox = x0; ox < x1; ++ox, top += step) {
        const float *mid = top + row, *bottom = mid + row;
        __m256 s0 = _mm256_fmadd_ps(csss_load_partial(top, count), w[0], bias);
        __m256 s1 = _mm256_mul_ps(csss_load_partial(mid, count), w[3]);
        __m256 s2 = _mm256_mul_ps(csss_load_partial(bottom, count), w[6]);
        s0 = _mm256_fmadd_ps(csss_load_partial(top + channels, count), w[1], s0);
        s1 = _mm256_fmadd_ps(csss_load_partial(mid + channels, count), w[4], s1);
        s2 = _mm256_fmadd_ps(csss_load_partial(bottom + channels, count), w[7], s2);
        s0 = _mm256_fmadd_ps(csss_load_partial(top + 2 * channels, count), w[2], s0);
        s1 = _mm256_fmadd_ps(csss_load_partial(mid + 2 * channels, count), w[5], s1);
        s2 = _mm256_fmadd_ps(csss_load_partial(bottom + 2 * channels, count), w[8], s2);
        const __m256 sum = _mm256_add_ps(_mm256_add_ps(s0, s1), s2);
        const ptrdiff_t at = (ptrdiff_t)ox * channels + c;
        csss_store_partial(out + at, csss_epilogue_finish8(e, sum, residual ? residual + at : NULL, count), count);
    }
}

CSSS_AVX2 static void interior_3x3_full_avx2(const csss_conv_geometry *g, int oy, int x0, int x1, int c,
                                             const float *image, const float *weights, float *out,
                                             const float *residual, const csss_epilogue *e) {
    interior_3x3_avx2(g, oy, x0, x1, c, 8, image, weights, out, residual, e);
}

CSSS_AVX2 static void interior_3x3_masked_avx2(const csss_conv_geometry *g, int oy, int x0, int x1, int c, int count,
                                               const float *image, const float *weights, float *out,
                                               const float *residual, const csss_epilogue *e) {
    interior_3x3_avx2(g, oy, x0, x1, c, count, image, weights, out, residual, e);
}

CSSS_AVX2 static void row_avx2(const csss_conv_geometry *g, int oy, const float *image, const float *weights,
                               float *out, const float *residual, const csss_epilogue *e) {
    int ky0, ky1, x0 = 0, x1 = 0;
    csss_valid_taps(oy * g->stride_h - g->pad_top, g->dilation_h, g->kernel_h, g->in_h, &ky0, &ky1);
    const bool fast = g->kernel_h == 3 && g->kernel_w == 3 && g->dilation_h == 1 && g->dilation_w == 1 &&
                      ky0 == 0 && ky1 == 3;
    if (fast) {
        interior(g->out_w, g->stride_w, g->pad_left, 1, 3, g->in_w, &x0, &x1);
    }
    for (int c = 0; c < g->in_c; c += 8) {
        const int count = g->in_c - c < 8 ? g->in_c - c : 8;
        for (int ox = 0; ox < x0; ++ox) {
            pixel_avx2(g, oy, ox, c, count, image, weights, out, residual, e);
        }
        if (x1 > x0 && count == 8) {
            interior_3x3_full_avx2(g, oy, x0, x1, c, image, weights, out, residual, e);
        } else if (x1 > x0) {
            interior_3x3_masked_avx2(g, oy, x0, x1, c, count, image, weights, out, residual, e);
        }
        for (int ox = x1 > x0 ? x1 : x0; ox < g->out_w; ++ox) {
            pixel_avx2(g, oy, ox, c, count, image, weights, out, residual, e);
        }
    }
}

#endif

void csss_depthwise(csss_isa isa, const csss_conv_geometry *g, int row_begin, int row_end, const float *in,
                    const float *weights, float *out, const csss_epilogue *epilogue) {
    const bool avx2 = csss_use_avx2(isa) && g->out_c == g->in_c;
    const ptrdiff_t image_size = (ptrdiff_t)g->in_h * g->in_w * g->in_c;
    const ptrdiff_t out_row = (ptrdiff_t)g->out_w * g->out_c;
    for (int r = row_begin; r < row_end; ++r) {
        const float *image = in + (r / g->out_h) * image_size;
        const float *residual = epilogue->residual ? epilogue->residual + r * out_row : NULL;
        if (!avx2) {
            row_portable(g, r % g->out_h, image, weights, out + r * out_row, residual, epilogue);
            continue;
        }
#if CSSS_X86
        row_avx2(g, r % g->out_h, image, weights, out + r * out_row, residual, epilogue);
#endif
    }
}
