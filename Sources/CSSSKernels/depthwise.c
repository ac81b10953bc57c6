/*
 * Depthwise convolution, NHWC, one output row at a time from an array of input row pointers (NULL for
 * rows of vertical padding), so the same code serves a whole image and a ring of recently computed
 * rows.
 *
 * With a depth multiplier of 1 every output channel reads only its own input channel, so eight
 * adjacent channels are one vector all the way through. The AVX2 path sweeps a row one block of eight
 * channels at a time. For 3×3 kernels at stride 1 or 2 the nine weight vectors stay in registers and
 * four output pixels are computed together, so each input vector loaded serves up to three of them:
 * the kernel is bound by loads, not FMAs, and this roughly halves them. The few pixels whose taps reach
 * into horizontal padding, channel counts that leave a partial block, and every other kernel take a
 * per-pixel loop over just the taps that land inside.
 */

#include "internal.h"

/// The output positions along a row whose taps all land inside `[0, in_w)`.
static inline void interior_columns(const csss_conv_geometry *g, int *first, int *last) {
    const int span = (g->kernel_w - 1) * g->dilation_w;
    int lo = 0, hi = g->out_w;
    while (lo < hi && lo * g->stride_w - g->pad_left < 0) {
        ++lo;
    }
    while (hi > lo && (hi - 1) * g->stride_w - g->pad_left + span >= g->in_w) {
        --hi;
    }
    *first = lo;
    *last = hi;
}

/// Any multiplier, any kernel: one output value at a time.
static void row_portable(const csss_conv_geometry *g, const float *const *rows, const float *weights, float *out,
                         const float *residual, const csss_epilogue *e) {
    const int multiplier = g->out_c / g->in_c;
    for (int ox = 0; ox < g->out_w; ++ox) {
        int kx0, kx1;
        csss_valid_taps(ox * g->stride_w - g->pad_left, g->dilation_w, g->kernel_w, g->in_w, &kx0, &kx1);
        for (int oc = 0; oc < g->out_c; ++oc) {
            float sum = e->bias[oc];
            for (int ky = 0; ky < g->kernel_h; ++ky) {
                if (!rows[ky]) {
                    continue;
                }
                for (int kx = kx0; kx < kx1; ++kx) {
                    const int ix = ox * g->stride_w - g->pad_left + kx * g->dilation_w;
                    sum += rows[ky][(ptrdiff_t)ix * g->in_c + oc / multiplier] *
                           weights[(ky * g->kernel_w + kx) * g->out_c + oc];
                }
            }
            const ptrdiff_t at = (ptrdiff_t)ox * g->out_c + oc;
            out[at] = csss_epilogue_finish(e, sum, residual ? residual + at : NULL);
        }
    }
}

#if CSSS_X86

/// Multiplier 1, any kernel: the biased sums of output pixels `[begin, end)`, channels `[c, c + count)`,
/// loading each valid tap's weights.
CSSS_AVX2 static void pixels_avx2(const csss_conv_geometry *g, const float *const *rows, int begin, int end, int c,
                                  int count, const float *weights, const float *bias, float *out) {
    const int channels = g->in_c;
    for (int ox = begin; ox < end; ++ox) {
        int kx0, kx1;
        csss_valid_taps(ox * g->stride_w - g->pad_left, g->dilation_w, g->kernel_w, g->in_w, &kx0, &kx1);
        __m256 sum = _mm256_loadu_ps(bias + c);
        for (int ky = 0; ky < g->kernel_h; ++ky) {
            if (!rows[ky]) {
                continue;
            }
            for (int kx = kx0; kx < kx1; ++kx) {
                const int ix = ox * g->stride_w - g->pad_left + kx * g->dilation_w;
                const __m256 x = csss_load_partial(rows[ky] + (ptrdiff_t)ix * channels + c, count);
                const __m256 w = csss_load_partial(weights + (ky * g->kernel_w + kx) * channels + c, count);
                sum = _mm256_fmadd_ps(x, w, sum);
            }
        }
        csss_store_partial(out + (ptrdiff_t)ox * channels + c, sum, count);
    }
}

