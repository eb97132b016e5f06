/* Does oneDNN's depthwise post-op (dnnl_post_ops_append_dw) pay on this CPU?
 *
 * For each 1x1 convolution that a 3x3 depthwise convolution follows in MobileNet v1 (pw_i + dw_i+1) and v2
 * (expand + depthwise), fp32, batch 1, ReLU6 after both:
 *   unfused: the 1x1 convolution, then the depthwise one, NHWC everywhere (as the network runner runs them);
 *   fused:   the 1x1 convolution with post-ops ReLU6, dw(k3, stride, pad 1), ReLU6 — the intermediate never
 *            leaves the implementation — NHWC in; its output in the format oneDNN chooses (format `any`, as
 *            the documentation requires for the intermediate, the dw weights and the output).
 * Prints the implementations that ran, the median µs of both, and the largest difference between the two
 * outputs relative to the largest output (both compute the same sums, possibly in another order).
 *
 * usage: nc_fusion [--threads N] [--min-ms M] [--csv] */
#include "nc_conv.h"

#include <oneapi/dnnl/dnnl.h>

#include <math.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct pair_shape {
    const char *name;
    int c_in, c_mid, hw, stride; /* 1x1: c_in -> c_mid on hw x hw; then 3x3 depthwise on c_mid, pad 1 */
} pair_shape;

static const pair_shape pairs[] = {
    {"v1 pw1+dw2", 32, 64, 112, 2},    {"v1 pw2+dw3", 64, 128, 56, 1},    {"v1 pw3+dw4", 128, 128, 56, 2},
    {"v1 pw4+dw5", 128, 256, 28, 1},   {"v1 pw5+dw6", 256, 256, 28, 2},   {"v1 pw6+dw7", 256, 512, 14, 1},
    {"v1 pw7+dw8 (x4)", 512, 512, 14, 1}, {"v1 pw11+dw12", 512, 512, 14, 2}, {"v1 pw12+dw13", 512, 1024, 7, 1},
    {"v2 expand 16->96 s2", 16, 96, 112, 2}, {"v2 expand 24->144 s1", 24, 144, 56, 1},
    {"v2 expand 24->144 s2", 24, 144, 56, 2}, {"v2 expand 32->192 s1", 32, 192, 28, 1},
    {"v2 expand 64->384 s1", 64, 384, 14, 1}, {"v2 expand 96->576 s1", 96, 576, 14, 1},
    {"v2 expand 160->960 s1", 160, 960, 7, 1},
};

static dnnl_engine_t engine;
static dnnl_stream_t stream;


static float *random_floats(size_t n, unsigned *seed, float scale) {
    float *p = nc_aligned_alloc(n * sizeof(float));
    for (size_t i = 0; i < n; i++) p[i] = scale * nc_random_unit(seed);
    return p;
}

static dnnl_memory_desc_t md(int ndims, const dnnl_dim_t *dims, dnnl_format_tag_t tag) {
    dnnl_memory_desc_t m;
    NC_CHECK_DNNL(dnnl_memory_desc_create_with_tag(&m, ndims, dims, dnnl_f32, tag));
    return m;
}

static void copy_memory(dnnl_memory_t from, dnnl_memory_t to) { nc_onednn_copy(engine, stream, from, to); }

/* A memory in the implementation's layout, filled from the user's plain one (once, at setup). */
static dnnl_memory_t reordered(const_dnnl_memory_desc_t user_md, const float *data, const_dnnl_memory_desc_t impl_md) {
    dnnl_memory_t user, impl;
    NC_CHECK_DNNL(dnnl_memory_create(&user, user_md, engine, (void *)data));
    NC_CHECK_DNNL(dnnl_memory_create(&impl, impl_md, engine, DNNL_MEMORY_ALLOCATE));
    copy_memory(user, impl);
    dnnl_memory_destroy(user);
    return impl;
}

static dnnl_primitive_attr_t attr_with(dnnl_post_ops_t ops) {
    dnnl_primitive_attr_t attr;
    NC_CHECK_DNNL(dnnl_primitive_attr_create(&attr));
    NC_CHECK_DNNL(dnnl_primitive_attr_set_post_ops(attr, ops));
    return attr;
}

typedef struct step {
    dnnl_primitive_desc_t pd;
    dnnl_primitive_t prim;
    int nargs;
    dnnl_exec_arg_t args[8];
} step;

static void run(const step *s) { NC_CHECK_DNNL(dnnl_primitive_execute(s->prim, stream, s->nargs, s->args)); }

