#ifndef CSSS_KERNELS_INTERNAL_H
#define CSSS_KERNELS_INTERNAL_H

/* Helpers shared by the kernel files; not part of the public header. */

#include "CSSSKernels.h"
#include <stdbool.h>

/// The AVX2 code is compiled only for x86; elsewhere every kernel runs its portable form.
#if defined(__x86_64__) || defined(__i386__)
#define CSSS_X86 1
#include <immintrin.h>
#else
#define CSSS_X86 0
#endif

/// Whether a call asking for `isa` may run the AVX2 code on this CPU.
static inline bool csss_use_avx2(csss_isa isa) {
    return CSSS_X86 && isa == CSSS_ISA_AVX2_FMA && csss_best_isa() == CSSS_ISA_AVX2_FMA;
}

/// The taps `[*first, *last)` of a kernel of `kernel` taps `dilation` apart, starting at input position
/// `origin`, that land inside `[0, extent)`; the others read zero padding.
static inline void csss_valid_taps(int origin, int dilation, int kernel, int extent, int *first, int *last) {
    int lo = 0, hi = kernel;
    while (lo < hi && origin + lo * dilation < 0) {
        ++lo;
    }
    while (hi > lo && origin + (hi - 1) * dilation >= extent) {
        --hi;
    }
    *first = lo;
    *last = hi;
}

static inline float csss_clamp(float x, float lo, float hi) {
    return x < lo ? lo : (x > hi ? hi : x);
}

/// The epilogue after the bias: kernels start their sums at the bias, then finish them here. The scalar
/// form is the reference the vector form must match.
static inline float csss_epilogue_finish(const csss_epilogue *e, float biased_sum, const float *residual) {
    float v = csss_clamp(biased_sum, e->lo, e->hi);
    if (residual) {
        v = csss_clamp(v + *residual, e->post_lo, e->post_hi);
    }
    return v;
}

/// One output row of `csss_depthwise`, from `kernel_h` input row pointers (NULL where the kernel
/// overlaps vertical padding); `residual` is that row of the residual, or NULL.
void csss_depthwise_row(csss_isa isa, const csss_conv_geometry *g, const float *const *rows, const float *weights,
                        float *out, const float *residual, const csss_epilogue *epilogue);

#if CSSS_X86

/// Compiles one function for AVX2+FMA without raising the whole target's baseline, so the library
/// still loads on CPUs without them (the dispatcher never calls such a function there).
#define CSSS_AVX2 __attribute__((target("avx2,fma")))

/// A lane mask selecting the first `count` (0...8) of eight floats.
CSSS_AVX2 static inline __m256i csss_lane_mask(int count) {
    return _mm256_cmpgt_epi32(_mm256_set1_epi32(count), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
}

/// Loads `count` (0...8) floats, zero in the other lanes; a full load when `count == 8`.
CSSS_AVX2 static inline __m256 csss_load_partial(const float *p, int count) {
    return count == 8 ? _mm256_loadu_ps(p) : _mm256_maskload_ps(p, csss_lane_mask(count));
}

/// Stores the first `count` (0...8) lanes of `v`.
CSSS_AVX2 static inline void csss_store_partial(float *p, __m256 v, int count) {
    if (count == 8) {
        _mm256_storeu_ps(p, v);
    } else {
        _mm256_maskstore_ps(p, csss_lane_mask(count), v);
    }
}

/// `csss_epilogue_finish` for eight channels, `count` of them valid (the residual is read only there).
CSSS_AVX2 static inline __m256 csss_epilogue_finish8(const csss_epilogue *e, __m256 biased_sum, const float *residual,
                                                     int count) {
    __m256 v = _mm256_min_ps(_mm256_max_ps(biased_sum, _mm256_set1_ps(e->lo)), _mm256_set1_ps(e->hi));
    if (residual) {
        v = _mm256_add_ps(v, csss_load_partial(residual, count));
        v = _mm256_min_ps(_mm256_max_ps(v, _mm256_set1_ps(e->post_lo)), _mm256_set1_ps(e->post_hi));
    }
    return v;
}

/// Finishes `count` biased sums in place: `csss_epilogue_finish` over a buffer, for a kernel that stores
/// its sums first. `residual` lines up with `out`, or is NULL.
CSSS_AVX2 static inline void csss_finish_avx2(const csss_epilogue *e, float *out, const float *residual,
                                              ptrdiff_t count) {
    const __m256 lo = _mm256_set1_ps(e->lo), hi = _mm256_set1_ps(e->hi);
    const __m256 post_lo = _mm256_set1_ps(e->post_lo), post_hi = _mm256_set1_ps(e->post_hi);
    ptrdiff_t i = 0;
    if (residual) {
        for (; i + 8 <= count; i += 8) {
            const __m256 v = _mm256_add_ps(_mm256_min_ps(_mm256_max_ps(_mm256_loadu_ps(out + i), lo), hi),
                                           _mm256_loadu_ps(residual + i));
            _mm256_storeu_ps(out + i, _mm256_min_ps(_mm256_max_ps(v, post_lo), post_hi));
        }
    } else {
        for (; i + 8 <= count; i += 8) {
            _mm256_storeu_ps(out + i, _mm256_min_ps(_mm256_max_ps(_mm256_loadu_ps(out + i), lo), hi));
        }
    }
    for (; i < count; ++i) {
        out[i] = csss_epilogue_finish(e, out[i], residual ? residual + i : NULL);
    }
}

#endif /* CSSS_X86 */

#endif