/// One pixel of `row_3x3_avx2` whose taps reach into the left or right padding: it skips those taps.
CSSS_AVX2 static inline __attribute__((always_inline)) void border_3x3_avx2(
    const int stride, const bool top, const bool bottom, const csss_conv_geometry *g, const float *const *rows,
    int ox, int c, const __m256 *w, const float *bias, float *out) {
    const ptrdiff_t channels = g->in_c;
    __m256 sum = _mm256_loadu_ps(bias + c);
    for (int ky = 0; ky < 3; ++ky) {
        if ((ky == 0 && !top) || (ky == 2 && !bottom)) {
            continue;
        }
        for (int kx = 0; kx < 3; ++kx) {
            const int ix = ox * stride - g->pad_left + kx;
            if (ix >= 0 && ix < g->in_w) {
                sum = _mm256_fmadd_ps(_mm256_loadu_ps(rows[ky] + ix * channels + c), w[ky * 3 + kx], sum);
            }
        }
    }
    _mm256_storeu_ps(out + ox * channels + c, sum);
}

/// Multiplier 1, 3×3, undilated: the biased sums of a whole output row for the full block of eight
/// channels from `c`, with the top and bottom input rows present or not as `top` and `bottom` say (the
/// middle one always is). The nine weight vectors stay in registers for the row; inside the image four
/// pixels are computed together, each input vector loaded once for the up to three of them it feeds.
/// Specialised for each (stride, top, bottom) below so every test of them disappears.
CSSS_AVX2 static inline __attribute__((always_inline)) void row_3x3_avx2(
    const int stride, const bool top, const bool bottom, const csss_conv_geometry *g, const float *const *rows,
    int c, const float *weights, const float *bias, float *out) {
    const ptrdiff_t channels = g->in_c, step = stride * channels;
    __m256 w[9];
    for (int t = 0; t < 9; ++t) {
        w[t] = _mm256_loadu_ps(weights + t * channels + c);
    }
    int x0, x1;
    interior_columns(g, &x0, &x1);

    if (x1 <= x0) {
        x0 = x1 = g->out_w;  // No interior: every pixel is a border pixel.
    }
    for (int ox = 0; ox < x0; ++ox) {
        border_3x3_avx2(stride, top, bottom, g, rows, ox, c, w, bias, out);
    }
    for (int ox = x1; ox < g->out_w; ++ox) {
        border_3x3_avx2(stride, top, bottom, g, rows, ox, c, w, bias, out);
    }

    const ptrdiff_t start = (ptrdiff_t)(x0 * stride - g->pad_left) * channels + c;
    const float *in[3] = {top ? rows[0] + start : NULL, rows[1] + start, bottom ? rows[2] + start : NULL};
    float *o = out + (ptrdiff_t)x0 * channels + c;
    int ox = x0;
    for (; ox + 4 <= x1; ox += 4) {
        __m256 acc[4];
        for (int p = 0; p < 4; ++p) {
            acc[p] = _mm256_loadu_ps(bias + c);
        }
        for (int ky = 0; ky < 3; ++ky) {
            if ((ky == 0 && !top) || (ky == 2 && !bottom)) {
                continue;
            }
            // Input column k feeds pixel p through tap k - p·stride.
            for (int k = 0; k < 3 * stride + 3; ++k) {
                const __m256 x = _mm256_loadu_ps(in[ky] + k * channels);
                for (int p = 0; p < 4; ++p) {
                    const int kx = k - p * stride;
                    if (kx >= 0 && kx < 3) {
                        acc[p] = _mm256_fmadd_ps(x, w[ky * 3 + kx], acc[p]);
                    }
                }
            }
            in[ky] += 4 * step;
        }
        for (int p = 0; p < 4; ++p) {
            _mm256_storeu_ps(o + p * channels, acc[p]);
        }
        o += 4 * channels;
    }
    for (; ox < x1; ++ox) {
        __m256 sum = _mm256_loadu_ps(bias + c);
        for (int ky = 0; ky < 3; ++ky) {
            if ((ky == 0 && !top) || (ky == 2 && !bottom)) {
                continue;
            }
            for (int kx = 0; kx < 3; ++kx) {
                sum = _mm256_fmadd_ps(_mm256_loadu_ps(in[ky] + kx * channels), w[ky * 3 + kx], sum);
            }
            in[ky] += step;
        }
        _mm256_storeu_ps(o, sum);
        o += channels;
    }
}

