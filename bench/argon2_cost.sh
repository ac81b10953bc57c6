#!/usr/bin/env bash
# Times argon2id_hash_encoded (the call behind Argon2id.hashPassword) at the candidate costs, so the
# production parameters in Sources/CSSSStore/Keys/Argon2id.swift can be re-chosen on new hardware.
# The Swift wrapper only copies bytes around the call, so timing libargon2 directly measures what a
# login costs. Usage: bench/argon2_cost.sh [runs]   (needs cc and libargon2-dev)
set -euo pipefail
runs="${1:-5}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cat > "$work/cost.c" <<'C'
#include <argon2.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv) {
    int runs = atoi(argv[1]);
    /* m KiB, t, p: OWASP's two argon2id recommendations, RFC 9106's second choice, and heavier ones. */
    const unsigned costs[][3] = {
        {19456, 2, 1}, {47104, 1, 1}, {65536, 2, 1}, {65536, 3, 1}, {65536, 4, 1},
        {131072, 3, 1}, {262144, 3, 1}, {1048576, 1, 1},
    };
    const char password[] = "correct horse battery staple";
    const unsigned char salt[16] = "0123456789abcdef";
    char encoded[256];
    for (size_t i = 0; i < sizeof costs / sizeof costs[0]; i++) {
        double best = 1e9, total = 0;
        for (int r = 0; r < runs; r++) {
            double start = now();
            int rc = argon2id_hash_encoded(costs[i][1], costs[i][0], costs[i][2], password,
                                           sizeof password - 1, salt, sizeof salt, 32, encoded, sizeof encoded);
            double elapsed = now() - start;
            if (rc != ARGON2_OK) { fprintf(stderr, "%s\n", argon2_error_message(rc)); return 1; }
            total += elapsed;
            if (elapsed < best) best = elapsed;
        }
        printf("m=%7u KiB (%4u MiB) t=%u p=%u   best %6.1f ms   mean %6.1f ms\n", costs[i][0],
               costs[i][0] / 1024, costs[i][1], costs[i][2], best * 1e3, total / runs * 1e3);
    }
    return 0;
}
C
cc -O2 -o "$work/cost" "$work/cost.c" $(pkg-config --cflags --libs libargon2)
nproc | sed 's/^/cores: /'
"$work/cost" "$runs"
