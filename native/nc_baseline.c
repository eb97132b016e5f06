/* Native baseline: per-layer time of MobileNet depthwise (3x3) and pointwise (1x1) layers, fp32,
 * batch 1, called straight from C into oneDNN and XNNPACK, set up as the C# facade sets them up.
 * This is the floor the facade is measured against.
 *
 * usage: nc_baseline [--shapes FILE] [--layout nhwc|nchw] [--threads N] [--min-ms M] [--csv]
 *   --shapes   layers as `nativeconv shapes` prints them (CSV); default: the MobileNet v1 body
 *   --layout   activation layout (default nhwc)
 *   --threads  threads for both libraries (oneDNN through OpenMP, XNNPACK through pthreadpool)
 *   --min-ms   time spent measuring each layer per library (median of batches of calls)
 *   --csv      machine-readable output */
#include "nc_conv.h"

#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>


typedef void (*run_fn)(void *conv, const float *x, float *y);
static void run_onednn(void *c, const float *x, float *y) { nc_onednn_run(c, x, y); }
static void run_xnnpack(void *c, const float *x, float *y) { nc_xnnpack_run(c, x, y); }

/* Median over batches of the per-call time, in microseconds. */
static double time_us(run_fn run, void *conv, const float *x, float *y, double min_ms) {
    for (int i = 0; i < 5; i++) run(conv, x, y); /* warm caches, JIT, thread pools */
    double t0 = nc_now_s();
    int calls = 0;
    while (nc_now_s() - t0 < 0.02 || calls < 3) { run(conv, x, y); calls++; }
    const double per_call = (nc_now_s() - t0) / calls;
    int per_batch = (int)(0.002 / per_call) + 1;
    enum { MAX_BATCHES = 4096 };
    static double samples[MAX_BATCHES];
    int batches = 0;
    const double start = nc_now_s();
    while (batches < MAX_BATCHES && (batches < 7 || nc_now_s() - start < min_ms * 1e-3)) {
        const double b0 = nc_now_s();
        for (int i = 0; i < per_batch; i++) run(conv, x, y);
        samples[batches++] = (nc_now_s() - b0) / per_batch * 1e6;
    }
    qsort(samples, (size_t)batches, sizeof(double), nc_cmp_double);
    return samples[batches / 2];
}

typedef struct layer {
    char model[8];
    char name[64];
    int count;
    nc_shape s;
} layer;

/* MobileNet v1 (224x224 input) body: each distinct depthwise/pointwise shape once, with how many
 * times it occurs in the network; ReLU6 after every layer. Used when no --shapes file is given. */
static int builtin_v1(layer *out, int max) {
    static const struct { const char *name; int count, size, in_c, out_c, groups, k, stride, pad; } v1[] = {
        {"dw1 32@112 s1", 1, 112, 32, 32, 32, 3, 1, 1},       {"pw1 32->64@112", 1, 112, 32, 64, 1, 1, 1, 0},
        {"dw2 64@112 s2", 1, 112, 64, 64, 64, 3, 2, 1},       {"pw2 64->128@56", 1, 56, 64, 128, 1, 1, 1, 0},
        {"dw3 128@56 s1", 1, 56, 128, 128, 128, 3, 1, 1},    {"pw3 128->128@56", 1, 56, 128, 128, 1, 1, 1, 0},
        {"dw4 128@56 s2", 1, 56, 128, 128, 128, 3, 2, 1},    {"pw4 128->256@28", 1, 28, 128, 256, 1, 1, 1, 0},
        {"dw5 256@28 s1", 1, 28, 256, 256, 256, 3, 1, 1},    {"pw5 256->256@28", 1, 28, 256, 256, 1, 1, 1, 0},
        {"dw6 256@28 s2", 1, 28, 256, 256, 256, 3, 2, 1},    {"pw6 256->512@14", 1, 14, 256, 512, 1, 1, 1, 0},
        {"dw7-11 512@14 s1", 5, 14, 512, 512, 512, 3, 1, 1}, {"pw7-11 512->512@14", 5, 14, 512, 512, 1, 1, 1, 0},
        {"dw12 512@14 s2", 1, 14, 512, 512, 512, 3, 2, 1},   {"pw12 512->1024@7", 1, 7, 512, 1024, 1, 1, 1, 0},
        {"dw13 1024@7 s1", 1, 7, 1024, 1024, 1024, 3, 1, 1}, {"pw13 1024->1024@7", 1, 7, 1024, 1024, 1, 1, 1, 0},
    };
    int n = 0;
    for (size_t i = 0; i < sizeof v1 / sizeof v1[0] && n < max; i++, n++) {
        layer *l = &out[n];
        snprintf(l->model, sizeof l->model, "v1");
        snprintf(l->name, sizeof l->name, "%s", v1[i].name);
        l->count = v1[i].count;
        l->s = (nc_shape){l->name, 1, v1[i].size, v1[i].size, v1[i].in_c, v1[i].out_c, v1[i].groups,
                          v1[i].k, v1[i].k, v1[i].stride, v1[i].pad, 0, 1};
    }
    return n;
}

