/*
 * GEMM with pre-packed weights and a fused epilogue: the 1×1 convolutions and Dense layers of a
 * network, and every other convolution after im2col.
 *
 * The weights are packed once into panels of 16 columns so the inner loop reads them contiguously;
 * the activations are read in place (row-major, any row stride), one broadcast per row and k. A tile
 * of up to 6 rows × 16 columns keeps its 12 accumulators in registers from the bias to the store, so
 * bias, clamps and the residual add cost no extra pass over memory. The rows of a range are cut into
 * tiles of nearly equal height (25 rows → five tiles of 5, not four of 6 and a 1-row tile whose
 * FMAs would wait on each other).
 */

#include "internal.h"

enum {
    PANEL = CSSS_GEMM_PANEL,
    MAX_TILE_ROWS = 6,
    /// Activations kept in L2 while every weight panel passes over them (256 KiB, half of Zen 1's L2):
    /// each panel is then read from memory once per block, and a 5×5 layer's 25 rows are one block.
    BLOCK_FLOATS = 65536,
};

size_t csss_gemm_packed_count(int k, int n) {
    return (size_t)((n + PANEL - 1) / PANEL) * (size_t)k * PANEL;
}

void csss_gemm_pack(int k, int n, const float *b, float *packed) {
    const int panels = (n + PANEL - 1) / PANEL;
    for (int p = 0; p < panels; ++p) {
        for (int kk = 0; kk < k; ++kk) {
            float *dst = packed + ((size_t)p * k + kk) * PANEL;
            for (int j = 0; j < PANEL; ++j) {
                const int col = p * PANEL + j;
                dst[j] = col < n ? b[(size_t)kk * n + col] : 0.0f;
            }
        }
    }
}

/// One tile: `rows` rows × `cols` (≤ 16) columns of one panel.
typedef struct tile {
    int rows, cols, k;
    const float *a;
    ptrdiff_t lda;
    const float *panel;
    /// The panel the next tiles will read: streamed into cache while this one computes.
    const float *next_panel;
    const float *bias;
    const float *residual;
    float *out;
    ptrdiff_t ldo;
} tile;

static void tile_portable(const tile *t, const csss_epilogue *e) {
    for (int r = 0; r < t->rows; ++r) {
        const float *a = t->a + r * t->lda;
        for (int j = 0; j < t->cols; ++j) {
            float sum = t->bias[j];
            for (int kk = 0; kk < t->k; ++kk) {
                sum += a[kk] * t->panel[(size_t)kk * PANEL + j];
            }
            const float *residual = t->residual ? t->residual + r * t->ldo + j : NULL;
            t->out[r * t->ldo + j] = csss_epilogue_finish(e, sum, residual);
        }
    }
}

#if CSSS_X86

/// The register tile, specialised by the callers below for each (rows, vectors) pair so every loop
/// over them unrolls and the accumulators stay in registers.
CSSS_AVX2 static inline __attribute__((always_inline)) void tile_avx2(const int rows, const int vectors, const tile *t,
                                                                      const csss_epilogue *e) {
    __m256 acc[MAX_TILE_ROWS][2];
    const __m256 bias0 = _mm256_loadu_ps(t->bias);
    const __m256 bias1 = _mm256_loadu_ps(t->bias + 8);
    for (int r = 0; r < rows; ++r) {
        acc[r][0] = bias0;
        acc[r][1] = bias1;
    }
    const float *restrict a = t->a;
    const float *restrict w = t->panel;
    const char *next = (const char *)t->next_panel;
    for (int kk = 0; kk < t->k; ++kk, w += PANEL, next += PANEL * sizeof(float)) {
        // One cache line of the next panel per step: weights stream from memory at batch 1, and the
        // hardware prefetcher alone leaves this loop waiting on them.
        _mm_prefetch(next, _MM_HINT_T0);
        const __m256 w0 = _mm256_loadu_ps(w);
        const __m256 w1 = vectors == 2 ? _mm256_loadu_ps(w + 8) : w0;
        for (int r = 0; r < rows; ++r) {
            const __m256 x = _mm256_broadcast_ss(a + r * t->lda + kk);
            acc[r][0] = _mm256_fmadd_ps(x, w0, acc[r][0]);
            if (vectors == 2) {
                acc[r][1] = _mm256_fmadd_ps(x, w1, acc[r][1]);
            }
        }
    }
    // The epilogue reads its constants once, before the first store (which, for all the compiler knows,
    // could change them), and tests for the residual and a partial panel once per tile, not per vector.
    const __m256 lo = _mm256_set1_ps(e->lo), hi = _mm256_set1_ps(e->hi);
    for (int r = 0; r < rows; ++r) {
        for (int v = 0; v < vectors; ++v) {
            acc[r][v] = _mm256_min_ps(_mm256_max_ps(acc[r][v], lo), hi);
        }
    }
    if (t->residual) {
        const __m256 post_lo = _mm256_set1_ps(e->post_lo), post_hi = _mm256_set1_ps(e->post_hi);
        for (int r = 0; r < rows; ++r) {
            for (int v = 0; v < vectors; ++v) {
                const int count = t->cols - 8 * v < 8 ? t->cols - 8 * v : 8;
                const __m256 sum = _mm256_add_ps(acc[r][v], csss_load_partial(t->residual + r * t->ldo + 8 * v, count));
                acc[r][v] = _mm256_min_ps(_mm256_max_ps(sum, post_lo), post_hi);
            }
        }
    }
    if (t->cols == 8 * vectors) {
        for (int r = 0; r < rows; ++r) {
            for (int v = 0; v < vectors; ++v) {
                _mm256_storeu_ps(t->out + r * t->ldo + 8 * v, acc[r][v]);
            }
        }
        return;
    }
    for (int r = 0; r < rows; ++r) {
        for (int v = 0; v < vectors; ++v) {
            const int count = t->cols - 8 * v < 8 ? t->cols - 8 * v : 8;
            csss_store_partial(t->out + r * t->ldo + 8 * v, acc[r][v], count);
        }
    }
}

