/* CTest smoke check: depthwise and pointwise convolutions through BOTH oneDNN and XNNPACK on
 * integer-valued data must equal a plain C loop bit for bit.
 *
 * Why exact: inputs are integers in [-4, 4], weights in [-2, 2], bias in [-8, 8]; every partial
 * sum is an integer of magnitude < 2^24, so it is representable in fp32 and every summation
 * order (vectorised, FMA, blocked) produces the same float. */
#include "nc_conv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static unsigned int rng_state = 12345u;
static int next_int(int lo, int hi) { /* inclusive, LCG: reproducible everywhere */
    rng_state = rng_state * 1664525u + 1013904223u;
    return lo + (int)((rng_state >> 8) % (unsigned)(hi - lo + 1));
}

static void fill(float *p, size_t n, int lo, int hi) {
    for (size_t i = 0; i < n; i++) p[i] = (float)next_int(lo, hi);
}

static int compare(const char *what, const nc_shape *s, const float *got, const float *want) {
    const size_t n = nc_output_len(s);
    for (size_t i = 0; i < n; i++) {
        if (memcmp(&got[i], &want[i], sizeof(float)) != 0) {
            printf("FAIL %-8s %-28s first difference at %zu: got %.9g want %.9g\n", what, s->name, i, got[i], want[i]);
            return 1;
        }
    }
    printf("ok   %-8s %-28s %zu outputs bit-exact\n", what, s->name, n);
    return 0;
}

/* [n][a][b] -> [n][b][a]: NHWC <-> NCHW for the layouts' sake (the reference is NHWC). */
static void transpose(const float *from, float *to, int n, int a, int b) {
    for (int i = 0; i < n; i++)
        for (int j = 0; j < a; j++)
            for (int k = 0; k < b; k++) to[((size_t)i * b + k) * a + j] = from[((size_t)i * a + j) * b + k];
}

static int check(const nc_shape *s, int with_bias) {
    float *x = nc_alloc_floats(nc_input_len(s));
    float *w = nc_alloc_floats(nc_weight_len(s));
    float *b = with_bias ? nc_alloc_floats((size_t)s->out_c) : NULL;
    float *want = nc_alloc_floats(nc_output_len(s));
    float *got = nc_alloc_floats(nc_output_len(s));
    fill(x, nc_input_len(s), -4, 4);
    fill(w, nc_weight_len(s), -2, 2);
    if (b) fill(b, (size_t)s->out_c, -8, 8);
    nc_reference_nhwc(s, x, w, b, want);
    if (s->nchw) { /* give the libraries NCHW input and compare with the NCHW-ordered reference */
        float *t = nc_alloc_floats(nc_input_len(s));
        transpose(x, t, s->n, s->h * s->w, s->in_c);
        nc_aligned_free(x);
        x = t;
        t = nc_alloc_floats(nc_output_len(s));
        transpose(want, t, s->n, nc_out_h(s) * nc_out_w(s), s->out_c);
        nc_aligned_free(want);
        want = t;
    }

    int failures = 0;
    nc_onednn_conv *d = nc_onednn_create(s, w, b);
    printf("     oneDNN implementation for %s: %s\n", s->name, nc_onednn_impl(d));
    memset(got, 0xff, nc_output_len(s) * sizeof(float)); /* NaN pattern: unwritten outputs fail */
    nc_onednn_run(d, x, got);
    failures += compare("oneDNN", s, got, want);
    nc_onednn_destroy(d);

    nc_xnnpack_conv *xc = nc_xnnpack_create(s, w, b, 2);
    memset(got, 0xff, nc_output_len(s) * sizeof(float));
    nc_xnnpack_run(xc, x, got);
    failures += compare("XNNPACK", s, got, want);
    nc_xnnpack_destroy(xc);

    nc_aligned_free(x); nc_aligned_free(w); nc_aligned_free(b); nc_aligned_free(want); nc_aligned_free(got);
    return failures;
}

int main(void) {
    static const struct { nc_shape s; int bias; } cases[] = {
        /*  name                            n   h    w   in   out  groups kh kw stride pad nchw relu6 */
        {{"dw3x3 32ch 112x112 s1",          1, 112, 112, 32,   32,  32,   3, 3, 1,     1}, 1},
        {{"dw3x3 64ch 112x112 s2",          1, 112, 112, 64,   64,  64,   3, 3, 2,     1}, 0},
        {{"pw1x1 32->64 56x56",             1, 56,  56,  32,   64,  1,    1, 1, 1,     0}, 1},
        /* Regressions: on a VM whose CPUID reports empty AMD cache descriptors, unpatched oneDNN
         * 3.7.2 computed these wrongly (channel multiplier, channel tail) or died of SIGFPE
         * (512 -> 1024); see cmake/patches/. */
        {{"dw3x3 32ch x2 56x56",            1, 56,  56,  32,   64,  32,   3, 3, 1,     1}, 1},
        {{"pw1x1 17->1020 batch 2 1x1",     2, 1,   1,   17, 1020,  1,    1, 1, 1,     0}, 1},
        {{"pw1x1 512->1024 7x7",            1, 7,   7,  512, 1024,  1,    1, 1, 1,     0}, 1},
        /* The benchmark harness's other paths: NCHW (oneDNN's ncsp kernels, XNNPACK's transposes)
         * and fused ReLU6 (integer data stays exact through the clamp). */
        {{"dw3x3 48ch 28x20 s2 NCHW relu6", 2, 28,  20,  48,   48,  48,   3, 3, 2,     1,  1,   1}, 1},
        {{"pw1x1 24->40 9x11 NCHW relu6",   1, 9,   11,  24,   40,  1,    1, 1, 1,     0,  1,   1}, 1},
        {{"dw3x3 16ch 14x14 NHWC relu6",    1, 14,  14,  16,   16,  16,   3, 3, 1,     1,  0,   1}, 1},
    };
    const int n = (int)(sizeof cases / sizeof cases[0]);
    int failures = 0;
    for (int i = 0; i < n; i++) failures += check(&cases[i].s, cases[i].bias);
    printf("%d passed, %d failed\n", 2 * n - failures, failures);
    return failures == 0 ? 0 : 1;
}
