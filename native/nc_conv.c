#include "nc_conv.h"

#include <oneapi/dnnl/dnnl.h>
#include <xnnpack.h>
#include <pthreadpool.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

double nc_now_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}

int nc_cmp_double(const void *a, const void *b) {
    const double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

double nc_median_us(void (*call)(void *context), void *context, double min_ms) {
    for (int i = 0; i < 10; i++) call(context);
    enum { MAX = 8192 };
    static double samples[MAX];
    int n = 0;
    const double start = nc_now_s();
    while (n < MAX && (n < 15 || nc_now_s() - start < min_ms * 1e-3)) {
        const double t0 = nc_now_s();
        call(context);
        samples[n++] = (nc_now_s() - t0) * 1e6;
    }
    qsort(samples, (size_t)n, sizeof(double), nc_cmp_double);
    return samples[n / 2];
}

nc_options nc_parse_options(int argc, char **argv, const char *program, nc_options o) {
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--threads") && i + 1 < argc) o.threads = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--min-ms") && i + 1 < argc) o.min_ms = atof(argv[++i]);
        else if (!strcmp(argv[i], "--csv")) o.csv = 1;
        else {
            fprintf(stderr, "usage: %s [--threads N] [--min-ms M] [--csv]\n", program);
            exit(2);
        }
    }
    return o;
}

