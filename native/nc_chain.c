/* A whole network on oneDNN called straight from C, as the network runner calls it: the yardstick for what the
 * managed runner (`nativeconv net bench --backend onednn`) adds between the layers.
 *
 * MobileNet v2 (224x224) and the MobileNet v1 body (its 13 separable blocks on 32x112x112), fp32, batch 1, NHWC
 * between the layers, each convolution one oneDNN primitive built as the runner builds it:
 *   - weights in the layout oneDNN chooses (format `any`), reordered once at setup;
 *   - bias, ReLU6 as an eltwise clip post-op (none after v2's projections);
 *   - depthwise convolutions on jit_dw where oneDNN lists it (src/NativeConv/OneDnn/OneDnnDepthwiseImplementation.cs);
 *   - v2's residual adds as a sum post-op, the projection writing into its block's input;
 *   - v2's global average pool a plain loop (the runner's is managed code), then the classifier as a 1x1 convolution.
 * Unlike the runner, every layer writes its own buffer (the runner reuses a few): nothing here is shared but the inputs.
 * Prints per network the median µs per call (all layers, then one stream wait), and the sum of the convolutions' medians
 * each timed alone, back to back: the difference is what running them one after the other costs (each reads a tensor
 * the one before wrote, with its weights gone from the caches since the previous call), whoever calls them.
 *
 * usage: nc_chain [--threads N] [--min-ms M] [--csv] */
#include "nc_conv.h"

#include <oneapi/dnnl/dnnl.h>

#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct layer {
    int in_c, out_c, k, stride, depthwise, relu6, residual; /* residual: add the block's input (a sum post-op) */
} layer;

enum { MAX_LAYERS = 64 };

typedef struct network {
    const char *name;
    int in_c, size;
    layer layers[MAX_LAYERS];
    int count;
    int classifier; /* after the last layer: global average pool, then a 1x1 convolution to this many classes */
} network;

static dnnl_engine_t engine;
static dnnl_stream_t stream;

static void add(network *n, layer l) {
    if (n->count == MAX_LAYERS) {
        fprintf(stderr, "%s: more than %d layers\n", n->name, MAX_LAYERS);
        exit(2);
    }
    n->layers[n->count++] = l;
}

/* torchvision's mobilenet_v2: the stem, 17 inverted residual blocks (t, c, n, s), the last 1x1 convolution, the classifier. */
static network mobilenet_v2(void) {
    network n = {.name = "v2", .in_c = 3, .size = 224, .classifier = 1000};
    add(&n, (layer){3, 32, 3, 2, 0, 1, 0});
    static const int settings[][4] = {{1, 16, 1, 1}, {6, 24, 2, 2}, {6, 32, 3, 2}, {6, 64, 4, 2}, {6, 96, 3, 1}, {6, 160, 3, 2}, {6, 320, 1, 1}};
    int c = 32;
    for (size_t s = 0; s < sizeof settings / sizeof settings[0]; s++)
        for (int r = 0; r < settings[s][2]; r++) {
            const int stride = r == 0 ? settings[s][3] : 1, out = settings[s][1], hidden = c * settings[s][0];
            if (settings[s][0] != 1) add(&n, (layer){c, hidden, 1, 1, 0, 1, 0});
            add(&n, (layer){hidden, hidden, 3, stride, 1, 1, 0});
            add(&n, (layer){hidden, out, 1, 1, 0, 0, stride == 1 && c == out});
            c = out;
        }
    add(&n, (layer){320, 1280, 1, 1, 0, 1, 0});
    return n;
}

