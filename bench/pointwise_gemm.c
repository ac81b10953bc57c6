/*
 * MobileNetV2's pointwise (1×1) convolutions at 160×160, batch 1: the engine's packed GEMM with its fused
 * epilogue against OpenBLAS's cblas_sgemm followed by the bias/ReLU6 pass it then needs, in one run.
 * The figure behind CSSS's choice of its own GEMM (README, "Speed").
 *
 *   apt-get install -y libopenblas-dev
 *   clang -O2 -Wall -ISources/CSSSKernels/include bench/pointwise_gemm.c Sources/CSSSKernels/gemm.c Sources/CSSSKernels/isa.c \
 *       -I/usr/include/x86_64-linux-gnu/openblas-pthread -lopenblas -lpthread -lm -o /tmp/pointwise_gemm
 *   /tmp/pointwise_gemm            # one thread for both
 *
 * Build it with clang, as SwiftPM builds the kernels: GCC 12 compiles the AVX2 kernel 2× slower.
 */
#define _POSIX_C_SOURCE 199309L
#include <cblas.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include "CSSSKernels.h"

void openblas_set_num_threads(int);

typedef struct { int m, k, n; int relu6; } shape;

/* Rows (H·W), input and output channels of the 34 pointwise layers, in network order. */
static const shape layers[] = {
    {6400, 32, 16, 0},  {6400, 16, 96, 1},  {1600, 96, 24, 0},  {1600, 24, 144, 1}, {1600, 144, 24, 0},
    {1600, 24, 144, 1}, {400, 144, 32, 0},  {400, 32, 192, 1},  {400, 192, 32, 0},  {400, 32, 192, 1},
    {400, 192, 32, 0},  {400, 32, 192, 1},  {100, 192, 64, 0},  {100, 64, 384, 1},  {100, 384, 64, 0},
    {100, 64, 384, 1},  {100, 384, 64, 0},  {100, 64, 384, 1},  {100, 384, 64, 0},  {100, 64, 384, 1},
    {100, 384, 96, 0},  {100, 96, 576, 1},  {100, 576, 96, 0},  {100, 96, 576, 1},  {100, 576, 96, 0},
    {100, 96, 576, 1},  {25, 576, 160, 0},  {25, 160, 960, 1},  {25, 960, 160, 0},  {25, 160, 960, 1},
    {25, 960, 160, 0},  {25, 160, 960, 1},  {25, 960, 320, 0},  {25, 320, 1280, 1},
};
enum { LAYERS = sizeof layers / sizeof layers[0], RUNS = 301 };

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

static int compare(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static float *filled(size_t count) {
    float *p = aligned_alloc(64, ((count * sizeof(float) + 63) / 64) * 64);
    for (size_t i = 0; i < count; i++) p[i] = (float)((i * 2654435761u) % 1000) / 1000.0f - 0.5f;
    return p;
}

int main(void) {
    /* One input and one output buffer for all layers, as the engine reuses its activation memory. */
    size_t largest = 0;
    for (int i = 0; i < LAYERS; i++) {
        size_t in = (size_t)layers[i].m * layers[i].k, result = (size_t)layers[i].m * layers[i].n;
        largest = in > largest ? in : largest;
        largest = result > largest ? result : largest;
    }
    float *input = filled(largest), *output = filled(largest);
    float *a[LAYERS], *b[LAYERS], *packed[LAYERS], *bias[LAYERS], *out[LAYERS];
    for (int i = 0; i < LAYERS; i++) {
        const shape s = layers[i];
        a[i] = input;
        b[i] = filled((size_t)s.k * s.n);
        packed[i] = aligned_alloc(64, ((csss_gemm_packed_count(s.k, s.n) * sizeof(float) + 63) / 64) * 64);
        csss_gemm_pack(s.k, s.n, b[i], packed[i]);
        bias[i] = filled((size_t)(s.n + 15) / 16 * 16);
        out[i] = output;
    }
    openblas_set_num_threads(1);
    const csss_isa isa = csss_best_isa();
    double blas[RUNS], own[RUNS], flops = 0;
    for (int i = 0; i < LAYERS; i++) flops += 2.0 * layers[i].m * layers[i].k * layers[i].n;

    for (int r = 0; r < RUNS; r++) {
        /* Interleaved so that a slow spell of the machine hits both alike. */
        double start = now();
        for (int i = 0; i < LAYERS; i++) {
            const shape s = layers[i];
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, s.m, s.n, s.k, 1.0f, a[i], s.k, b[i], s.n,
                        0.0f, out[i], s.n);
            const float hi = s.relu6 ? 6.0f : INFINITY, lo = s.relu6 ? 0.0f : -INFINITY;
            for (int row = 0; row < s.m; row++)
                for (int c = 0; c < s.n; c++) {
                    float v = out[i][(size_t)row * s.n + c] + bias[i][c];
                    out[i][(size_t)row * s.n + c] = v < lo ? lo : (v > hi ? hi : v);
                }
        }
        blas[r] = now() - start;

        start = now();
        for (int i = 0; i < LAYERS; i++) {
            const shape s = layers[i];
            csss_epilogue epilogue = {bias[i], s.relu6 ? 0.0f : -INFINITY, s.relu6 ? 6.0f : INFINITY, NULL,
                                      -INFINITY, INFINITY};
            csss_gemm(isa, 0, s.m, 0, (s.n + CSSS_GEMM_PANEL - 1) / CSSS_GEMM_PANEL, s.k, s.n, a[i], s.k,
                      packed[i], out[i], &epilogue);
        }
        own[r] = now() - start;
    }
    qsort(blas, RUNS, sizeof(double), compare);
    qsort(own, RUNS, sizeof(double), compare);
    const double b_ms = blas[RUNS / 2] * 1e3, o_ms = own[RUNS / 2] * 1e3;
    printf("34 pointwise layers of MobileNetV2 at 160x160, batch 1, one thread, median of %d runs\n", RUNS);
    printf("OpenBLAS cblas_sgemm + bias/ReLU6 pass: %.3f ms (%.1f GFLOP/s)\n", b_ms, flops / b_ms / 1e6);
    printf("CSSS packed GEMM, epilogue fused:       %.3f ms (%.1f GFLOP/s)\n", o_ms, flops / o_ms / 1e6);
    printf("ratio CSSS/OpenBLAS: %.2f\n", o_ms / b_ms);
    return 0;
}
