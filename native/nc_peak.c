/* The machine's limits, for the benchmarks' rooflines: fp32 FMA peak (GFLOP/s), int8 multiply-add
 * peak (GOP/s, 2 ops per u8 x s8 product added) and memory bandwidth (GB/s), with 1..N threads.
 *
 * FMA peak: each thread runs independent chains of vector FMAs on registers (AVX-512 and AVX2
 * variants, whichever the CPU has); 12 chains hide the FMA latency on every current x86 core.
 * int8 peak: the same chains of VPDPBUSD (AVX512_VNNI: 64 products per instruction, what oneDNN's
 * avx512_core_vnni kernels and XNNPACK's VNNI kernels run) and, for CPUs without VNNI, of the AVX2
 * sequence VPMADDUBSW + VPMADDWD + VPADDD (32 products per three instructions).
 * Bandwidth: the same threads stream through arrays larger than any cache, (a) reading (sum) and
 * (b) copying (read + write, what a depthwise layer does), and copying 1 MiB and 8 MiB working sets
 * that stay in the caches, as the depthwise layers' tensors (all under 4 MiB) do.
 *
 * usage: nc_peak [--threads N] [--csv]   (N: the largest thread count; 1..N are measured) */
#include <immintrin.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "nc_portable.h"

static double now_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}

enum { CHAINS = 12 };

/* flops = iterations x CHAINS x lanes x 2 */
__attribute__((target("avx512f"))) static float fma_avx512(long iterations) {
    __m512 acc[CHAINS];
    const __m512 a = _mm512_set1_ps(0.999999f), b = _mm512_set1_ps(1e-7f);
    for (int c = 0; c < CHAINS; c++) acc[c] = _mm512_set1_ps((float)c);
    for (long i = 0; i < iterations; i++)
#pragma GCC unroll 12 /* fully unrolled, so the chains live in registers, not in memory */
        for (int c = 0; c < CHAINS; c++) acc[c] = _mm512_fmadd_ps(acc[c], a, b);
    __m512 sum = acc[0];
    for (int c = 1; c < CHAINS; c++) sum = _mm512_add_ps(sum, acc[c]);
    return _mm512_reduce_add_ps(sum);
}

__attribute__((target("avx2,fma"))) static float fma_avx2(long iterations) {
    __m256 acc[CHAINS];
    const __m256 a = _mm256_set1_ps(0.999999f), b = _mm256_set1_ps(1e-7f);
    for (int c = 0; c < CHAINS; c++) acc[c] = _mm256_set1_ps((float)c);
    for (long i = 0; i < iterations; i++)
#pragma GCC unroll 12
        for (int c = 0; c < CHAINS; c++) acc[c] = _mm256_fmadd_ps(acc[c], a, b);
    __m256 sum = acc[0];
    for (int c = 1; c < CHAINS; c++) sum = _mm256_add_ps(sum, acc[c]);
    float out[8];
    _mm256_storeu_ps(out, sum);
    return out[0] + out[1] + out[2] + out[3] + out[4] + out[5] + out[6] + out[7];
}

/* ops = iterations x CHAINS x 64 products x 2 */
__attribute__((target("avx512f,avx512bw,avx512vnni"))) static int dot_vnni512(long iterations) {
    __m512i acc[CHAINS];
    const __m512i a = _mm512_set1_epi8(3), b = _mm512_set1_epi8(-2);
    for (int c = 0; c < CHAINS; c++) acc[c] = _mm512_set1_epi32(c);
    for (long i = 0; i < iterations; i++)
#pragma GCC unroll 12
        for (int c = 0; c < CHAINS; c++) acc[c] = _mm512_dpbusd_epi32(acc[c], a, b);
    __m512i sum = acc[0];
    for (int c = 1; c < CHAINS; c++) sum = _mm512_add_epi32(sum, acc[c]);
    return _mm512_reduce_add_epi32(sum);
}

/* ops = iterations x AVX2_CHAINS x 32 products x 2. The products do not depend on the accumulators, so
 * four chains keep the multiply ports busy; each chain has its own opaque input so nothing is shared or hoisted. */