/* The v1 body: 13 separable blocks (3x3 depthwise, then 1x1), ReLU6 after each convolution. */
static network mobilenet_v1_body(void) {
    network n = {.name = "v1-body", .in_c = 32, .size = 112, .classifier = 0};
    static const int blocks[][2] = {{64, 1}, {128, 2}, {128, 1}, {256, 2}, {256, 1}, {512, 2}, {512, 1},
                                    {512, 1}, {512, 1}, {512, 1}, {512, 1}, {1024, 2}, {1024, 1}};
    int c = 32;
    for (size_t b = 0; b < sizeof blocks / sizeof blocks[0]; b++) {
        add(&n, (layer){c, c, 3, blocks[b][1], 1, 1, 0});
        add(&n, (layer){c, blocks[b][0], 1, 1, 0, 1, 0});
        c = blocks[b][0];
    }
    return n;
}

static dnnl_memory_desc_t md(int ndims, const dnnl_dim_t *dims, dnnl_format_tag_t tag) {
    dnnl_memory_desc_t m;
    NC_CHECK_DNNL(dnnl_memory_desc_create_with_tag(&m, ndims, dims, dnnl_f32, tag));
    return m;
}

/* A memory of the descriptor, filled with seeded values in [-scale, scale] through a reorder from plain `tag`. */
static dnnl_memory_t filled(const_dnnl_memory_desc_t impl_md, const dnnl_memory_desc_t plain_md, unsigned *seed, float scale) {
    size_t bytes = dnnl_memory_desc_get_size(plain_md);
    float *data = malloc(bytes);
    for (size_t i = 0; i < bytes / sizeof(float); i++) data[i] = scale * nc_random_unit(seed);
    dnnl_memory_t plain, impl;
    NC_CHECK_DNNL(dnnl_memory_create(&plain, plain_md, engine, data));
    NC_CHECK_DNNL(dnnl_memory_create(&impl, impl_md, engine, DNNL_MEMORY_ALLOCATE));
    nc_onednn_copy(engine, stream, plain, impl);
    dnnl_memory_destroy(plain);
    free(data);
    return impl;
}

static const char *impl_of(const_dnnl_primitive_desc_t pd) {
    const char *name = "?";
    NC_CHECK_DNNL(dnnl_primitive_desc_query(pd, dnnl_query_impl_info_str, 0, &name));
    return name;
}

typedef struct step {
    dnnl_primitive_t prim; /* NULL: the global average pool, from pool_src (h x w x c) to pool_dst */
    dnnl_exec_arg_t args[4];
    const float *pool_src;
    float *pool_dst;
    int pool_hw, pool_c;
} step;

typedef struct chain {
    step steps[MAX_LAYERS + 2];
    int count;
} chain;

