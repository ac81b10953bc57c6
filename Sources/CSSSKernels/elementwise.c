/*
 * The layers that are not convolutions: per-channel affine maps (an unfolded BatchNormalization,
 * Rescaling, Normalization), activations that do not fit a convolution's clamp epilogue, additions,
 * pooling and softmax. Plain loops the compiler vectorises; they are a small share of a network's time.
 */

#include "internal.h"
#include <math.h>

void csss_channel_affine(int channels, ptrdiff_t pixel_begin, ptrdiff_t pixel_end, const float *in,
                         const float *scale, const float *shift, float lo, float hi, float *out) {
    for (ptrdiff_t p = pixel_begin; p < pixel_end; ++p) {
        const float *x = in + p * channels;
        float *y = out + p * channels;
        for (int c = 0; c < channels; ++c) {
            y[c] = csss_clamp(x[c] * scale[c] + shift[c], lo, hi);
        }
    }
}

void csss_relu(ptrdiff_t begin, ptrdiff_t end, const float *in, float max_value, float negative_slope,
               float threshold, float *out) {
    for (ptrdiff_t i = begin; i < end; ++i) {
        const float x = in[i];
        out[i] = x >= threshold ? fminf(x, max_value) : negative_slope * (x - threshold);
    }
}

void csss_sigmoid(ptrdiff_t begin, ptrdiff_t end, const float *in, float *out) {
    for (ptrdiff_t i = begin; i < end; ++i) {
        out[i] = 1.0f / (1.0f + expf(-in[i]));
    }
}

void csss_add(ptrdiff_t begin, ptrdiff_t end, const float *a, const float *b, float *out) {
    for (ptrdiff_t i = begin; i < end; ++i) {
        out[i] = a[i] + b[i];
    }
}

void csss_global_average_pool(int image_begin, int image_end, int pixels, int channels, const float *in,
                              float *out) {
    const float scale = 1.0f / (float)pixels;
    for (int n = image_begin; n < image_end; ++n) {
        float *y = out + (ptrdiff_t)n * channels;
        const float *x = in + (ptrdiff_t)n * pixels * channels;
        for (int c = 0; c < channels; ++c) {
            y[c] = 0.0f;
        }
        for (int p = 0; p < pixels; ++p, x += channels) {
            for (int c = 0; c < channels; ++c) {
                y[c] += x[c];
            }
        }
        for (int c = 0; c < channels; ++c) {
            y[c] *= scale;
        }
    }
}

void csss_softmax(int row_begin, int row_end, int count, const float *in, float *out) {
    for (int r = row_begin; r < row_end; ++r) {
        const float *x = in + (ptrdiff_t)r * count;
        float *y = out + (ptrdiff_t)r * count;
        // Subtracting the maximum keeps every exponent ≤ 0, so nothing overflows.
        float max = -INFINITY;
        for (int i = 0; i < count; ++i) {
            max = fmaxf(max, x[i]);
        }
        float sum = 0.0f;
        for (int i = 0; i < count; ++i) {
            y[i] = expf(x[i] - max);
            sum += y[i];
        }
        const float inverse = 1.0f / sum;
        for (int i = 0; i < count; ++i) {
            y[i] *= inverse;
        }
    }
}