static const char *impl_of(const step *s) {
    const char *impl = "?";
    NC_CHECK_DNNL(dnnl_primitive_desc_query(s->pd, dnnl_query_impl_info_str, 0, &impl));
    return impl;
}

/* The pair's steps, run once and waited for: one timing sample. */
typedef struct steps {
    const step *first;
    int count;
} steps;

static void run_steps(void *context) {
    const steps *s = context;
    for (int k = 0; k < s->count; k++) run(&s->first[k]);
    NC_CHECK_DNNL(dnnl_stream_wait(stream));
}

/* Median µs per pair: `count` steps per sample. */
static double time_us(const step *first, int count, double min_ms) {
    steps s = {first, count};
    return nc_median_us(run_steps, &s, min_ms);
}

/* Copies a memory of any layout into plain NHWC floats. */
static void to_nhwc(dnnl_memory_t m, float *out) {
    const_dnnl_memory_desc_t m_md;
    NC_CHECK_DNNL(dnnl_memory_get_memory_desc(m, &m_md));
    const dnnl_dims_t *dims;
    NC_CHECK_DNNL(dnnl_memory_desc_query(m_md, dnnl_query_dims, &dims));
    dnnl_memory_desc_t plain = md(4, *dims, dnnl_nhwc);
    dnnl_memory_t p;
    NC_CHECK_DNNL(dnnl_memory_create(&p, plain, engine, out));
    copy_memory(m, p);
    dnnl_memory_destroy(p);
    dnnl_memory_desc_destroy(plain);
}

static const char *format_of(const_dnnl_memory_desc_t m) {
    /* Enough to tell plain NHWC from a blocked layout: the innermost block size of the channel dimension. */
    int inner_nblks = 0;
    NC_CHECK_DNNL(dnnl_memory_desc_query(m, dnnl_query_inner_nblks_s32, &inner_nblks));
    if (inner_nblks == 0) {
        const dnnl_dims_t *strides;
        NC_CHECK_DNNL(dnnl_memory_desc_query(m, dnnl_query_strides, &strides));
        return (*strides)[1] == 1 ? "nhwc" : "nchw";
    }
    const dnnl_dims_t *blocks;
    NC_CHECK_DNNL(dnnl_memory_desc_query(m, dnnl_query_inner_blks, &blocks));
    static char name[32];
    snprintf(name, sizeof name, "nChw%dc", (int)(*blocks)[0]);
    return name;
}