/* The convolution of `l` from src (n=1, l.in_c, h, h; NHWC) into dst, or into the residual memory when l.residual. */
static step convolution(const layer *l, int h, dnnl_memory_t src, dnnl_memory_t residual, dnnl_memory_t *dst_out, unsigned *seed) {
    const int oh = (h + 2 * (l->k / 2) - l->k) / l->stride + 1;
    dnnl_dims_t src_dims = {1, l->in_c, h, h}, dst_dims = {1, l->out_c, oh, oh}, bias_dims = {l->out_c};
    dnnl_dims_t strides = {l->stride, l->stride}, pad = {l->k / 2, l->k / 2};
    dnnl_memory_desc_t src_md = md(4, src_dims, dnnl_nhwc), dst_md = md(4, dst_dims, dnnl_nhwc), bias_md = md(1, bias_dims, dnnl_x);
    dnnl_memory_desc_t w_any, w_plain;
    if (l->depthwise) {
        dnnl_dims_t w_dims = {l->out_c, 1, 1, l->k, l->k};
        w_any = md(5, w_dims, dnnl_format_tag_any);
        w_plain = md(5, w_dims, dnnl_goihw);
    } else {
        dnnl_dims_t w_dims = {l->out_c, l->in_c, l->k, l->k};
        w_any = md(4, w_dims, dnnl_format_tag_any);
        w_plain = md(4, w_dims, dnnl_oihw);
    }
    dnnl_post_ops_t ops;
    NC_CHECK_DNNL(dnnl_post_ops_create(&ops));
    if (l->residual) NC_CHECK_DNNL(dnnl_post_ops_append_sum(ops, 1.0f, 0, dnnl_data_type_undef));
    if (l->relu6) NC_CHECK_DNNL(dnnl_post_ops_append_eltwise(ops, dnnl_eltwise_clip, 0.0f, 6.0f));
    dnnl_primitive_attr_t attr;
    NC_CHECK_DNNL(dnnl_primitive_attr_create(&attr));
    NC_CHECK_DNNL(dnnl_primitive_attr_set_post_ops(attr, ops));
    dnnl_primitive_desc_t pd;
    NC_CHECK_DNNL(dnnl_convolution_forward_primitive_desc_create(&pd, engine, dnnl_forward_inference, dnnl_convolution_direct, src_md,
                                                                w_any, bias_md, dst_md, strides, NULL, pad, pad, attr));
    /* The runner's preference: jit_dw where oneDNN lists it before its reference and gemm fallbacks. */
    if (l->depthwise) {
        dnnl_primitive_desc_t first;
        NC_CHECK_DNNL(dnnl_primitive_desc_clone(&first, pd));
        while (strncmp(impl_of(pd), "jit_dw:", 7) != 0)
            if (strncmp(impl_of(pd), "ref", 3) == 0 || strstr(impl_of(pd), "gemm") || dnnl_primitive_desc_next_impl(pd) != dnnl_success) {
                dnnl_primitive_desc_destroy(pd);
                pd = first;
                first = NULL;
                break;
            }
        if (first) dnnl_primitive_desc_destroy(first);
    }
    step s = {0};
    NC_CHECK_DNNL(dnnl_primitive_create(&s.prim, pd));
    dnnl_memory_t w = filled(dnnl_primitive_desc_query_md(pd, dnnl_query_weights_md, 0), w_plain, seed, 0.1f);
    dnnl_memory_t b = filled(bias_md, bias_md, seed, 0.1f);
    dnnl_memory_t dst = residual;
    if (!l->residual) NC_CHECK_DNNL(dnnl_memory_create(&dst, dst_md, engine, DNNL_MEMORY_ALLOCATE));
    memcpy(s.args, (dnnl_exec_arg_t[]){{DNNL_ARG_SRC, src}, {DNNL_ARG_WEIGHTS, w}, {DNNL_ARG_BIAS, b}, {DNNL_ARG_DST, dst}}, sizeof s.args);
    *dst_out = dst;
    dnnl_primitive_desc_destroy(pd);
    dnnl_primitive_attr_destroy(attr);
    dnnl_post_ops_destroy(ops);
    dnnl_memory_desc_t mds[] = {src_md, dst_md, bias_md, w_any, w_plain};
    for (size_t i = 0; i < sizeof mds / sizeof mds[0]; i++) dnnl_memory_desc_destroy(mds[i]);
    return s;
}

static void *data_of(dnnl_memory_t m) {
    void *p;
    NC_CHECK_DNNL(dnnl_memory_get_data_handle(m, &p));
    return p;
}

