/* NativeConv native harness: one fp32 convolution through oneDNN, XNNPACK and a plain C loop, set up
 * as the C# facade sets it up (fused ReLU6, user scratchpad, NCHW through XNNPACK by transposes), so
 * that facade time / harness time is the cost of the managed layer alone.
 * Weights are in PyTorch order (out, in/groups, kh, kw); each backend converts them once at create. */
#ifndef NC_CONV_H
#define NC_CONV_H

#include <oneapi/dnnl/dnnl.h>

#include "nc_portable.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>

/* A oneDNN call that must succeed: on failure, where and what, then exit(2). */
#define NC_CHECK_DNNL(call)                                                            \
    do {                                                                               \
        dnnl_status_t st_ = (call);                                                    \
        if (st_ != dnnl_success) {                                                     \
            fprintf(stderr, "%s:%d: %s failed: dnnl status %d\n", __FILE__, __LINE__, #call, (int)st_); \
            exit(2);                                                                   \
        }                                                                              \
    } while (0)

/* Monotonic seconds, and a qsort comparator for doubles: the harness programs' timing. */
double nc_now_s(void);
int nc_cmp_double(const void *a, const void *b);

/* The measuring programs' options: --threads N, --min-ms M, --csv (from the defaults given); anything else
 * prints "usage: <program> [--threads N] [--min-ms M] [--csv]" and exits with 2. */
typedef struct nc_options {
    int threads;
    double min_ms;
    int csv;
} nc_options;
nc_options nc_parse_options(int argc, char **argv, const char *program, nc_options defaults);

/* Median µs of back-to-back calls of call(context), each a sample, over at least min_ms and 15 samples,
 * after 10 untimed calls: the measuring programs' timing. */
double nc_median_us(void (*call)(void *context), void *context, double min_ms);

typedef struct nc_shape {
    const char *name;
    int n, h, w;           /* input batch and spatial size */
    int in_c, out_c, groups;
    int kh, kw, stride, pad; /* square stride, symmetric padding, dilation 1 */
    int nchw;                /* 0: NHWC activations (the default), 1: NCHW */
    int relu6;               /* 1: fused min(max(y, 0), 6) */
} nc_shape;

int nc_out_h(const nc_shape *s);
int nc_out_w(const nc_shape *s);
size_t nc_input_len(const nc_shape *s);
size_t nc_output_len(const nc_shape *s);
size_t nc_weight_len(const nc_shape *s);
double nc_flops(const nc_shape *s); /* 2 x multiply-accumulates */

/* Plain loop, double accumulation: the obviously-correct reference (NHWC whatever nchw says; applies relu6). */
void nc_reference_nhwc(const nc_shape *s, const float *x, const float *w, const float *b, float *y);

typedef struct nc_onednn_conv nc_onednn_conv;
nc_onednn_conv *nc_onednn_create(const nc_shape *s, const float *w, const float *b);
void nc_onednn_run(nc_onednn_conv *c, const float *x, float *y);
const char *nc_onednn_impl(const nc_onednn_conv *c);
void nc_onednn_destroy(nc_onednn_conv *c);

typedef struct nc_xnnpack_conv nc_xnnpack_conv;
/* NCHW: transposes to NHWC and back around the NHWC convolution, as the facade does. */
nc_xnnpack_conv *nc_xnnpack_create(const nc_shape *s, const float *w, const float *b, int threads);
void nc_xnnpack_run(nc_xnnpack_conv *c, const float *x, float *y);
void nc_xnnpack_destroy(nc_xnnpack_conv *c);

/* Copies one oneDNN memory into another of any layout through a reorder primitive, and waits: setup and checks
 * (weights into an implementation's layout, results back to plain NHWC), never timed. */
void nc_onednn_copy(dnnl_engine_t engine, dnnl_stream_t stream, dnnl_memory_t from, dnnl_memory_t to);

/* Input buffers for XNNPACK must be readable XNN_EXTRA_BYTES past their end: zeroed, 64-byte aligned, released with
 * nc_aligned_free (nc_portable.h). */
float *nc_alloc_floats(size_t count);

#endif