#define NC_CHECK_XNN(call)                                                             \
    do {                                                                               \
        enum xnn_status st_ = (call);                                                  \
        if (st_ != xnn_status_success) {                                               \
            fprintf(stderr, "%s:%d: %s failed: xnn status %d\n", __FILE__, __LINE__, #call, (int)st_); \
            exit(2);                                                                   \
        }                                                                              \
    } while (0)

int nc_out_h(const nc_shape *s) { return (s->h + 2 * s->pad - s->kh) / s->stride + 1; }
int nc_out_w(const nc_shape *s) { return (s->w + 2 * s->pad - s->kw) / s->stride + 1; }
size_t nc_input_len(const nc_shape *s) { return (size_t)s->n * s->h * s->w * s->in_c; }
size_t nc_output_len(const nc_shape *s) { return (size_t)s->n * nc_out_h(s) * nc_out_w(s) * s->out_c; }
size_t nc_weight_len(const nc_shape *s) { return (size_t)s->out_c * (s->in_c / s->groups) * s->kh * s->kw; }
double nc_flops(const nc_shape *s) { return 2.0 * (double)nc_output_len(s) * (s->in_c / s->groups) * s->kh * s->kw; }

float *nc_alloc_floats(size_t count) {
    void *p = nc_aligned_alloc(count * sizeof(float) + XNN_EXTRA_BYTES);
    memset(p, 0, count * sizeof(float) + XNN_EXTRA_BYTES);
    return p;
}

void nc_reference_nhwc(const nc_shape *s, const float *x, const float *w, const float *b, float *y) {
    const int oh = nc_out_h(s), ow = nc_out_w(s);
    const int icg = s->in_c / s->groups, ocg = s->out_c / s->groups;
    for (int n = 0; n < s->n; n++)
        for (int oy = 0; oy < oh; oy++)
            for (int ox = 0; ox < ow; ox++)
                for (int oc = 0; oc < s->out_c; oc++) {
                    const int g = oc / ocg;
                    double acc = b ? b[oc] : 0.0;
                    for (int ic = 0; ic < icg; ic++)
                        for (int ky = 0; ky < s->kh; ky++)
                            for (int kx = 0; kx < s->kw; kx++) {
                                const int iy = oy * s->stride - s->pad + ky;
                                const int ix = ox * s->stride - s->pad + kx;
                                if (iy < 0 || iy >= s->h || ix < 0 || ix >= s->w) continue;
                                const float xv = x[(((size_t)n * s->h + iy) * s->w + ix) * s->in_c + g * icg + ic];
                                const float wv = w[(((size_t)oc * icg + ic) * s->kh + ky) * s->kw + kx];
                                acc += (double)xv * wv;
                            }
                    if (s->relu6) acc = acc < 0.0 ? 0.0 : acc > 6.0 ? 6.0 : acc;
                    y[(((size_t)n * oh + oy) * ow + ox) * s->out_c + oc] = (float)acc;
                }
}

/* ---------------------------------------------------------------- oneDNN */

struct nc_onednn_conv {
    dnnl_engine_t engine;
    dnnl_stream_t stream;
    dnnl_primitive_desc_t pd;
    dnnl_primitive_t prim;
    dnnl_memory_t src, weights, bias, dst, scratchpad;
};

nc_onednn_conv *nc_onednn_create(const nc_shape *s, const float *w, const float *b) {
    nc_onednn_conv *c = calloc(1, sizeof *c);
    NC_CHECK_DNNL(dnnl_engine_create(&c->engine, dnnl_cpu, 0));
    NC_CHECK_DNNL(dnnl_stream_create(&c->stream, c->engine, dnnl_stream_default_flags));

    /* oneDNN dims are logical NCHW; the tag gives the physical layout. */
    const dnnl_dims_t src_dims = {s->n, s->in_c, s->h, s->w};
    const dnnl_dims_t dst_dims = {s->n, s->out_c, nc_out_h(s), nc_out_w(s)};
    const int g = s->groups;
    /* PyTorch (out, in/g, kh, kw) is exactly goihw with out = g * (out/g) + o. */
    const dnnl_dims_t wg_dims = {g, s->out_c / g, s->in_c / g, s->kh, s->kw};
    const dnnl_dims_t w_dims = {s->out_c, s->in_c, s->kh, s->kw};
    const dnnl_dims_t b_dims = {s->out_c};

    dnnl_memory_desc_t src_md, dst_md, user_w_md, any_w_md, b_md;
    const dnnl_format_tag_t act_tag = s->nchw ? dnnl_nchw : dnnl_nhwc;
    NC_CHECK_DNNL(dnnl_memory_desc_create_with_tag(&src_md, 4, src_dims, dnnl_f32, act_tag));
    NC_CHECK_DNNL(dnnl_memory_desc_create_with_tag(&dst_md, 4, dst_dims, dnnl_f32, act_tag));
    if (g > 1) {
        NC_CHECK_DNNL(dnnl_memory_desc_create_with_tag(&user_w_md, 5, wg_dims, dnnl_f32, dnnl_goihw));
        NC_CHECK_DNNL(dnnl_memory_desc_create_with_tag(&any_w_md, 5, wg_dims, dnnl_f32, dnnl_format_tag_any));
    } else {
        NC_CHECK_DNNL(dnnl_memory_desc_create_with_tag(&user_w_md, 4, w_dims, dnnl_f32, dnnl_oihw));
        NC_CHECK_DNNL(dnnl_memory_desc_create_with_tag(&any_w_md, 4, w_dims, dnnl_f32, dnnl_format_tag_any));
    }
    NC_CHECK_DNNL(dnnl_memory_desc_create_with_tag(&b_md, 1, b_dims, dnnl_f32, dnnl_a));

    const dnnl_dims_t strides = {s->stride, s->stride};
    const dnnl_dims_t dilates = {0, 0}; /* oneDNN counts dilation from 0 */
    const dnnl_dims_t pad = {s->pad, s->pad};
    /* As the facade: a user scratchpad (allocated here, not per call) and ReLU6 as a fused post-op. */
    dnnl_primitive_attr_t attr;
    NC_CHECK_DNNL(dnnl_primitive_attr_create(&attr));
    NC_CHECK_DNNL(dnnl_primitive_attr_set_scratchpad_mode(attr, dnnl_scratchpad_mode_user));
    if (s->relu6) {
        dnnl_post_ops_t ops;
        NC_CHECK_DNNL(dnnl_post_ops_create(&ops));
        NC_CHECK_DNNL(dnnl_post_ops_append_eltwise(ops, dnnl_eltwise_clip_v2, 0.0f, 6.0f));
        NC_CHECK_DNNL(dnnl_primitive_attr_set_post_ops(attr, ops));
        dnnl_post_ops_destroy(ops);
    }
    NC_CHECK_DNNL(dnnl_convolution_forward_primitive_desc_create(&c->pd, c->engine, dnnl_forward_inference,
            dnnl_convolution_direct, src_md, any_w_md, b ? b_md : NULL, dst_md, strides, dilates, pad, pad, attr));
    dnnl_primitive_attr_destroy(attr);
    NC_CHECK_DNNL(dnnl_primitive_create(&c->prim, c->pd));
    const_dnnl_memory_desc_t scratch_md = dnnl_primitive_desc_query_md(c->pd, dnnl_query_scratchpad_md, 0);
    NC_CHECK_DNNL(dnnl_memory_create(&c->scratchpad, scratch_md, c->engine, DNNL_MEMORY_ALLOCATE));

    /* Reorder the user's weights once into the layout the implementation chose. */
    const_dnnl_memory_desc_t impl_w_md = dnnl_primitive_desc_query_md(c->pd, dnnl_query_weights_md, 0);
    dnnl_memory_t user_w;
    NC_CHECK_DNNL(dnnl_memory_create(&user_w, user_w_md, c->engine, (void *)w));
    NC_CHECK_DNNL(dnnl_memory_create(&c->weights, impl_w_md, c->engine, DNNL_MEMORY_ALLOCATE));
    dnnl_primitive_desc_t rpd;
    dnnl_primitive_t reorder;
    NC_CHECK_DNNL(dnnl_reorder_primitive_desc_create(&rpd, user_w_md, c->engine, impl_w_md, c->engine, NULL));
    NC_CHECK_DNNL(dnnl_primitive_create(&reorder, rpd));
    dnnl_exec_arg_t rargs[2] = {{DNNL_ARG_FROM, user_w}, {DNNL_ARG_TO, c->weights}};
    NC_CHECK_DNNL(dnnl_primitive_execute(reorder, c->stream, 2, rargs));
    NC_CHECK_DNNL(dnnl_stream_wait(c->stream));
    dnnl_primitive_destroy(reorder);
    dnnl_primitive_desc_destroy(rpd);
    dnnl_memory_destroy(user_w);

    if (b) {
        NC_CHECK_DNNL(dnnl_memory_create(&c->bias, b_md, c->engine, DNNL_MEMORY_ALLOCATE));
        void *handle;
        NC_CHECK_DNNL(dnnl_memory_get_data_handle(c->bias, &handle));
        memcpy(handle, b, sizeof(float) * s->out_c);
    }
    /* Activations: user buffers, attached per call without copies. */
    NC_CHECK_DNNL(dnnl_memory_create(&c->src, src_md, c->engine, DNNL_MEMORY_NONE));
    NC_CHECK_DNNL(dnnl_memory_create(&c->dst, dst_md, c->engine, DNNL_MEMORY_NONE));

    dnnl_memory_desc_destroy(src_md);
    dnnl_memory_desc_destroy(dst_md);
    dnnl_memory_desc_destroy(user_w_md);
    dnnl_memory_desc_destroy(any_w_md);
    dnnl_memory_desc_destroy(b_md);
    return c;
}

void nc_onednn_run(nc_onednn_conv *c, const float *x, float *y) {
    NC_CHECK_DNNL(dnnl_memory_set_data_handle(c->src, (void *)x));
    NC_CHECK_DNNL(dnnl_memory_set_data_handle(c->dst, y));
    dnnl_exec_arg_t args[5] = {{DNNL_ARG_SRC, c->src}, {DNNL_ARG_WEIGHTS, c->weights}, {DNNL_ARG_DST, c->dst},
                               {DNNL_ARG_SCRATCHPAD, c->scratchpad}};
    int nargs = 4;
    if (c->bias) args[nargs++] = (dnnl_exec_arg_t){DNNL_ARG_BIAS, c->bias};
    NC_CHECK_DNNL(dnnl_primitive_execute(c->prim, c->stream, nargs, args));
    NC_CHECK_DNNL(dnnl_stream_wait(c->stream));
}

const char *nc_onednn_impl(const nc_onednn_conv *c) {
    const char *impl = "?";
    NC_CHECK_DNNL(dnnl_primitive_desc_query(c->pd, dnnl_query_impl_info_str, 0, &impl));
    return impl;
}

void nc_onednn_destroy(nc_onednn_conv *c) {
    if (!c) return;
    dnnl_memory_destroy(c->src);
    dnnl_memory_destroy(c->dst);
    dnnl_memory_destroy(c->weights);
    dnnl_memory_destroy(c->scratchpad);
    if (c->bias) dnnl_memory_destroy(c->bias);
    dnnl_primitive_destroy(c->prim);
    dnnl_primitive_desc_destroy(c->pd);
    dnnl_stream_destroy(c->stream);
    dnnl_engine_destroy(c->engine);
    free(c);
}

/* ---------------------------------------------------------------- XNNPACK */

struct nc_xnnpack_conv {
    nc_shape shape;
    pthreadpool_t pool;
    xnn_operator_t op;
    xnn_operator_t to_nhwc, to_nchw; /* NCHW only */
    float *nhwc_x, *nhwc_y;          /* NCHW only: the convolution's NHWC input and output */
};

/* A batched 2-D transpose [n][a][b] -> [n][b][a] of 32-bit values, shaped once. */
static xnn_operator_t nc_transpose(int n, int a, int b, pthreadpool_t pool) {
    xnn_operator_t op;
    NC_CHECK_XNN(xnn_create_transpose_nd_x32(0, &op));
    const size_t shape[3] = {(size_t)n, (size_t)a, (size_t)b};
    const size_t perm[3] = {0, 2, 1};
    NC_CHECK_XNN(xnn_reshape_transpose_nd_x32(op, 3, shape, perm, pool));
    return op;
}

nc_xnnpack_conv *nc_xnnpack_create(const nc_shape *s, const float *w, const float *b, int threads) {
    nc_xnnpack_conv *c = calloc(1, sizeof *c);
    c->shape = *s;
    NC_CHECK_XNN(xnn_initialize(NULL));
    c->pool = pthreadpool_create((size_t)threads);

    /* XNNPACK wants [groups][out/g][kh][kw][in/g]; for in/g == 1 (depthwise) that is PyTorch order. */
    const int g = s->groups, icg = s->in_c / g, ocg = s->out_c / g;
    const size_t wl = nc_weight_len(s);
    float *packed = malloc(wl * sizeof(float));
    for (int oc = 0; oc < s->out_c; oc++)
        for (int ic = 0; ic < icg; ic++)
            for (int ky = 0; ky < s->kh; ky++)
                for (int kx = 0; kx < s->kw; kx++)
                    packed[(((size_t)oc * s->kh + ky) * s->kw + kx) * icg + ic] =
                        w[(((size_t)oc * icg + ic) * s->kh + ky) * s->kw + kx];

    NC_CHECK_XNN(xnn_create_convolution2d_nhwc_f32(s->pad, s->pad, s->pad, s->pad, s->kh, s->kw, s->stride, s->stride,
            1, 1, g, icg, ocg, s->in_c, s->out_c, packed, b, s->relu6 ? 0.0f : -INFINITY, s->relu6 ? 6.0f : INFINITY,
            0, NULL, NULL, &c->op));
    free(packed); /* XNNPACK packed its own copy */

    size_t workspace = 0, alignment = 0, oh = 0, ow = 0;
    NC_CHECK_XNN(xnn_reshape_convolution2d_nhwc_f32(c->op, s->n, s->h, s->w, &workspace, &alignment, &oh, &ow, c->pool));
    if (workspace != 0) {
        fprintf(stderr, "XNNPACK asked for a %zu-byte workspace; this harness does not provide one\n", workspace);
        exit(2);
    }
    if ((int)oh != nc_out_h(s) || (int)ow != nc_out_w(s)) {
        fprintf(stderr, "XNNPACK output %zux%zu, expected %dx%d\n", oh, ow, nc_out_h(s), nc_out_w(s));
        exit(2);
    }
    if (s->nchw) {
        c->nhwc_x = nc_alloc_floats(nc_input_len(s));
        c->nhwc_y = nc_alloc_floats(nc_output_len(s));
        c->to_nhwc = nc_transpose(s->n, s->in_c, s->h * s->w, c->pool);
        c->to_nchw = nc_transpose(s->n, nc_out_h(s) * nc_out_w(s), s->out_c, c->pool);
    }
    return c;
}

void nc_xnnpack_run(nc_xnnpack_conv *c, const float *x, float *y) {
    if (!c->shape.nchw) {
        NC_CHECK_XNN(xnn_setup_convolution2d_nhwc_f32(c->op, NULL, x, y));
        NC_CHECK_XNN(xnn_run_operator(c->op, c->pool));
        return;
    }
    NC_CHECK_XNN(xnn_setup_transpose_nd_x32(c->to_nhwc, x, c->nhwc_x));
    NC_CHECK_XNN(xnn_run_operator(c->to_nhwc, c->pool));
    NC_CHECK_XNN(xnn_setup_convolution2d_nhwc_f32(c->op, NULL, c->nhwc_x, c->nhwc_y));
    NC_CHECK_XNN(xnn_run_operator(c->op, c->pool));
    NC_CHECK_XNN(xnn_setup_transpose_nd_x32(c->to_nchw, c->nhwc_y, y));
    NC_CHECK_XNN(xnn_run_operator(c->to_nchw, c->pool));
}

void nc_xnnpack_destroy(nc_xnnpack_conv *c) {
    if (!c) return;
    xnn_delete_operator(c->op);
    if (c->to_nhwc) xnn_delete_operator(c->to_nhwc);
    if (c->to_nchw) xnn_delete_operator(c->to_nchw);
    nc_aligned_free(c->nhwc_x);
    nc_aligned_free(c->nhwc_y);
    pthreadpool_destroy(c->pool);
    free(c);
}

void nc_onednn_copy(dnnl_engine_t engine, dnnl_stream_t stream, dnnl_memory_t from, dnnl_memory_t to) {
    const_dnnl_memory_desc_t from_md, to_md;
    NC_CHECK_DNNL(dnnl_memory_get_memory_desc(from, &from_md));
    NC_CHECK_DNNL(dnnl_memory_get_memory_desc(to, &to_md));
    dnnl_primitive_desc_t rpd;
    dnnl_primitive_t r;
    NC_CHECK_DNNL(dnnl_reorder_primitive_desc_create(&rpd, from_md, engine, to_md, engine, NULL));
    NC_CHECK_DNNL(dnnl_primitive_create(&r, rpd));
    dnnl_exec_arg_t args[2] = {{DNNL_ARG_FROM, from}, {DNNL_ARG_TO, to}};
    NC_CHECK_DNNL(dnnl_primitive_execute(r, stream, 2, args));
    NC_CHECK_DNNL(dnnl_stream_wait(stream));
    dnnl_primitive_destroy(r);
    dnnl_primitive_desc_destroy(rpd);
}
