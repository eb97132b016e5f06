/* CTest check of the pthreadpool API that libnativeconv_xnnpack implements over OpenMP
 * (cmake/xnnpack/openmp-pthreadpool.c), against upstream's documented meaning (pthreadpool.h):
 *   - every index of the range is visited exactly once, for every parallelize function XNNPACK calls;
 *   - tiles start at multiples of the tile size, each as long as the tile or cut at the range's end;
 *   - "with_thread" tasks get a thread index below the pool's thread count, "with_uarch" ones the default;
 *   - PTHREADPOOL_FLAG_DISABLE_DENORMALS holds inside every task (x86: MXCSR FTZ+DAZ; AArch64: FPCR.FZ)
 *     and the caller's FPU state is back afterwards;
 *   - a null pool, a pool of one thread and pools of two and three threads all do the same.
 * Ranges are not multiples of the tiles, so every cut tile is exercised. */
#include <pthreadpool.h>

#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#if defined(__x86_64__) || defined(_M_X64)
#include <xmmintrin.h>
static uint64_t fpu_state(void) { return _mm_getcsr(); }
static int denormals_disabled(void) { return (_mm_getcsr() & 0x8040) == 0x8040; }
#elif defined(__aarch64__)
static uint64_t fpu_state(void) { uint64_t v; __asm__ volatile("mrs %0, fpcr" : "=r"(v)); return v; }
static int denormals_disabled(void) { return (fpu_state() & (UINT64_C(1) << 24)) != 0; }
#else
#error "nc_pthreadpool_check: x86-64 or AArch64 only"
#endif

#define DIMS 6
#define UARCH 7

static size_t range[DIMS], tile[DIMS], dims, threads;
static uint32_t flags;
static atomic_int visits[3 * 5 * 4 * 3 * 2 * 3];
static atomic_int errors;

static void fail(const char *what) {
    if (atomic_fetch_add(&errors, 1) < 10) printf("FAIL %s\n", what);
}

/* One task call: the tile's start and length in each dimension (untiled: length 1). */
static void visit(const size_t *start, const size_t *len, size_t thread, uint32_t uarch) {
    if (thread >= threads) fail("thread index beyond the pool");
    if (uarch != UARCH) fail("not the default uarch index");
    if ((flags & PTHREADPOOL_FLAG_DISABLE_DENORMALS) && !denormals_disabled()) fail("denormals not disabled in a task");
    for (size_t d = 0; d < dims; d++) {
        if (start[d] % tile[d] != 0) fail("tile start not a multiple of the tile");
        size_t want = range[d] - start[d] < tile[d] ? range[d] - start[d] : tile[d];
        if (start[d] >= range[d] || len[d] != want) fail("tile length");
    }
    size_t at[DIMS] = {0};
    for (;;) {
        size_t flat = 0;
        for (size_t d = 0; d < dims; d++) flat = flat * range[d] + start[d] + at[d];
        atomic_fetch_add(&visits[flat], 1);
        size_t d = dims;
        while (d-- > 0) {
            if (++at[d] < len[d]) break;
            at[d] = 0;
        }
        if (d == (size_t)-1) break;
    }
}

