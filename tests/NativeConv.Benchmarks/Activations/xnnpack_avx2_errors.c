// The exhaustive error measurement of XNNPACK 4ea82e5's AVX2/FMA3 sigmoid, tanh and GELU kernels, the ones it picks
// on a CPU without AVX-512 (src/configs/unary-elementwise-config.c), which the C# measurement
// (ActivationErrorMeasurement, --activation-errors) cannot reach on an AVX-512 machine through the library. Same
// statistics (SiLU as the library runs it there: the sigmoid, then a multiply by x): k = max |f^ - f| / (u |f|) over
// results of at least 2^-100 (GELU: x >= 0), c = max |f^ - f| / (u |x|) for GELU's x <= -2^-100, a = the largest error among
// other results below 2^-100, and the |x| range of finite inputs with non-finite results; the reference
// is glibc's exp, tanh and erfc in double. A one-off program, built against the kernels' own sources:
//   X=<xnnpack source> P=<pthreadpool include dir>
//   gcc -c -O2 -mavx2 -mfma -fPIC -I$X/include -I$X/src -I$P $X/src/f32-vsigmoid/gen/f32-vsigmoid-avx2-rr1-p5-div-u40.c -o s.o
//   gcc -c -O2 -mavx -mfma -mf16c -fPIC -I$X/include -I$X/src -I$P $X/src/f32-vtanh/gen/f32-vtanh-fma3-rational-9-8-div.c -o t.o
//   gcc -c -O2 -mavx -mfma -mf16c -fPIC -I$X/include -I$X/src -I$P $X/src/f32-vgelu/gen/f32-vgelu-fma3-rational-12-10-div.c -o g.o
//   gcc -O2 -fopenmp xnnpack_avx2_errors.c s.o t.o g.o -lm -o errors && ./errors
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef void (*kernel_fn)(size_t, const float*, float*, const void*);
void xnn_f32_vsigmoid_ukernel__avx2_rr1_p5_div_u40(size_t, const float*, float*, const void*);
void xnn_f32_vtanh_ukernel__fma3_rational_9_8_div_u16(size_t, const float*, float*, const void*);
void xnn_f32_vgelu_ukernel__fma3_rational_12_10_div_u16(size_t, const float*, float*, const void*);

static double sigmoid(double x) { return 1 / (1 + exp(-x)); }
static double silu(double x) { return x / (1 + exp(-x)); }

// SiLU as the library runs it on XNNPACK: its sigmoid, then a float multiply by x.
static void silu_kernel(size_t bytes, const float* x, float* y, const void* params) {
  xnn_f32_vsigmoid_ukernel__avx2_rr1_p5_div_u40(bytes, x, y, params);
  for (size_t i = 0; i < bytes / sizeof(float); i++) y[i] = x[i] * y[i];
}
static double gelu(double x) { return x * 0.5 * erfc(-x / sqrt(2.0)); }

#define CHUNK (1 << 22)
static const double U = 1.0 / (1 << 24);

static void measure(const char* name, kernel_fn kernel, double (*f)(double), int is_gelu) {
  float* x = aligned_alloc(64, CHUNK * sizeof(float) + 64);
  float* y = aligned_alloc(64, CHUNK * sizeof(float) + 64);
  double k = 0, k_at = 0, c = 0, c_at = 0, tiny = 0, tiny_at = 0;
  long nonfinite = 0;
  float nonfinite_low = INFINITY, nonfinite_high = 0;
  const double tiny_limit = 0x1p-100;
  for (uint64_t first = 0; first < (1ull << 32); first += CHUNK) {
    for (int i = 0; i < CHUNK; i++) {
      uint32_t bits = (uint32_t)(first + i);
      float v;
      memcpy(&v, &bits, 4);
      x[i] = isfinite(v) ? v : 0.0f;
    }
    #pragma omp parallel for
    for (int b = 0; b < 64; b++) kernel((CHUNK / 64) * sizeof(float), x + b * (CHUNK / 64), y + b * (CHUNK / 64), NULL);
    #pragma omp parallel
    {
      double lk = 0, lk_at = 0, lc = 0, lc_at = 0, lt = 0, lt_at = 0;
      long ln = 0;
      float ln_low = INFINITY, ln_high = 0;
      #pragma omp for
      for (int i = 0; i < CHUNK; i++) {
        double fx = f(x[i]);
        if (!isfinite(fx)) continue;
        if (!isfinite(y[i])) {
          ln++;
          if (fabsf(x[i]) < ln_low) ln_low = fabsf(x[i]);
          if (fabsf(x[i]) > ln_high) ln_high = fabsf(x[i]);
          continue;
        }
        double e = fabs((double)y[i] - fx);
        if (is_gelu && x[i] <= -tiny_limit) { double r = e / (U * -x[i]); if (r > lc) { lc = r; lc_at = x[i]; } }
        else if (fabs(fx) < tiny_limit) { if (e > lt) { lt = e; lt_at = x[i]; } }
        else { double r = e / (U * fabs(fx)); if (r > lk) { lk = r; lk_at = x[i]; } }
      }
      #pragma omp critical
      {
        if (lk > k) { k = lk; k_at = lk_at; }
        if (lc > c) { c = lc; c_at = lc_at; }
        if (lt > tiny) { tiny = lt; tiny_at = lt_at; }
        if (ln_low < nonfinite_low) nonfinite_low = ln_low;
        if (ln_high > nonfinite_high) nonfinite_high = ln_high;
        nonfinite += ln;
      }
    }
  }
  printf("  %-50s k %8.3f (x = %.9g)", name, k, k_at);
  if (is_gelu) printf("  c %8.3f (x = %.9g)", c, c_at);
  printf("  a %.3e (x = %.9g)  non-finite %ld", tiny, tiny_at, nonfinite);
  if (nonfinite) printf(" (|x| in [%.9g, %.9g])", nonfinite_low, nonfinite_high);
  printf("\n");
  fflush(stdout);
  free(x);
  free(y);
}

int main(void) {
  measure("xnnpack f32_vsigmoid avx2_rr1_p5_div", (kernel_fn)xnn_f32_vsigmoid_ukernel__avx2_rr1_p5_div_u40, sigmoid, 0);
  measure("xnnpack sigmoid avx2_rr1_p5_div, then x * it", silu_kernel, silu, 0);
  measure("xnnpack f32_vtanh fma3_rational_9_8_div", (kernel_fn)xnn_f32_vtanh_ukernel__fma3_rational_9_8_div_u16, tanh, 0);
  measure("xnnpack f32_vgelu fma3_rational_12_10_div", (kernel_fn)xnn_f32_vgelu_ukernel__fma3_rational_12_10_div_u16, gelu, 1);
  return 0;
}
