/*
 * Data movement around convolutions: im2col for the general convolution, and an explicit zero border
 * for a ZeroPadding2D that could not be folded into the convolution after it.
 */

#include "internal.h"
#include <string.h>

void csss_im2col(const csss_conv_geometry *g, int pixel_begin, int pixel_end, const float *in, float *rows) {
    const ptrdiff_t image_size = (ptrdiff_t)g->in_h * g->in_w * g->in_c;
    const size_t tap_bytes = (size_t)g->in_c * sizeof(float);
    const int per_image = g->out_h * g->out_w;
    for (int pixel = pixel_begin; pixel < pixel_end; ++pixel) {
        const float *image = in + (pixel / per_image) * image_size;
        const int oy = pixel % per_image / g->out_w, ox = pixel % g->out_w;
        const int iy0 = oy * g->stride_h - g->pad_top, ix0 = ox * g->stride_w - g->pad_left;
        for (int ky = 0; ky < g->kernel_h; ++ky) {
            const int iy = iy0 + ky * g->dilation_h;
            for (int kx = 0; kx < g->kernel_w; ++kx, rows += g->in_c) {
                const int ix = ix0 + kx * g->dilation_w;
                if (iy >= 0 && iy < g->in_h && ix >= 0 && ix < g->in_w) {
                    memcpy(rows, image + ((ptrdiff_t)iy * g->in_w + ix) * g->in_c, tap_bytes);
                } else {
                    memset(rows, 0, tap_bytes);
                }
            }
        }
    }
}

void csss_zero_pad(const csss_conv_geometry *g, int row_begin, int row_end, const float *in, float *out) {
    const ptrdiff_t image_size = (ptrdiff_t)g->in_h * g->in_w * g->in_c;
    const ptrdiff_t out_row = (ptrdiff_t)g->out_w * g->out_c;
    const size_t left = (size_t)g->pad_left * g->in_c, inside = (size_t)g->in_w * g->in_c;
    for (int r = row_begin; r < row_end; ++r) {
        const int iy = r % g->out_h - g->pad_top;
        float *dst = out + r * out_row;
        if (iy < 0 || iy >= g->in_h) {
            memset(dst, 0, (size_t)out_row * sizeof(float));
            continue;
        }
        const float *src = in + (r / g->out_h) * image_size + (ptrdiff_t)iy * g->in_w * g->in_c;
        memset(dst, 0, left * sizeof(float));
        memcpy(dst + left, src, inside * sizeof(float));
        memset(dst + left + inside, 0, ((size_t)out_row - left - inside) * sizeof(float));
    }
}