/* model,layer,count,size,in_channels,out_channels,groups,kernel,stride,padding,activation */
static int read_shapes(const char *path, layer *out, int max) {
    FILE *f = fopen(path, "r");
    if (!f) { perror(path); exit(2); }
    char line[512];
    int n = 0, line_no = 0;
    while (fgets(line, sizeof line, f)) {
        line_no++;
        if (line_no == 1 || line[0] == '\n') continue; /* header */
        if (n == max) { fprintf(stderr, "%s: more than %d layers\n", path, max); exit(2); }
        layer *l = &out[n];
        char activation[32];
        int size, in_c, out_c, groups, k, stride, pad;
        if (sscanf(line, "%7[^,],%63[^,],%d,%d,%d,%d,%d,%d,%d,%d,%31[^,\n]", l->model, l->name, &l->count, &size, &in_c, &out_c,
                   &groups, &k, &stride, &pad, activation) != 11) {
            fprintf(stderr, "%s:%d: expected model,layer,count,size,in,out,groups,kernel,stride,padding,activation\n", path, line_no);
            exit(2);
        }
        int relu6 = !strcmp(activation, "relu6");
        if (!relu6 && strcmp(activation, "none")) {
            fprintf(stderr, "%s:%d: activation '%s' is not supported here (relu6 or none)\n", path, line_no, activation);
            exit(2);
        }
        l->s = (nc_shape){l->name, 1, size, size, in_c, out_c, groups, k, k, stride, pad, 0, relu6};
        n++;
    }
    fclose(f);
    return n;
}

