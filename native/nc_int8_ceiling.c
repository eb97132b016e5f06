/* How close oneDNN's int8 pointwise convolutions come to the VNNI peak, and what holds the small ones back.
 * For every distinct pointwise layer of MobileNet v1 (batch 1, NHWC, u8 activations, s8 weights), from C:
 *   - "network": as NativeConv runs it inside a quantized network: one scale per output channel (input,
 *     weight and output scales folded into it, as no activation sits between them), a float bias (oneDNN adds
 *     it after the scale, per output: on pw1 about a tenth of the time), no zero points (ReLU6 outputs
 *     calibrate to 0) and no clamp (saturation makes it), u8 out;
 *   - "no bias": the same without the bias;
 *   - "s32 out": the same dot products with no requantization at all (no scales, int32 out): the ceiling
 *     of oneDNN's kernel for that shape, whatever a caller does around it;
 *   - "with zero points": input and output zero points as runtime attributes, as a layer whose input is not
 *     a ReLU output runs.
 * Median µs of calls back to back, and GOP/s (2 per multiply-add).
 * usage: nc_int8_ceiling [--threads N] [--min-ms M] [--csv] */
#include "nc_conv.h"

#include <dnnl.h>
#include <omp.h>
#include <string.h>

static dnnl_engine_t engine;
static dnnl_stream_t stream;

enum variant { NETWORK, NO_BIAS, S32_OUT, ZERO_POINTS, VARIANTS };
static const char *variant_name[VARIANTS] = {"network", "no bias", "s32 out", "with zero points"};

typedef struct {
    dnnl_primitive_t primitive;
    dnnl_exec_arg_t args[12];
    int nargs;
    const char *impl;
    dnnl_memory_t owned[12];
    int nowned;
} conv;

static dnnl_memory_t vector(conv *c, dnnl_data_type_t type, int64_t n, float value) {
    dnnl_dims_t dims = {n};
    dnnl_memory_desc_t md;
    NC_CHECK_DNNL(dnnl_memory_desc_create_with_tag(&md, 1, dims, type, dnnl_a));
    dnnl_memory_t m;
    NC_CHECK_DNNL(dnnl_memory_create(&m, md, engine, DNNL_MEMORY_ALLOCATE));
    NC_CHECK_DNNL(dnnl_memory_desc_destroy(md));
    void *p;
    NC_CHECK_DNNL(dnnl_memory_get_data_handle(m, &p));
    for (int64_t i = 0; i < n; i++) {
        if (type == dnnl_s32) ((int32_t *)p)[i] = (int32_t)value;
        else ((float *)p)[i] = value;
    }
    c->owned[c->nowned++] = m;
    return m;
}

static dnnl_memory_t memory(conv *c, const_dnnl_memory_desc_t md) {
    dnnl_memory_t m;
    NC_CHECK_DNNL(dnnl_memory_create(&m, md, engine, DNNL_MEMORY_ALLOCATE));
    size_t bytes = dnnl_memory_desc_get_size(md);
    void *p;
    NC_CHECK_DNNL(dnnl_memory_get_data_handle(m, &p));
    if (p) memset(p, 1, bytes); /* small nonzero bytes: u8 1, s8 1 */
    c->owned[c->nowned++] = m;
    return m;
}