int main(int argc, char **argv) {
    const nc_options o = nc_parse_options(argc, argv, "nc_fusion", (nc_options){.threads = 2, .min_ms = 300});
    const int threads = o.threads, csv = o.csv;
    const double min_ms = o.min_ms;
    omp_set_num_threads(threads);
    NC_CHECK_DNNL(dnnl_engine_create(&engine, dnnl_cpu, 0));
    NC_CHECK_DNNL(dnnl_stream_create(&stream, engine, dnnl_stream_default_flags));
    if (csv) printf("pair,c_in,c_mid,hw,stride,unfused_us,fused_nhwc_us,fused_own_us,fused_nhwc_over_unfused,fused_own_over_unfused,impl_1x1,impl_dw,impl_fused_nhwc,fused_nhwc_dst,impl_fused_own,fused_own_src_dst,max_rel_diff\n");
    else printf("oneDNN depthwise post-op fusion, fp32, batch 1, %d thread(s), median µs\n", threads);

    for (size_t p = 0; p < sizeof pairs / sizeof pairs[0]; p++) {
        const pair_shape *s = &pairs[p];
        const int hw2 = (s->hw + 2 - 3) / s->stride + 1;
        unsigned seed = 1234 + (unsigned)p;
        float *x = random_floats((size_t)s->c_in * s->hw * s->hw, &seed, 1.0f);
        float *w1 = random_floats((size_t)s->c_mid * s->c_in, &seed, 1.0f / sqrtf((float)s->c_in));
        float *b1 = random_floats((size_t)s->c_mid, &seed, 0.1f);
        float *wd = random_floats((size_t)s->c_mid * 9, &seed, 1.0f / 3.0f);
        float *bd = random_floats((size_t)s->c_mid, &seed, 0.1f);
        const size_t mid_len = (size_t)s->c_mid * s->hw * s->hw, out_len = (size_t)s->c_mid * hw2 * hw2;

        const dnnl_dims_t src_dims = {1, s->c_in, s->hw, s->hw}, mid_dims = {1, s->c_mid, s->hw, s->hw};
        const dnnl_dims_t out_dims = {1, s->c_mid, hw2, hw2};
        const dnnl_dims_t w1_dims = {s->c_mid, s->c_in, 1, 1}, wd_dims = {s->c_mid, 1, 1, 3, 3}, b_dims = {s->c_mid};
        dnnl_memory_desc_t src_md = md(4, src_dims, dnnl_nhwc), mid_md = md(4, mid_dims, dnnl_nhwc);
        dnnl_memory_desc_t out_md = md(4, out_dims, dnnl_nhwc), mid_any = md(4, mid_dims, dnnl_format_tag_any);
        dnnl_memory_desc_t w1_user = md(4, w1_dims, dnnl_oihw), w1_any = md(4, w1_dims, dnnl_format_tag_any);
        dnnl_memory_desc_t wd_user = md(5, wd_dims, dnnl_goihw), wd_any = md(5, wd_dims, dnnl_format_tag_any);
        dnnl_memory_desc_t b_md = md(1, b_dims, dnnl_a);
        const dnnl_dims_t one = {1, 1}, stride = {s->stride, s->stride}, none = {0, 0}, pad = {1, 1}, nopad = {0, 0};

        dnnl_post_ops_t relu6;
        NC_CHECK_DNNL(dnnl_post_ops_create(&relu6));
        NC_CHECK_DNNL(dnnl_post_ops_append_eltwise(relu6, dnnl_eltwise_clip_v2, 0.0f, 6.0f));
        dnnl_primitive_attr_t relu6_attr = attr_with(relu6);

        dnnl_memory_t src, mid, out_unfused, b1_mem, bd_mem;
        NC_CHECK_DNNL(dnnl_memory_create(&src, src_md, engine, x));
        NC_CHECK_DNNL(dnnl_memory_create(&b1_mem, b_md, engine, b1));
        NC_CHECK_DNNL(dnnl_memory_create(&bd_mem, b_md, engine, bd));
        NC_CHECK_DNNL(dnnl_memory_create(&mid, mid_md, engine, DNNL_MEMORY_ALLOCATE));
        NC_CHECK_DNNL(dnnl_memory_create(&out_unfused, out_md, engine, DNNL_MEMORY_ALLOCATE));

        /* Unfused: two primitives, NHWC between them. */
        step unfused[2];
        NC_CHECK_DNNL(dnnl_convolution_forward_primitive_desc_create(&unfused[0].pd, engine, dnnl_forward_inference,
                dnnl_convolution_direct, src_md, w1_any, b_md, mid_md, one, none, nopad, nopad, relu6_attr));
        NC_CHECK_DNNL(dnnl_convolution_forward_primitive_desc_create(&unfused[1].pd, engine, dnnl_forward_inference,
                dnnl_convolution_direct, mid_md, wd_any, b_md, out_md, stride, none, pad, pad, relu6_attr));
        dnnl_memory_t w1_u = reordered(w1_user, w1, dnnl_primitive_desc_query_md(unfused[0].pd, dnnl_query_weights_md, 0));
        dnnl_memory_t wd_u = reordered(wd_user, wd, dnnl_primitive_desc_query_md(unfused[1].pd, dnnl_query_weights_md, 0));
        for (int k = 0; k < 2; k++) NC_CHECK_DNNL(dnnl_primitive_create(&unfused[k].prim, unfused[k].pd));
        unfused[0].nargs = 4;
        memcpy(unfused[0].args, (dnnl_exec_arg_t[]){{DNNL_ARG_SRC, src}, {DNNL_ARG_WEIGHTS, w1_u}, {DNNL_ARG_BIAS, b1_mem}, {DNNL_ARG_DST, mid}}, 4 * sizeof(dnnl_exec_arg_t));
        unfused[1].nargs = 4;
        memcpy(unfused[1].args, (dnnl_exec_arg_t[]){{DNNL_ARG_SRC, mid}, {DNNL_ARG_WEIGHTS, wd_u}, {DNNL_ARG_BIAS, bd_mem}, {DNNL_ARG_DST, out_unfused}}, 4 * sizeof(dnnl_exec_arg_t));

        /* Fused: one primitive, ReLU6 -> dw -> ReLU6 as post-ops of the 1x1 convolution. */
        dnnl_post_ops_t chain;
        NC_CHECK_DNNL(dnnl_post_ops_create(&chain));
        NC_CHECK_DNNL(dnnl_post_ops_append_eltwise(chain, dnnl_eltwise_clip_v2, 0.0f, 6.0f));
        NC_CHECK_DNNL(dnnl_post_ops_append_dw(chain, dnnl_f32, dnnl_f32, dnnl_f32, 3, s->stride, 1));
        NC_CHECK_DNNL(dnnl_post_ops_append_eltwise(chain, dnnl_eltwise_clip_v2, 0.0f, 6.0f));
        dnnl_primitive_attr_t chain_attr = attr_with(chain);
        step fused;
        NC_CHECK_DNNL(dnnl_convolution_forward_primitive_desc_create(&fused.pd, engine, dnnl_forward_inference,
                dnnl_convolution_direct, src_md, w1_any, b_md, mid_any, one, none, nopad, nopad, chain_attr));
        const_dnnl_memory_desc_t fused_dst_md = dnnl_primitive_desc_query_md(fused.pd, dnnl_query_dst_md, 0);
        const_dnnl_memory_desc_t fused_wd_md = dnnl_primitive_desc_query_md(fused.pd, dnnl_query_exec_arg_md, DNNL_ARG_ATTR_POST_OP_DW | DNNL_ARG_WEIGHTS);
        dnnl_memory_t w1_f = reordered(w1_user, w1, dnnl_primitive_desc_query_md(fused.pd, dnnl_query_weights_md, 0));
        dnnl_memory_t wd_f = reordered(wd_user, wd, fused_wd_md);
        dnnl_memory_t out_fused;
        NC_CHECK_DNNL(dnnl_memory_create(&out_fused, fused_dst_md, engine, DNNL_MEMORY_ALLOCATE));
        NC_CHECK_DNNL(dnnl_primitive_create(&fused.prim, fused.pd));
        fused.nargs = 6;
        memcpy(fused.args, (dnnl_exec_arg_t[]){{DNNL_ARG_SRC, src}, {DNNL_ARG_WEIGHTS, w1_f}, {DNNL_ARG_BIAS, b1_mem},
               {DNNL_ARG_DST, out_fused}, {DNNL_ARG_ATTR_POST_OP_DW | DNNL_ARG_WEIGHTS, wd_f},
               {DNNL_ARG_ATTR_POST_OP_DW | DNNL_ARG_BIAS, bd_mem}}, 6 * sizeof(dnnl_exec_arg_t));

        /* Fused with the source in oneDNN's own layout too (format `any`; reordered once here): what a runner
         * that kept blocked layouts between layers would run. */
        dnnl_memory_desc_t src_any = md(4, src_dims, dnnl_format_tag_any);
        step blocked;
        NC_CHECK_DNNL(dnnl_convolution_forward_primitive_desc_create(&blocked.pd, engine, dnnl_forward_inference,
                dnnl_convolution_direct, src_any, w1_any, b_md, mid_any, one, none, nopad, nopad, chain_attr));
        const_dnnl_memory_desc_t blocked_dst_md = dnnl_primitive_desc_query_md(blocked.pd, dnnl_query_dst_md, 0);
        dnnl_memory_t src_b = reordered(src_md, x, dnnl_primitive_desc_query_md(blocked.pd, dnnl_query_src_md, 0));
        dnnl_memory_t w1_b = reordered(w1_user, w1, dnnl_primitive_desc_query_md(blocked.pd, dnnl_query_weights_md, 0));
        dnnl_memory_t wd_b = reordered(wd_user, wd, dnnl_primitive_desc_query_md(blocked.pd, dnnl_query_exec_arg_md, DNNL_ARG_ATTR_POST_OP_DW | DNNL_ARG_WEIGHTS));
        dnnl_memory_t out_b;
        NC_CHECK_DNNL(dnnl_memory_create(&out_b, blocked_dst_md, engine, DNNL_MEMORY_ALLOCATE));
        NC_CHECK_DNNL(dnnl_primitive_create(&blocked.prim, blocked.pd));
        blocked.nargs = 6;
        memcpy(blocked.args, (dnnl_exec_arg_t[]){{DNNL_ARG_SRC, src_b}, {DNNL_ARG_WEIGHTS, w1_b}, {DNNL_ARG_BIAS, b1_mem},
               {DNNL_ARG_DST, out_b}, {DNNL_ARG_ATTR_POST_OP_DW | DNNL_ARG_WEIGHTS, wd_b},
               {DNNL_ARG_ATTR_POST_OP_DW | DNNL_ARG_BIAS, bd_mem}}, 6 * sizeof(dnnl_exec_arg_t));

        /* Same result? Both are the same sums, possibly in another order: report the difference, do not hide it. */
        run(&unfused[0]);
        run(&unfused[1]);
        run(&fused);
        run(&blocked);
        NC_CHECK_DNNL(dnnl_stream_wait(stream));
        float *a = malloc(out_len * sizeof(float)), *b = malloc(out_len * sizeof(float)), *c = malloc(out_len * sizeof(float));
        to_nhwc(out_unfused, a);
        to_nhwc(out_fused, b);
        to_nhwc(out_b, c);
        double max_diff = 0, max_abs = 0;
        for (size_t i = 0; i < out_len; i++) {
            max_diff = fmax(max_diff, fmax(fabs((double)a[i] - b[i]), fabs((double)a[i] - c[i])));
            max_abs = fmax(max_abs, fabs((double)a[i]));
        }
        (void)mid_len;

        /* Interleaved, best of three medians each: this VM's speed drifts within a minute. */
        double tu = 1e30, tf = 1e30, tb = 1e30;
        for (int round = 0; round < 3; round++) {
            tu = fmin(tu, time_us(unfused, 2, min_ms / 3));
            tf = fmin(tf, time_us(&fused, 1, min_ms / 3));
            tb = fmin(tb, time_us(&blocked, 1, min_ms / 3));
        }
        const char *i1 = impl_of(&unfused[0]), *id = impl_of(&unfused[1]), *ifu = impl_of(&fused), *ib = impl_of(&blocked);
        char fmt_f[32], fmt_b[32], fmt_s[32];
        snprintf(fmt_f, sizeof fmt_f, "%s", format_of(fused_dst_md));
        snprintf(fmt_b, sizeof fmt_b, "%s", format_of(blocked_dst_md));
        snprintf(fmt_s, sizeof fmt_s, "%s", format_of(dnnl_primitive_desc_query_md(blocked.pd, dnnl_query_src_md, 0)));
        const double rel = max_abs > 0 ? max_diff / max_abs : max_diff;
        if (csv)
            printf("%s,%d,%d,%d,%d,%.1f,%.1f,%.1f,%.3f,%.3f,%s,%s,%s,%s,%s,%s->%s,%.2e\n", s->name, s->c_in, s->c_mid, s->hw, s->stride,
                   tu, tf, tb, tf / tu, tb / tu, i1, id, ifu, fmt_f, ib, fmt_s, fmt_b, rel);
        else
            printf("%-22s unfused %7.1f (%s + %s) | fused NHWC in %7.1f (%s, out %s) %.2fx | fused own layout %7.1f (%s, %s->%s) %.2fx | max diff %.1e\n",
                   s->name, tu, i1, id, tf, ifu, fmt_f, tf / tu, tb, ib, fmt_s, fmt_b, tb / tu, rel);
        fflush(stdout);

        free(a);
        free(b);
        free(c);
        dnnl_primitive_destroy(blocked.prim);
        dnnl_primitive_desc_destroy(blocked.pd);
        for (int k = 0; k < 2; k++) {
            dnnl_primitive_destroy(unfused[k].prim);
            dnnl_primitive_desc_destroy(unfused[k].pd);
        }
        dnnl_primitive_destroy(fused.prim);
        dnnl_primitive_desc_destroy(fused.pd);
        dnnl_memory_t mems[] = {src, mid, out_unfused, b1_mem, bd_mem, w1_u, wd_u, w1_f, wd_f, out_fused, src_b, w1_b, wd_b, out_b};
        for (size_t k = 0; k < sizeof mems / sizeof mems[0]; k++) dnnl_memory_destroy(mems[k]);
        dnnl_memory_desc_t mds[] = {src_md, mid_md, out_md, mid_any, w1_user, w1_any, wd_user, wd_any, b_md, src_any};
        for (size_t k = 0; k < sizeof mds / sizeof mds[0]; k++) dnnl_memory_desc_destroy(mds[k]);
        dnnl_primitive_attr_destroy(relu6_attr);
        dnnl_primitive_attr_destroy(chain_attr);
        dnnl_post_ops_destroy(relu6);
        dnnl_post_ops_destroy(chain);
        nc_aligned_free(x);
        nc_aligned_free(w1);
        nc_aligned_free(b1);
        nc_aligned_free(wd);
        nc_aligned_free(bd);
    }
    return 0;
}