static chain build(const network *n) {
    chain c = {0};
    unsigned seed = 1;
    dnnl_dims_t in_dims = {1, n->in_c, n->size, n->size};
    dnnl_memory_desc_t in_md = md(4, in_dims, dnnl_nhwc);
    dnnl_memory_t cur = filled(in_md, in_md, &seed, 1.0f), block_input = cur;
    dnnl_memory_desc_destroy(in_md);
    int h = n->size;
    for (int i = 0; i < n->count; i++) {
        const layer *l = &n->layers[i];
        /* A block's input: what its expanding 1x1 convolution reads (v2's blocks with a residual add all expand). */
        if (!l->depthwise && l->out_c > l->in_c) block_input = cur;
        dnnl_memory_t dst;
        c.steps[c.count++] = convolution(l, h, cur, block_input, &dst, &seed);
        h = (h + 2 * (l->k / 2) - l->k) / l->stride + 1;
        cur = dst;
    }
    if (n->classifier) {
        const int channels = n->layers[n->count - 1].out_c;
        dnnl_dims_t pooled_dims = {1, channels, 1, 1};
        dnnl_memory_desc_t pooled_md = md(4, pooled_dims, dnnl_nhwc);
        dnnl_memory_t pooled;
        NC_CHECK_DNNL(dnnl_memory_create(&pooled, pooled_md, engine, DNNL_MEMORY_ALLOCATE));
        dnnl_memory_desc_destroy(pooled_md);
        c.steps[c.count++] = (step){.prim = NULL, .pool_src = data_of(cur), .pool_dst = data_of(pooled), .pool_hw = h * h, .pool_c = channels};
        const layer fc = {channels, n->classifier, 1, 1, 0, 0, 0};
        dnnl_memory_t logits;
        c.steps[c.count++] = convolution(&fc, 1, pooled, NULL, &logits, &seed);
    }
    return c;
}

/* One call: every step in order, then the stream's wait (the pool reads a finished tensor: oneDNN's CPU stream runs in order, synchronously). */
static void run_chain(void *context) {
    const chain *c = context;
    for (int i = 0; i < c->count; i++) {
        const step *s = &c->steps[i];
        if (s->prim) {
            NC_CHECK_DNNL(dnnl_primitive_execute(s->prim, stream, 4, s->args));
            continue;
        }
        for (int ch = 0; ch < s->pool_c; ch++) s->pool_dst[ch] = 0;
        for (int p = 0; p < s->pool_hw; p++)
            for (int ch = 0; ch < s->pool_c; ch++) s->pool_dst[ch] += s->pool_src[(size_t)p * s->pool_c + ch];
        for (int ch = 0; ch < s->pool_c; ch++) s->pool_dst[ch] /= (float)s->pool_hw;
    }
    NC_CHECK_DNNL(dnnl_stream_wait(stream));
}

/* One step alone, called back to back: its input, weights and output stay in the caches between the calls. */
static void run_step(void *context) {
    const step *s = context;
    NC_CHECK_DNNL(dnnl_primitive_execute(s->prim, stream, 4, s->args));
    NC_CHECK_DNNL(dnnl_stream_wait(stream));
}

int main(int argc, char **argv) {
    const nc_options o = nc_parse_options(argc, argv, "nc_chain", (nc_options){.threads = 2, .min_ms = 2000, .csv = 0});
    omp_set_num_threads(o.threads);
    NC_CHECK_DNNL(dnnl_engine_create(&engine, dnnl_cpu, 0));
    NC_CHECK_DNNL(dnnl_stream_create(&stream, engine, dnnl_stream_default_flags));
    const network networks[] = {mobilenet_v2(), mobilenet_v1_body()};
    if (o.csv) printf("network,convolutions,threads,median_us,convolutions_alone_us\n");
    for (size_t k = 0; k < sizeof networks / sizeof networks[0]; k++) {
        chain c = build(&networks[k]);
        const double us = nc_median_us(run_chain, &c, o.min_ms);
        /* The same convolutions each timed alone (the pool left out): what they cost when nothing runs between their calls. */
        double alone = 0;
        for (int i = 0; i < c.count; i++)
            if (c.steps[i].prim) alone += nc_median_us(run_step, &c.steps[i], o.min_ms / c.count);
        const int convolutions = networks[k].count + (networks[k].classifier ? 1 : 0);
        if (o.csv) printf("%s,%d,%d,%.1f,%.1f\n", networks[k].name, convolutions, o.threads, us, alone);
        else printf("%-8s %2d convolutions on oneDNN from C, %d thread(s): %8.1f us per call (median); the convolutions each alone: %8.1f us\n",
                    networks[k].name, convolutions, o.threads, us, alone);
        fflush(stdout);
    }
    return 0;
}