static conv make(int in_c, int out_c, int hw, enum variant v) {
    conv c = {0};
    dnnl_dims_t src_dims = {1, in_c, hw, hw}, wei_dims = {out_c, in_c, 1, 1}, dst_dims = {1, out_c, hw, hw};
    dnnl_memory_desc_t src, wei, dst, bias = NULL;
    NC_CHECK_DNNL(dnnl_memory_desc_create_with_tag(&src, 4, src_dims, dnnl_u8, dnnl_nhwc));
    NC_CHECK_DNNL(dnnl_memory_desc_create_with_tag(&wei, 4, wei_dims, dnnl_s8, dnnl_format_tag_any));
    NC_CHECK_DNNL(dnnl_memory_desc_create_with_tag(&dst, 4, dst_dims, v == S32_OUT ? dnnl_s32 : dnnl_u8, dnnl_nhwc));
    dnnl_primitive_attr_t attr;
    NC_CHECK_DNNL(dnnl_primitive_attr_create(&attr));
    NC_CHECK_DNNL(dnnl_primitive_attr_set_scratchpad_mode(attr, dnnl_scratchpad_mode_user));
    if (v != S32_OUT) NC_CHECK_DNNL(dnnl_primitive_attr_set_scales_mask(attr, DNNL_ARG_WEIGHTS, 1)); /* folded */
    if (v != S32_OUT && v != NO_BIAS) { /* a float bias, as every MobileNet convolution has (BatchNorm folded) */
        dnnl_dims_t bias_dims = {out_c};
        NC_CHECK_DNNL(dnnl_memory_desc_create_with_tag(&bias, 1, bias_dims, dnnl_f32, dnnl_a));
    }
    if (v == ZERO_POINTS) {
        NC_CHECK_DNNL(dnnl_primitive_attr_set_zero_points_mask(attr, DNNL_ARG_SRC, 0));
        NC_CHECK_DNNL(dnnl_primitive_attr_set_zero_points_mask(attr, DNNL_ARG_DST, 0));
    }
    dnnl_dims_t strides = {1, 1}, dilates = {0, 0}, pad = {0, 0};
    dnnl_primitive_desc_t pd;
    NC_CHECK_DNNL(dnnl_convolution_forward_primitive_desc_create(&pd, engine, dnnl_forward_inference, dnnl_convolution_direct,
                                                                 src, wei, bias, dst, strides, dilates, pad, pad, attr));
    NC_CHECK_DNNL(dnnl_primitive_desc_query(pd, dnnl_query_impl_info_str, 0, &c.impl));
    NC_CHECK_DNNL(dnnl_primitive_create(&c.primitive, pd));
    c.args[c.nargs++] = (dnnl_exec_arg_t){DNNL_ARG_SRC, memory(&c, src)};
    c.args[c.nargs++] = (dnnl_exec_arg_t){DNNL_ARG_WEIGHTS, memory(&c, dnnl_primitive_desc_query_md(pd, dnnl_query_weights_md, 0))};
    c.args[c.nargs++] = (dnnl_exec_arg_t){DNNL_ARG_DST, memory(&c, dst)};
    if (bias) c.args[c.nargs++] = (dnnl_exec_arg_t){DNNL_ARG_BIAS, vector(&c, dnnl_f32, out_c, 0.5f)};
    const_dnnl_memory_desc_t scratch = dnnl_primitive_desc_query_md(pd, dnnl_query_scratchpad_md, 0);
    if (scratch && dnnl_memory_desc_get_size(scratch) > 0) c.args[c.nargs++] = (dnnl_exec_arg_t){DNNL_ARG_SCRATCHPAD, memory(&c, scratch)};
    if (v != S32_OUT) /* 0.02 (input) x 0.01 (weight) / 0.03 (output) */
        c.args[c.nargs++] = (dnnl_exec_arg_t){DNNL_ARG_ATTR_SCALES | DNNL_ARG_WEIGHTS, vector(&c, dnnl_f32, out_c, 0.02f * 0.01f / 0.03f)};
    if (v == ZERO_POINTS) {
        c.args[c.nargs++] = (dnnl_exec_arg_t){DNNL_ARG_ATTR_ZERO_POINTS | DNNL_ARG_SRC, vector(&c, dnnl_s32, 1, 128)};
        c.args[c.nargs++] = (dnnl_exec_arg_t){DNNL_ARG_ATTR_ZERO_POINTS | DNNL_ARG_DST, vector(&c, dnnl_s32, 1, 3)};
    }
    NC_CHECK_DNNL(dnnl_primitive_desc_destroy(pd));
    NC_CHECK_DNNL(dnnl_primitive_attr_destroy(attr));
    NC_CHECK_DNNL(dnnl_memory_desc_destroy(src));
    NC_CHECK_DNNL(dnnl_memory_desc_destroy(wei));
    NC_CHECK_DNNL(dnnl_memory_desc_destroy(dst));
    if (bias) NC_CHECK_DNNL(dnnl_memory_desc_destroy(bias));
    return c;
}

static void destroy(conv *c) {
    for (int i = 0; i < c->nowned; i++) NC_CHECK_DNNL(dnnl_memory_destroy(c->owned[i]));
    NC_CHECK_DNNL(dnnl_primitive_destroy(c->primitive));
}

static void execute(void *context) {
    conv *c = context;
    NC_CHECK_DNNL(dnnl_primitive_execute(c->primitive, stream, c->nargs, c->args));
    NC_CHECK_DNNL(dnnl_stream_wait(stream));
}

int main(int argc, char **argv) {
    const nc_options o = nc_parse_options(argc, argv, "nc_int8_ceiling", (nc_options){.threads = 2, .min_ms = 300});
    const int threads = o.threads, csv = o.csv;
    const double min_ms = o.min_ms;
    omp_set_num_threads(threads);
    NC_CHECK_DNNL(dnnl_engine_create(&engine, dnnl_cpu, 0));
    NC_CHECK_DNNL(dnnl_stream_create(&stream, engine, dnnl_stream_default_flags));
    /* MobileNet v1's distinct pointwise layers: input channels, output channels, spatial size. */
    static const int layers[][3] = {{32, 64, 112}, {64, 128, 56}, {128, 128, 56}, {128, 256, 28}, {256, 256, 28},
                                    {256, 512, 14}, {512, 512, 14}, {512, 1024, 7}, {1024, 1024, 7}};
    if (csv) printf("layer,variant,threads,us,gops,impl\n");
    for (size_t l = 0; l < sizeof(layers) / sizeof(layers[0]); l++) {
        const int in_c = layers[l][0], out_c = layers[l][1], hw = layers[l][2];
        conv convs[VARIANTS];
        double best[VARIANTS];
        for (int v = 0; v < VARIANTS; v++) {
            convs[v] = make(in_c, out_c, hw, (enum variant)v);
            best[v] = 1e30;
        }
        for (int round = 0; round < 3; round++) /* interleaved: the machine's drift hits every variant alike */
            for (int v = 0; v < VARIANTS; v++) {
                double us = nc_median_us(execute, &convs[v], min_ms / 3);
                if (us < best[v]) best[v] = us;
            }
        for (int v = 0; v < VARIANTS; v++) {
            const double gops = 2.0 * in_c * out_c * hw * hw / best[v] / 1e3;
            if (csv) printf("pw %d->%d@%d,%s,%d,%.2f,%.1f,%s\n", in_c, out_c, hw, variant_name[v], threads, best[v], gops, convs[v].impl);
            else printf("pw %4d->%-4d @%-3d %-17s %8.1f us %7.0f GOP/s  %s\n", in_c, out_c, hw, variant_name[v], best[v], gops, convs[v].impl);
            destroy(&convs[v]);
        }
    }
    NC_CHECK_DNNL(dnnl_stream_destroy(stream));
    NC_CHECK_DNNL(dnnl_engine_destroy(engine));
    return 0;
}
