/* What the harness needs beyond ISO C, one way on POSIX systems and Windows (MinGW-w64), so the same sources
 * build for linux-x64, linux-arm64 and win-x64:
 *   nc_aligned_alloc/nc_aligned_free  64-byte-aligned memory (posix_memalign, or _aligned_malloc, whose blocks
 *                                     only _aligned_free may release: never pass them to free());
 *   nc_random_unit                    a seeded value in [-1, 1] (rand_r is POSIX only; this generator gives the
 *                                     same sequence on every system). */
#ifndef NC_PORTABLE_H
#define NC_PORTABLE_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#if defined(_WIN32)
#include <malloc.h>
#endif

static inline void *nc_aligned_alloc(size_t bytes) {
    void *p = NULL;
#if defined(_WIN32)
    p = _aligned_malloc(bytes ? bytes : 1, 64);
#else
    if (posix_memalign(&p, 64, bytes ? bytes : 1) != 0) p = NULL;
#endif
    if (p == NULL) {
        fprintf(stderr, "out of memory (%zu bytes)\n", bytes);
        exit(2);
    }
    return p;
}

static inline void nc_aligned_free(void *p) {
#if defined(_WIN32)
    _aligned_free(p);
#else
    free(p);
#endif
}

static inline float nc_random_unit(unsigned *state) {
    *state = *state * 1664525u + 1013904223u; /* LCG (Numerical Recipes), the top 24 bits as the value */
    return (float)(*state >> 8) / (float)(1u << 23) - 1.0f;
}

#endif