#define S(...) size_t s[DIMS] = {__VA_ARGS__}
#define N(...) size_t n[DIMS] = {__VA_ARGS__}
static void t1(void *c, size_t i) { (void)c; S(i); N(1); visit(s, n, 0, UARCH); }
static void t1t(void *c, size_t t, size_t i) { (void)c; S(i); N(1); visit(s, n, t, UARCH); }
static void t1u(void *c, uint32_t u, size_t i) { (void)c; S(i); N(1); visit(s, n, 0, u); }
static void t1x1(void *c, size_t i, size_t ti) { (void)c; S(i); N(ti); visit(s, n, 0, UARCH); }
static void t2(void *c, size_t i, size_t j) { (void)c; S(i, j); N(1, 1); visit(s, n, 0, UARCH); }
static void t2t(void *c, size_t t, size_t i, size_t j) { (void)c; S(i, j); N(1, 1); visit(s, n, t, UARCH); }
static void t2x1(void *c, size_t i, size_t j, size_t tj) { (void)c; S(i, j); N(1, tj); visit(s, n, 0, UARCH); }
static void t2x1u(void *c, uint32_t u, size_t i, size_t j, size_t tj) { (void)c; S(i, j); N(1, tj); visit(s, n, 0, u); }
static void t2x1ut(void *c, uint32_t u, size_t t, size_t i, size_t j, size_t tj) { (void)c; S(i, j); N(1, tj); visit(s, n, t, u); }
static void t2x2(void *c, size_t i, size_t j, size_t ti, size_t tj) { (void)c; S(i, j); N(ti, tj); visit(s, n, 0, UARCH); }
static void t2x2u(void *c, uint32_t u, size_t i, size_t j, size_t ti, size_t tj) { (void)c; S(i, j); N(ti, tj); visit(s, n, 0, u); }
static void t3(void *c, size_t i, size_t j, size_t k) { (void)c; S(i, j, k); N(1, 1, 1); visit(s, n, 0, UARCH); }
static void t3x1(void *c, size_t i, size_t j, size_t k, size_t tk) { (void)c; S(i, j, k); N(1, 1, tk); visit(s, n, 0, UARCH); }
static void t3x1t(void *c, size_t t, size_t i, size_t j, size_t k, size_t tk) { (void)c; S(i, j, k); N(1, 1, tk); visit(s, n, t, UARCH); }
static void t3x1u(void *c, uint32_t u, size_t i, size_t j, size_t k, size_t tk) { (void)c; S(i, j, k); N(1, 1, tk); visit(s, n, 0, u); }
static void t3x1ut(void *c, uint32_t u, size_t t, size_t i, size_t j, size_t k, size_t tk) { (void)c; S(i, j, k); N(1, 1, tk); visit(s, n, t, u); }
static void t3x2(void *c, size_t i, size_t j, size_t k, size_t tj, size_t tk) { (void)c; S(i, j, k); N(1, tj, tk); visit(s, n, 0, UARCH); }
static void t3x2u(void *c, uint32_t u, size_t i, size_t j, size_t k, size_t tj, size_t tk) { (void)c; S(i, j, k); N(1, tj, tk); visit(s, n, 0, u); }
static void t4(void *c, size_t i, size_t j, size_t k, size_t l) { (void)c; S(i, j, k, l); N(1, 1, 1, 1); visit(s, n, 0, UARCH); }
static void t4x1(void *c, size_t i, size_t j, size_t k, size_t l, size_t tl) { (void)c; S(i, j, k, l); N(1, 1, 1, tl); visit(s, n, 0, UARCH); }
static void t4x2(void *c, size_t i, size_t j, size_t k, size_t l, size_t tk, size_t tl) { (void)c; S(i, j, k, l); N(1, 1, tk, tl); visit(s, n, 0, UARCH); }
static void t4x2u(void *c, uint32_t u, size_t i, size_t j, size_t k, size_t l, size_t tk, size_t tl) { (void)c; S(i, j, k, l); N(1, 1, tk, tl); visit(s, n, 0, u); }
static void t5(void *c, size_t i, size_t j, size_t k, size_t l, size_t m) { (void)c; S(i, j, k, l, m); N(1, 1, 1, 1, 1); visit(s, n, 0, UARCH); }
static void t5x1(void *c, size_t i, size_t j, size_t k, size_t l, size_t m, size_t tm) { (void)c; S(i, j, k, l, m); N(1, 1, 1, 1, tm); visit(s, n, 0, UARCH); }
static void t5x2(void *c, size_t i, size_t j, size_t k, size_t l, size_t m, size_t tl, size_t tm) { (void)c; S(i, j, k, l, m); N(1, 1, 1, tl, tm); visit(s, n, 0, UARCH); }
static void t6(void *c, size_t i, size_t j, size_t k, size_t l, size_t m, size_t o) { (void)c; S(i, j, k, l, m, o); N(1, 1, 1, 1, 1, 1); visit(s, n, 0, UARCH); }
static void t6x1(void *c, size_t i, size_t j, size_t k, size_t l, size_t m, size_t o, size_t to) { (void)c; S(i, j, k, l, m, o); N(1, 1, 1, 1, 1, to); visit(s, n, 0, UARCH); }
static void t6x2(void *c, size_t i, size_t j, size_t k, size_t l, size_t m, size_t o, size_t tm, size_t to) {
    (void)c; S(i, j, k, l, m, o); N(1, 1, 1, 1, tm, to); visit(s, n, 0, UARCH);
}