typedef void (*row_3x3_fn)(const csss_conv_geometry *, const float *const *, int, const float *, const float *,
                           float *);

#define ROW_3X3(stride, top, bottom)                                                                           \
    CSSS_AVX2 static void row_3x3_##stride##_##top##bottom(const csss_conv_geometry *g, const float *const *rows, \
                                                           int c, const float *weights, const float *bias,     \
                                                           float *out) {                                       \
        row_3x3_avx2(stride, top, bottom, g, rows, c, weights, bias, out);                                     \
    }
ROW_3X3(1, 1, 1) ROW_3X3(1, 0, 1) ROW_3X3(1, 1, 0)
ROW_3X3(2, 1, 1) ROW_3X3(2, 0, 1) ROW_3X3(2, 1, 0)

/// The 3×3 specialisation for a row, or NULL when only the per-pixel path fits it.
static row_3x3_fn row_3x3(const csss_conv_geometry *g, const float *const *rows) {
    if (g->kernel_h != 3 || g->kernel_w != 3 || g->dilation_h != 1 || g->dilation_w != 1 || !rows[1] ||
        (!rows[0] && !rows[2]) || (g->stride_w != 1 && g->stride_w != 2)) {
        return NULL;
    }
    static const row_3x3_fn table[2][3] = {
        {row_3x3_1_11, row_3x3_1_01, row_3x3_1_10},
        {row_3x3_2_11, row_3x3_2_01, row_3x3_2_10},
    };
    return table[g->stride_w - 1][rows[0] && rows[2] ? 0 : (rows[0] ? 2 : 1)];
}

/// Computes the row's biased sums, then applies the clamps and residual in one pass while the row is
/// still in L1: done inside the loops above, they would cost registers those loops need.
CSSS_AVX2 static void row_avx2(const csss_conv_geometry *g, const float *const *rows, const float *weights, float *out,
                               const float *residual, const csss_epilogue *e) {
    const row_3x3_fn fast = row_3x3(g, rows);
    for (int c = 0; c < g->in_c; c += 8) {
        const int count = g->in_c - c < 8 ? g->in_c - c : 8;
        if (fast && count == 8) {
            fast(g, rows, c, weights, e->bias, out);
        } else {
            pixels_avx2(g, rows, 0, g->out_w, c, count, weights, e->bias, out);
        }
    }
    csss_finish_avx2(e, out, residual, (ptrdiff_t)g->out_w * g->out_c);
}

#endif

void csss_depthwise_row(csss_isa isa, const csss_conv_geometry *g, const float *const *rows, const float *weights,
                        float *out, const float *residual, const csss_epilogue *epilogue) {
    if (!csss_use_avx2(isa) || g->out_c != g->in_c) {
        row_portable(g, rows, weights, out, residual, epilogue);
        return;
    }
#if CSSS_X86
    row_avx2(g, rows, weights, out, residual, epilogue);
#endif
}

void csss_depthwise(csss_isa isa, const csss_conv_geometry *g, int row_begin, int row_end, const float *in,
                    const float *weights, float *out, const csss_epilogue *epilogue) {
    const ptrdiff_t in_row = (ptrdiff_t)g->in_w * g->in_c, image_size = in_row * g->in_h;
    const ptrdiff_t out_row = (ptrdiff_t)g->out_w * g->out_c;
    const float *rows[g->kernel_h];
    for (int r = row_begin; r < row_end; ++r) {
        const float *image = in + (r / g->out_h) * image_size;
        for (int ky = 0; ky < g->kernel_h; ++ky) {
            const int iy = r % g->out_h * g->stride_h - g->pad_top + ky * g->dilation_h;
            rows[ky] = iy >= 0 && iy < g->in_h ? image + iy * in_row : NULL;
        }
        const float *residual = epilogue->residual ? epilogue->residual + r * out_row : NULL;
        csss_depthwise_row(isa, g, rows, weights, out + r * out_row, residual, epilogue);
    }
}