int main(int argc, char **argv) {
    int threads = 1, csv = 0, nchw = 0;
    double min_ms = 200;
    const char *shapes = NULL;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--threads") && i + 1 < argc) threads = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--min-ms") && i + 1 < argc) min_ms = atof(argv[++i]);
        else if (!strcmp(argv[i], "--shapes") && i + 1 < argc) shapes = argv[++i];
        else if (!strcmp(argv[i], "--layout") && i + 1 < argc && (!strcmp(argv[i + 1], "nhwc") || !strcmp(argv[i + 1], "nchw")))
            nchw = !strcmp(argv[++i], "nchw");
        else if (!strcmp(argv[i], "--csv")) csv = 1;
        else {
            fprintf(stderr, "usage: %s [--shapes FILE] [--layout nhwc|nchw] [--threads N] [--min-ms M] [--csv]\n", argv[0]);
            return 2;
        }
    }
    if (threads < 1) { fprintf(stderr, "--threads must be >= 1\n"); return 2; }
    omp_set_num_threads(threads);

    enum { MAX_LAYERS = 256 };
    static layer layers[MAX_LAYERS];
    const int n_layers = shapes ? read_shapes(shapes, layers, MAX_LAYERS) : builtin_v1(layers, MAX_LAYERS);
    const char *layout = nchw ? "nchw" : "nhwc";

    if (csv) printf("model,layer,count,flops,layout,threads,onednn_us,xnnpack_us,onednn_impl\n");
    else printf("%-26s %5s %10s %10s %9s %10s %9s  %s (%s, threads=%d)\n", "layer", "count", "MFLOP", "oneDNN us", "GFLOP/s",
                "XNNPACK us", "GFLOP/s", "oneDNN implementation", layout, threads);
    /* One library at a time over all layers (as BenchmarkDotNet runs the facade, backend by backend):
     * alternating them per layer left one library's idle worker threads spinning while the other ran. */
    static double t_us[2][MAX_LAYERS];
    static char impl[MAX_LAYERS][160];
    for (int lib = 0; lib < 2; lib++) {
        for (int l = 0; l < n_layers; l++) {
            nc_shape *s = &layers[l].s;
            s->nchw = nchw;
            float *x = nc_alloc_floats(nc_input_len(s));
            float *w = nc_alloc_floats(nc_weight_len(s));
            float *b = nc_alloc_floats((size_t)s->out_c);
            float *y = nc_alloc_floats(nc_output_len(s));
            for (size_t i = 0; i < nc_input_len(s); i++) x[i] = (float)((i * 7919u) % 17) / 17.0f - 0.5f;
            for (size_t i = 0; i < nc_weight_len(s); i++) w[i] = (float)((i * 104729u) % 13) / 13.0f - 0.5f;
            for (int i = 0; i < s->out_c; i++) b[i] = 0.01f * (float)(i % 7);
            if (lib == 0) {
                nc_onednn_conv *d = nc_onednn_create(s, w, b);
                t_us[0][l] = time_us(run_onednn, d, x, y, min_ms);
                snprintf(impl[l], sizeof impl[l], "%s", nc_onednn_impl(d));
                nc_onednn_destroy(d);
            } else {
                nc_xnnpack_conv *xc = nc_xnnpack_create(s, w, b, threads);
                t_us[1][l] = time_us(run_xnnpack, xc, x, y, min_ms);
                nc_xnnpack_destroy(xc);
            }
            nc_aligned_free(x); nc_aligned_free(w); nc_aligned_free(b); nc_aligned_free(y);
        }
    }

    const char *model = NULL;
    double total_d = 0, total_x = 0, total_flops = 0;
    for (int l = 0; l <= n_layers; l++) {
        /* a model's body total, when its last layer is done */
        if (model && !csv && (l == n_layers || strcmp(layers[l].model, model))) {
            char label[64];
            snprintf(label, sizeof label, "%s body dw+pw", model);
            printf("%-26s %5s %10.2f %10.1f %9.1f %10.1f %9.1f\n", label, "", total_flops / 1e6, total_d,
                   total_flops / total_d / 1e3, total_x, total_flops / total_x / 1e3);
            total_d = total_x = total_flops = 0;
        }
        if (l == n_layers) break;
        model = layers[l].model;
        const nc_shape *s = &layers[l].s;
        const double td = t_us[0][l], tx = t_us[1][l], flops = nc_flops(s);
        total_d += td * layers[l].count;
        total_x += tx * layers[l].count;
        total_flops += flops * layers[l].count;
        if (csv) printf("%s,%s,%d,%.0f,%s,%d,%.3f,%.3f,%s\n", layers[l].model, s->name, layers[l].count, flops, layout, threads,
                        td, tx, impl[l]);
        else printf("%-26s %5d %10.2f %10.1f %9.1f %10.1f %9.1f  %s\n", s->name, layers[l].count, flops / 1e6, td,
                    flops / td / 1e3, tx, flops / tx / 1e3, impl[l]);
    }
    return 0;
}