/* The ranges, and the tile sizes where a function tiles that dimension (3 and 2: never dividing 5 or 4 evenly). */
static const size_t R[DIMS] = {3, 5, 4, 3, 2, 3};

static void set_loop(size_t d, const size_t *tiles) {
    dims = d;
    for (size_t k = 0; k < DIMS; k++) {
        range[k] = k < d ? R[k] : 1;
        tile[k] = k < d && tiles[k] ? tiles[k] : 1;
    }
    for (size_t k = 0; k < sizeof(visits) / sizeof(visits[0]); k++) atomic_store(&visits[k], 0);
}

static void check_visits(const char *name, size_t pool_threads) {
    size_t total = 1;
    for (size_t d = 0; d < dims; d++) total *= range[d];
    for (size_t k = 0; k < total; k++) {
        if (atomic_load(&visits[k]) != 1) {
            printf("FAIL %s, %zu threads: index %zu visited %d times\n", name, pool_threads, k, atomic_load(&visits[k]));
            atomic_fetch_add(&errors, 1);
            return;
        }
    }
}

#define RUN(name, d, tiles, call) do { \
        size_t tl_[DIMS] = tiles; set_loop(d, tl_); uint64_t before = fpu_state(); call; \
        if (fpu_state() != before) fail(name ": the caller's FPU state changed"); \
        check_visits(name, threads); runs++; } while (0)
#define T(...) {__VA_ARGS__}