enum { AVX2_CHAINS = 4 };
#define NC_DOT_STEP(k) \
    __asm__ volatile("" : "+x"(a##k)); \
    acc##k = _mm256_add_epi32(acc##k, _mm256_madd_epi16(_mm256_maddubs_epi16(a##k, b), ones));
__attribute__((target("avx2"))) static int dot_avx2(long iterations) {
    /* named variables, not arrays: arrays behind the asm barrier would live in memory */
    __m256i acc0 = _mm256_set1_epi32(0), acc1 = acc0, acc2 = acc0, acc3 = acc0;
    __m256i a0 = _mm256_set1_epi8(1), a1 = _mm256_set1_epi8(2), a2 = _mm256_set1_epi8(3), a3 = _mm256_set1_epi8(4);
    const __m256i b = _mm256_set1_epi8(-2), ones = _mm256_set1_epi16(1);
    for (long i = 0; i < iterations; i++) {
        NC_DOT_STEP(0) NC_DOT_STEP(1) NC_DOT_STEP(2) NC_DOT_STEP(3)
    }
    const __m256i sum = _mm256_add_epi32(_mm256_add_epi32(acc0, acc1), _mm256_add_epi32(acc2, acc3));
    int out[8], total = 0;
    _mm256_storeu_si256((__m256i *)out, sum);
    for (int k = 0; k < 8; k++) total += out[k];
    return total;
}
#undef NC_DOT_STEP

static volatile float sink; /* keeps the results alive */

/* Sum with 4 independent vector accumulators, so the loads, not the add latency, set the pace. */
__attribute__((target("avx2"))) static float read_avx2(const float *x, size_t n) {
    __m256 a0 = _mm256_setzero_ps(), a1 = a0, a2 = a0, a3 = a0;
    size_t i = 0;
    for (; i + 32 <= n; i += 32) {
        a0 = _mm256_add_ps(a0, _mm256_load_ps(x + i));
        a1 = _mm256_add_ps(a1, _mm256_load_ps(x + i + 8));
        a2 = _mm256_add_ps(a2, _mm256_load_ps(x + i + 16));
        a3 = _mm256_add_ps(a3, _mm256_load_ps(x + i + 24));
    }
    float out[8], sum = 0;
    _mm256_storeu_ps(out, _mm256_add_ps(_mm256_add_ps(a0, a1), _mm256_add_ps(a2, a3)));
    for (int k = 0; k < 8; k++) sum += out[k];
    for (; i < n; i++) sum += x[i];
    return sum;
}

/* Best of 10 runs of ~0.2 s each: the peak is a maximum, not a typical value. */
static double fma_gflops(int threads, int lanes) {
    const long iterations = 20L * 1000 * 1000;
    double best = 0;
    for (int rep = 0; rep < 10; rep++) {
        const double t0 = now_s();
#pragma omp parallel num_threads(threads)
        {
            const float r = lanes == 16 ? fma_avx512(iterations) : fma_avx2(iterations);
#pragma omp atomic
            sink += r;
        }
        const double gflops = (double)threads * iterations * CHAINS * lanes * 2 / (now_s() - t0) / 1e9;
        if (gflops > best) best = gflops;
    }
    return best;
}

/* Best of 10 runs, as for the FMA peak; products = 64 per VPDPBUSD (zmm) or 32 per AVX2 sequence. */
static double int8_gops(int threads, int vnni512) {
    const long iterations = 20L * 1000 * 1000;
    double best = 0;
    for (int rep = 0; rep < 10; rep++) {
        const double t0 = now_s();
#pragma omp parallel num_threads(threads)
        {
            const int r = vnni512 ? dot_vnni512(iterations) : dot_avx2(iterations);
#pragma omp atomic
            sink += (float)r;
        }
        const double gops = (double)threads * iterations * (vnni512 ? CHAINS * 64 : AVX2_CHAINS * 32) * 2 / (now_s() - t0) / 1e9;
        if (gops > best) best = gops;
    }
    return best;
}

/* Bytes moved per second by `threads` threads over `bytes`-sized arrays: copy counts read + write. */
static double bandwidth_gbs(int threads, size_t bytes, int copy) {
    const size_t n = bytes / sizeof(float);
    float *x = nc_aligned_alloc(n * sizeof(float)), *y = nc_aligned_alloc(n * sizeof(float));
#pragma omp parallel for num_threads(threads) schedule(static)
    for (size_t i = 0; i < n; i++) { x[i] = (float)(i & 1023); y[i] = 0; } /* first touch by the measuring threads */
    double best = 0;
    const int reps = bytes >= (64u << 20) ? 5 : 200;
    for (int r = 0; r < 5; r++) {
        const double t0 = now_s();
        for (int k = 0; k < reps / 5 + 1; k++) {
            if (copy) {
#pragma omp parallel num_threads(threads)
                { /* glibc's memcpy: the vectorized copy a library would use */
                    const size_t share = (n / (size_t)threads) & ~(size_t)15, from = share * (size_t)omp_get_thread_num();
                    const size_t count = omp_get_thread_num() == threads - 1 ? n - from : share;
                    memcpy(y + from, x + from, count * sizeof(float));
                }
            } else {
#pragma omp parallel num_threads(threads)
                {
                    /* each thread its contiguous, 64-byte aligned share */
                    const size_t share = (n / (size_t)threads) & ~(size_t)15, from = share * (size_t)omp_get_thread_num();
                    const size_t count = omp_get_thread_num() == threads - 1 ? n - from : share;
                    const float sum = read_avx2(x + from, count);
#pragma omp atomic
                    sink += sum;
                }
            }
        }
        const double gbs = (double)(reps / 5 + 1) * bytes * (copy ? 2 : 1) / (now_s() - t0) / 1e9;
        if (gbs > best) best = gbs;
    }
    sink += y[n / 2];
    nc_aligned_free(x);
    nc_aligned_free(y);
    return best;
}

int main(int argc, char **argv) {
    int max_threads = omp_get_num_procs(), csv = 0;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--threads") && i + 1 < argc) max_threads = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--csv")) csv = 1;
        else { fprintf(stderr, "usage: %s [--threads N] [--csv]\n", argv[0]); return 2; }
    }
    if (max_threads < 1) { fprintf(stderr, "--threads must be >= 1\n"); return 2; }
    __builtin_cpu_init();
    const int has512 = __builtin_cpu_supports("avx512f"), has2 = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    const int hasVnni512 = has512 && __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512vnni");
    if (csv) printf("metric,threads,value,unit\n");
    for (int t = 1; t <= max_threads; t++) {
        if (has512) {
            const double g = fma_gflops(t, 16);
            if (csv) printf("fma_avx512,%d,%.1f,GFLOP/s\n", t, g);
            else printf("fp32 FMA peak, AVX-512, %d thread(s): %8.1f GFLOP/s\n", t, g);
        }
        if (has2) {
            const double g = fma_gflops(t, 8);
            if (csv) printf("fma_avx2,%d,%.1f,GFLOP/s\n", t, g);
            else printf("fp32 FMA peak, AVX2,    %d thread(s): %8.1f GFLOP/s\n", t, g);
        }
        if (hasVnni512) {
            const double g = int8_gops(t, 1);
            if (csv) printf("int8_vnni512,%d,%.1f,GOP/s\n", t, g);
            else printf("int8 peak, AVX512_VNNI, %d thread(s): %8.1f GOP/s\n", t, g);
        }
        if (has2) {
            const double g = int8_gops(t, 0);
            if (csv) printf("int8_avx2,%d,%.1f,GOP/s\n", t, g);
            else printf("int8 peak, AVX2,       %d thread(s): %8.1f GOP/s\n", t, g);
        }
        const struct { const char *metric, *label; size_t bytes; int copy; } streams[] = {
            {"dram_read", "read, 256 MiB", 256u << 20, 0},
            {"dram_copy", "copy, 256 MiB", 256u << 20, 1},
            {"cache1m_copy", "copy, 1 MiB", 1u << 20, 1},
            {"cache8m_copy", "copy, 8 MiB", 8u << 20, 1},
        };
        for (size_t i = 0; i < sizeof streams / sizeof streams[0]; i++) {
            const double g = bandwidth_gbs(t, streams[i].bytes, streams[i].copy);
            if (csv) printf("%s,%d,%.1f,GB/s\n", streams[i].metric, t, g);
            else printf("bandwidth %-14s %d thread(s): %8.1f GB/s\n", streams[i].label, t, g);
        }
        fflush(stdout);
    }
    return 0;
}