#define TILE_AVX2(rows, vectors)                                                                         \
    CSSS_AVX2 static void tile_avx2_##rows##x##vectors(const tile *t, const csss_epilogue *e) {         \
        tile_avx2(rows, vectors, t, e);                                                                  \
    }
TILE_AVX2(1, 1) TILE_AVX2(2, 1) TILE_AVX2(3, 1) TILE_AVX2(4, 1) TILE_AVX2(5, 1) TILE_AVX2(6, 1)
TILE_AVX2(1, 2) TILE_AVX2(2, 2) TILE_AVX2(3, 2) TILE_AVX2(4, 2) TILE_AVX2(5, 2) TILE_AVX2(6, 2)

typedef void (*tile_fn)(const tile *, const csss_epilogue *);

static const tile_fn avx2_tiles[2][MAX_TILE_ROWS] = {
    {tile_avx2_1x1, tile_avx2_2x1, tile_avx2_3x1, tile_avx2_4x1, tile_avx2_5x1, tile_avx2_6x1},
    {tile_avx2_1x2, tile_avx2_2x2, tile_avx2_3x2, tile_avx2_4x2, tile_avx2_5x2, tile_avx2_6x2},
};

#endif

void csss_gemm(csss_isa isa, int m_begin, int m_end, int panel_begin, int panel_end, int k, int n,
               const float *a, ptrdiff_t lda, const float *packed, float *out, const csss_epilogue *epilogue) {
    const int count = m_end - m_begin;
    if (count <= 0 || panel_end <= panel_begin) {
        return;
    }
    const bool avx2 = csss_use_avx2(isa);
    // Nearly equal tiles: the first `taller` tiles get one row more than the rest.
    const int tiles = (count + MAX_TILE_ROWS - 1) / MAX_TILE_ROWS;
    const int height = count / tiles, taller = count % tiles;
    const int tiles_per_block = BLOCK_FLOATS / (MAX_TILE_ROWS * (k > 0 ? k : 1)) > 0
                                    ? BLOCK_FLOATS / (MAX_TILE_ROWS * (k > 0 ? k : 1))
                                    : 1;

    for (int block = 0; block < tiles; block += tiles_per_block) {
        const int block_end = block + tiles_per_block < tiles ? block + tiles_per_block : tiles;
        for (int p = panel_begin; p < panel_end; ++p) {
            const int col = p * PANEL;
            tile t = {
                .cols = n - col < PANEL ? n - col : PANEL,
                .k = k,
                .lda = lda,
                .panel = packed + (size_t)p * k * PANEL,
                .next_panel = packed + (size_t)(p + 1 < panel_end ? p + 1 : p) * k * PANEL,
                .bias = epilogue->bias + col,
                .ldo = n,
            };
            for (int i = block; i < block_end; ++i) {
                const ptrdiff_t row = m_begin + i * height + (i < taller ? i : taller);
                t.rows = height + (i < taller);
                t.a = a + row * lda;
                t.out = out + row * n + col;
                t.residual = epilogue->residual ? epilogue->residual + row * n + col : NULL;
                if (!avx2) {
                    tile_portable(&t, epilogue);
                    continue;
                }
#if CSSS_X86
                avx2_tiles[t.cols > 8][t.rows - 1](&t, epilogue);
#endif
            }
        }
    }
}