int main(void) {
    int runs = 0;
    const size_t pool_sizes[] = {0 /* null pool */, 1, 2, 3};
    for (size_t p = 0; p < sizeof(pool_sizes) / sizeof(pool_sizes[0]); p++) {
        pthreadpool_t pool = pool_sizes[p] ? pthreadpool_create(pool_sizes[p]) : NULL;
        threads = pthreadpool_get_threads_count(pool);
        if (threads != (pool_sizes[p] ? pool_sizes[p] : 1)) fail("pthreadpool_get_threads_count");
        for (int f = 0; f < 2; f++) {
            flags = f ? PTHREADPOOL_FLAG_DISABLE_DENORMALS : 0;
            RUN("1d", 1, T(0), pthreadpool_parallelize_1d(pool, t1, NULL, R[0], flags));
            RUN("1d_with_thread", 1, T(0), pthreadpool_parallelize_1d_with_thread(pool, t1t, NULL, R[0], flags));
            RUN("1d_with_uarch", 1, T(0), pthreadpool_parallelize_1d_with_uarch(pool, t1u, NULL, UARCH, UARCH + 1, R[0], flags));
            RUN("1d_tile_1d", 1, T(2), pthreadpool_parallelize_1d_tile_1d(pool, t1x1, NULL, R[0], 2, flags));
            RUN("2d", 2, T(0), pthreadpool_parallelize_2d(pool, t2, NULL, R[0], R[1], flags));
            RUN("2d_with_thread", 2, T(0), pthreadpool_parallelize_2d_with_thread(pool, t2t, NULL, R[0], R[1], flags));
            RUN("2d_tile_1d", 2, T(0, 3), pthreadpool_parallelize_2d_tile_1d(pool, t2x1, NULL, R[0], R[1], 3, flags));
            RUN("2d_tile_1d_with_uarch", 2, T(0, 3),
                pthreadpool_parallelize_2d_tile_1d_with_uarch(pool, t2x1u, NULL, UARCH, UARCH, R[0], R[1], 3, flags));
            RUN("2d_tile_1d_with_uarch_with_thread", 2, T(0, 3),
                pthreadpool_parallelize_2d_tile_1d_with_uarch_with_thread(pool, t2x1ut, NULL, UARCH, UARCH, R[0], R[1], 3, flags));
            RUN("2d_tile_2d", 2, T(2, 3), pthreadpool_parallelize_2d_tile_2d(pool, t2x2, NULL, R[0], R[1], 2, 3, flags));
            RUN("2d_tile_2d_with_uarch", 2, T(2, 3),
                pthreadpool_parallelize_2d_tile_2d_with_uarch(pool, t2x2u, NULL, UARCH, UARCH, R[0], R[1], 2, 3, flags));
            RUN("3d", 3, T(0), pthreadpool_parallelize_3d(pool, t3, NULL, R[0], R[1], R[2], flags));
            RUN("3d_tile_1d", 3, T(0, 0, 3), pthreadpool_parallelize_3d_tile_1d(pool, t3x1, NULL, R[0], R[1], R[2], 3, flags));
            RUN("3d_tile_1d_with_thread", 3, T(0, 0, 3),
                pthreadpool_parallelize_3d_tile_1d_with_thread(pool, t3x1t, NULL, R[0], R[1], R[2], 3, flags));
            RUN("3d_tile_1d_with_uarch", 3, T(0, 0, 3),
                pthreadpool_parallelize_3d_tile_1d_with_uarch(pool, t3x1u, NULL, UARCH, UARCH, R[0], R[1], R[2], 3, flags));
            RUN("3d_tile_1d_with_uarch_with_thread", 3, T(0, 0, 3),
                pthreadpool_parallelize_3d_tile_1d_with_uarch_with_thread(pool, t3x1ut, NULL, UARCH, UARCH, R[0], R[1], R[2], 3, flags));
            RUN("3d_tile_2d", 3, T(0, 2, 3), pthreadpool_parallelize_3d_tile_2d(pool, t3x2, NULL, R[0], R[1], R[2], 2, 3, flags));
            RUN("3d_tile_2d_with_uarch", 3, T(0, 2, 3),
                pthreadpool_parallelize_3d_tile_2d_with_uarch(pool, t3x2u, NULL, UARCH, UARCH, R[0], R[1], R[2], 2, 3, flags));
            RUN("4d", 4, T(0), pthreadpool_parallelize_4d(pool, t4, NULL, R[0], R[1], R[2], R[3], flags));
            RUN("4d_tile_1d", 4, T(0, 0, 0, 2), pthreadpool_parallelize_4d_tile_1d(pool, t4x1, NULL, R[0], R[1], R[2], R[3], 2, flags));
            RUN("4d_tile_2d", 4, T(0, 0, 3, 2), pthreadpool_parallelize_4d_tile_2d(pool, t4x2, NULL, R[0], R[1], R[2], R[3], 3, 2, flags));
            RUN("4d_tile_2d_with_uarch", 4, T(0, 0, 3, 2),
                pthreadpool_parallelize_4d_tile_2d_with_uarch(pool, t4x2u, NULL, UARCH, UARCH, R[0], R[1], R[2], R[3], 3, 2, flags));
            RUN("5d", 5, T(0), pthreadpool_parallelize_5d(pool, t5, NULL, R[0], R[1], R[2], R[3], R[4], flags));
            RUN("5d_tile_1d", 5, T(0, 0, 0, 0, 2),
                pthreadpool_parallelize_5d_tile_1d(pool, t5x1, NULL, R[0], R[1], R[2], R[3], R[4], 2, flags));
            RUN("5d_tile_2d", 5, T(0, 0, 0, 2, 2),
                pthreadpool_parallelize_5d_tile_2d(pool, t5x2, NULL, R[0], R[1], R[2], R[3], R[4], 2, 2, flags));
            RUN("6d", 6, T(0), pthreadpool_parallelize_6d(pool, t6, NULL, R[0], R[1], R[2], R[3], R[4], R[5], flags));
            RUN("6d_tile_1d", 6, T(0, 0, 0, 0, 0, 2),
                pthreadpool_parallelize_6d_tile_1d(pool, t6x1, NULL, R[0], R[1], R[2], R[3], R[4], R[5], 2, flags));
            RUN("6d_tile_2d", 6, T(0, 0, 0, 0, 2, 2),
                pthreadpool_parallelize_6d_tile_2d(pool, t6x2, NULL, R[0], R[1], R[2], R[3], R[4], R[5], 2, 2, flags));
        }
        pthreadpool_destroy(pool);
    }
    int e = atomic_load(&errors);
    printf("%s: %d parallel loops, %d errors\n", e ? "FAIL" : "ok", runs, e);
    return e ? 1 : 0;
}
