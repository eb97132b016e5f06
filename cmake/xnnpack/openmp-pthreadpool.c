/*
 * pthreadpool's API over OpenMP: XNNPACK's parallel loops run on the same libgomp thread team as
 * oneDNN's, so a process that alternates the two libraries wakes one team, not two pools that spin
 * against each other on the same cores (measured: up to 2.6x per convolution with two pools).
 *
 * Every function XNNPACK calls is here, with upstream pthreadpool's meaning (include/pthreadpool.h of
 * the pinned source): each index of the range, or each tile, is passed to the task exactly once; tiles
 * start at multiples of the tile size and the last one is cut at the range's end; "with_thread" tasks
 * get the index of the thread that runs them, below the pool's thread count; "with_uarch" tasks get
 * the default microarchitecture index (upstream does too when it is built without cpuinfo, as here);
 * PTHREADPOOL_FLAG_DISABLE_DENORMALS holds on every thread while it runs tasks and is undone after,
 * with upstream's own FPU helpers (src/threadpool-utils.h). PTHREADPOOL_FLAG_YIELD_WORKERS has no
 * per-loop meaning in OpenMP: the team follows OMP_WAIT_POLICY/GOMP_SPINCOUNT, as oneDNN's does.
 * Like upstream, a pool of one thread, a null pool, or a range of one runs on the calling thread.
 *
 * Work is dealt as upstream deals it: each thread owns a contiguous range of tiles, runs it front to
 * back (the multi-dimensional index advancing like an odometer, no division per tile), then steals
 * single tiles from the back of the others' ranges, so a thread the hypervisor delays does not hold
 * the others back.
 */
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>

#include <omp.h>
#include <pthreadpool.h>

#include "threadpool-utils.h"

#define MAX_DIMS 6
#define MAX_THREADS 64 /* a larger pool runs its loops on 64 threads */

struct pthreadpool {
  size_t threads;
};

enum task_kind {
  TASK_1D, TASK_1D_WITH_THREAD, TASK_1D_WITH_UARCH, TASK_1D_TILE_1D,
  TASK_2D, TASK_2D_WITH_THREAD, TASK_2D_TILE_1D, TASK_2D_TILE_1D_WITH_UARCH, TASK_2D_TILE_1D_WITH_UARCH_WITH_THREAD,
  TASK_2D_TILE_2D, TASK_2D_TILE_2D_WITH_UARCH,
  TASK_3D, TASK_3D_TILE_1D, TASK_3D_TILE_1D_WITH_THREAD, TASK_3D_TILE_1D_WITH_UARCH, TASK_3D_TILE_1D_WITH_UARCH_WITH_THREAD,
  TASK_3D_TILE_2D, TASK_3D_TILE_2D_WITH_UARCH,
  TASK_4D, TASK_4D_TILE_1D, TASK_4D_TILE_2D, TASK_4D_TILE_2D_WITH_UARCH,
  TASK_5D, TASK_5D_TILE_1D, TASK_5D_TILE_2D,
  TASK_6D, TASK_6D_TILE_1D, TASK_6D_TILE_2D,
};

/* One parallel loop: up to six dimensions, each a range cut into tiles (an untiled dimension has tiles of 1). */
struct loop {
  enum task_kind kind;
  void* task;
  void* context;
  uint32_t uarch;
  size_t dims;
  size_t range[MAX_DIMS];
  size_t tile[MAX_DIMS];
  size_t tiles[MAX_DIMS];
};

pthreadpool_t pthreadpool_create(size_t threads_count) {
  struct pthreadpool* pool = malloc(sizeof(struct pthreadpool));
  if (pool == NULL) return NULL;
  pool->threads = threads_count != 0 ? threads_count : (size_t) omp_get_num_procs();
  return pool;
}

size_t pthreadpool_get_threads_count(pthreadpool_t pool) {
  return pool != NULL ? pool->threads : 1;
}

void pthreadpool_destroy(pthreadpool_t pool) {
  free(pool);
}

/* Calls the task for the tile at multi-index t (in tiles) on thread `thread`. */
static void call(const struct loop* l, const size_t* t, size_t thread) {
  size_t s[MAX_DIMS], n[MAX_DIMS]; /* start and size of the tile in each dimension */
  for (size_t d = 0; d < l->dims; d++) {
    s[d] = t[d] * l->tile[d];
    n[d] = min(l->tile[d], l->range[d] - s[d]);
  }
  void* c = l->context;
  uint32_t u = l->uarch;
  switch (l->kind) {
    case TASK_1D: ((pthreadpool_task_1d_t) l->task)(c, s[0]); break;
    case TASK_1D_WITH_THREAD: ((pthreadpool_task_1d_with_thread_t) l->task)(c, thread, s[0]); break;
    case TASK_1D_WITH_UARCH: ((pthreadpool_task_1d_with_id_t) l->task)(c, u, s[0]); break;
    case TASK_1D_TILE_1D: ((pthreadpool_task_1d_tile_1d_t) l->task)(c, s[0], n[0]); break;
    case TASK_2D: ((pthreadpool_task_2d_t) l->task)(c, s[0], s[1]); break;
    case TASK_2D_WITH_THREAD: ((pthreadpool_task_2d_with_thread_t) l->task)(c, thread, s[0], s[1]); break;
    case TASK_2D_TILE_1D: ((pthreadpool_task_2d_tile_1d_t) l->task)(c, s[0], s[1], n[1]); break;
    case TASK_2D_TILE_1D_WITH_UARCH: ((pthreadpool_task_2d_tile_1d_with_id_t) l->task)(c, u, s[0], s[1], n[1]); break;
    case TASK_2D_TILE_1D_WITH_UARCH_WITH_THREAD:
      ((pthreadpool_task_2d_tile_1d_with_id_with_thread_t) l->task)(c, u, thread, s[0], s[1], n[1]); break;
    case TASK_2D_TILE_2D: ((pthreadpool_task_2d_tile_2d_t) l->task)(c, s[0], s[1], n[0], n[1]); break;
    case TASK_2D_TILE_2D_WITH_UARCH: ((pthreadpool_task_2d_tile_2d_with_id_t) l->task)(c, u, s[0], s[1], n[0], n[1]); break;
    case TASK_3D: ((pthreadpool_task_3d_t) l->task)(c, s[0], s[1], s[2]); break;
    case TASK_3D_TILE_1D: ((pthreadpool_task_3d_tile_1d_t) l->task)(c, s[0], s[1], s[2], n[2]); break;
    case TASK_3D_TILE_1D_WITH_THREAD: ((pthreadpool_task_3d_tile_1d_with_thread_t) l->task)(c, thread, s[0], s[1], s[2], n[2]); break;
    case TASK_3D_TILE_1D_WITH_UARCH: ((pthreadpool_task_3d_tile_1d_with_id_t) l->task)(c, u, s[0], s[1], s[2], n[2]); break;
    case TASK_3D_TILE_1D_WITH_UARCH_WITH_THREAD:
      ((pthreadpool_task_3d_tile_1d_with_id_with_thread_t) l->task)(c, u, thread, s[0], s[1], s[2], n[2]); break;
    case TASK_3D_TILE_2D: ((pthreadpool_task_3d_tile_2d_t) l->task)(c, s[0], s[1], s[2], n[1], n[2]); break;
    case TASK_3D_TILE_2D_WITH_UARCH: ((pthreadpool_task_3d_tile_2d_with_id_t) l->task)(c, u, s[0], s[1], s[2], n[1], n[2]); break;
    case TASK_4D: ((pthreadpool_task_4d_t) l->task)(c, s[0], s[1], s[2], s[3]); break;
    case TASK_4D_TILE_1D: ((pthreadpool_task_4d_tile_1d_t) l->task)(c, s[0], s[1], s[2], s[3], n[3]); break;
    case TASK_4D_TILE_2D: ((pthreadpool_task_4d_tile_2d_t) l->task)(c, s[0], s[1], s[2], s[3], n[2], n[3]); break;
    case TASK_4D_TILE_2D_WITH_UARCH:
      ((pthreadpool_task_4d_tile_2d_with_id_t) l->task)(c, u, s[0], s[1], s[2], s[3], n[2], n[3]); break;
    case TASK_5D: ((pthreadpool_task_5d_t) l->task)(c, s[0], s[1], s[2], s[3], s[4]); break;
    case TASK_5D_TILE_1D: ((pthreadpool_task_5d_tile_1d_t) l->task)(c, s[0], s[1], s[2], s[3], s[4], n[4]); break;
    case TASK_5D_TILE_2D: ((pthreadpool_task_5d_tile_2d_t) l->task)(c, s[0], s[1], s[2], s[3], s[4], n[3], n[4]); break;
    case TASK_6D: ((pthreadpool_task_6d_t) l->task)(c, s[0], s[1], s[2], s[3], s[4], s[5]); break;
    case TASK_6D_TILE_1D: ((pthreadpool_task_6d_tile_1d_t) l->task)(c, s[0], s[1], s[2], s[3], s[4], s[5], n[5]); break;
    case TASK_6D_TILE_2D:
      ((pthreadpool_task_6d_tile_2d_t) l->task)(c, s[0], s[1], s[2], s[3], s[4], s[5], n[4], n[5]); break;
  }
}

/* Runs tiles [first, first + count) in order: decodes the first index once, then counts up like an odometer. */
static void run_chunk(const struct loop* l, size_t first, size_t count, size_t thread) {
  size_t t[MAX_DIMS];
  for (size_t d = l->dims; d-- > 0;) {
    t[d] = first % l->tiles[d];
    first /= l->tiles[d];
  }
  for (size_t k = 0; k < count; k++) {
    call(l, t, thread);
    for (size_t d = l->dims; d-- > 0;) {
      if (++t[d] < l->tiles[d]) break;
      t[d] = 0;
    }
  }
}

/* What one thread owns of a loop: tiles [start, end), length of them left; others steal from the end. */
struct slot {
  _Alignas(64) atomic_size_t length;
  size_t start; /* advanced by the owner only */
  atomic_size_t end; /* lowered by thieves only */
};

/* Claims one tile of a slot (owner or thief): false when none is left. The length arbitrates, so the
 * owner taking from the front and thieves from the back never take the same tile. */
static int try_claim(struct slot* s) {
  size_t left = atomic_load_explicit(&s->length, memory_order_relaxed);
  while (left > 0) {
    if (atomic_compare_exchange_weak_explicit(&s->length, &left, left - 1, memory_order_relaxed, memory_order_relaxed)) return 1;
  }
  return 0;
}

static void run_thread(const struct loop* l, struct slot* slots, size_t threads, size_t thread) {
  struct slot* own = &slots[thread];
  size_t t[MAX_DIMS], first = own->start;
  for (size_t d = l->dims; d-- > 0;) { /* decode the first tile once, then count up like an odometer */
    t[d] = first % l->tiles[d];
    first /= l->tiles[d];
  }
  while (try_claim(own)) {
    own->start++;
    call(l, t, thread);
    for (size_t d = l->dims; d-- > 0;) {
      if (++t[d] < l->tiles[d]) break;
      t[d] = 0;
    }
  }
  /* Own range done: take tiles from the back of the others' (a thread the hypervisor delayed, say). */
  for (size_t k = 1; k < threads; k++) {
    struct slot* victim = &slots[(thread + k) % threads];
    while (try_claim(victim)) {
      size_t index = atomic_fetch_sub_explicit(&victim->end, 1, memory_order_relaxed) - 1;
      run_chunk(l, index, 1, thread);
    }
  }
}

static void run(pthreadpool_t pool, struct loop* l, uint32_t flags) {
  size_t total = 1;
  for (size_t d = 0; d < l->dims; d++) {
    l->tiles[d] = divide_round_up(l->range[d], l->tile[d]);
    total *= l->tiles[d];
  }
  if (total == 0) return;
  size_t threads = min(min(pthreadpool_get_threads_count(pool), total), MAX_THREADS);
  if (threads <= 1) {
    struct fpu_state saved = { 0 };
    if (flags & PTHREADPOOL_FLAG_DISABLE_DENORMALS) {
      saved = get_fpu_state();
      disable_fpu_denormals();
    }
    run_chunk(l, 0, total, 0);
    if (flags & PTHREADPOOL_FLAG_DISABLE_DENORMALS) set_fpu_state(saved);
    return;
  }
  /* Contiguous ranges, one per thread, as upstream deals them. */
  struct slot slots[MAX_THREADS];
  for (size_t k = 0; k < threads; k++) {
    size_t begin = total * k / threads, end = total * (k + 1) / threads;
    atomic_init(&slots[k].length, end - begin);
    slots[k].start = begin;
    atomic_init(&slots[k].end, end);
  }
  #pragma omp parallel num_threads((int) threads)
  {
    struct fpu_state saved = { 0 };
    if (flags & PTHREADPOOL_FLAG_DISABLE_DENORMALS) {
      saved = get_fpu_state();
      disable_fpu_denormals();
    }
    run_thread(l, slots, threads, (size_t) omp_get_thread_num());
    if (flags & PTHREADPOOL_FLAG_DISABLE_DENORMALS) set_fpu_state(saved);
  }
}

#define LOOP(k, f, c) struct loop l = { .kind = (k), .task = (void*) (f), .context = (c) }

static void dim(struct loop* l, size_t range, size_t tile) {
  l->range[l->dims] = range;
  l->tile[l->dims] = tile;
  l->dims++;
}

void pthreadpool_parallelize_1d(pthreadpool_t pool, pthreadpool_task_1d_t f, void* c, size_t i, uint32_t flags) {
  LOOP(TASK_1D, f, c); dim(&l, i, 1); run(pool, &l, flags);
}

void pthreadpool_parallelize_1d_with_thread(pthreadpool_t pool, pthreadpool_task_1d_with_thread_t f, void* c, size_t i, uint32_t flags) {
  LOOP(TASK_1D_WITH_THREAD, f, c); dim(&l, i, 1); run(pool, &l, flags);
}

void pthreadpool_parallelize_1d_with_uarch(pthreadpool_t pool, pthreadpool_task_1d_with_id_t f, void* c,
    uint32_t default_uarch, uint32_t max_uarch, size_t i, uint32_t flags) {
  (void) max_uarch;
  LOOP(TASK_1D_WITH_UARCH, f, c); l.uarch = default_uarch; dim(&l, i, 1); run(pool, &l, flags);
}

void pthreadpool_parallelize_1d_tile_1d(pthreadpool_t pool, pthreadpool_task_1d_tile_1d_t f, void* c, size_t i, size_t ti, uint32_t flags) {
  LOOP(TASK_1D_TILE_1D, f, c); dim(&l, i, ti); run(pool, &l, flags);
}

void pthreadpool_parallelize_2d(pthreadpool_t pool, pthreadpool_task_2d_t f, void* c, size_t i, size_t j, uint32_t flags) {
  LOOP(TASK_2D, f, c); dim(&l, i, 1); dim(&l, j, 1); run(pool, &l, flags);
}

void pthreadpool_parallelize_2d_with_thread(pthreadpool_t pool, pthreadpool_task_2d_with_thread_t f, void* c, size_t i, size_t j, uint32_t flags) {
  LOOP(TASK_2D_WITH_THREAD, f, c); dim(&l, i, 1); dim(&l, j, 1); run(pool, &l, flags);
}

void pthreadpool_parallelize_2d_tile_1d(pthreadpool_t pool, pthreadpool_task_2d_tile_1d_t f, void* c, size_t i, size_t j, size_t tj, uint32_t flags) {
  LOOP(TASK_2D_TILE_1D, f, c); dim(&l, i, 1); dim(&l, j, tj); run(pool, &l, flags);
}

void pthreadpool_parallelize_2d_tile_1d_with_uarch(pthreadpool_t pool, pthreadpool_task_2d_tile_1d_with_id_t f, void* c,
    uint32_t default_uarch, uint32_t max_uarch, size_t i, size_t j, size_t tj, uint32_t flags) {
  (void) max_uarch;
  LOOP(TASK_2D_TILE_1D_WITH_UARCH, f, c); l.uarch = default_uarch; dim(&l, i, 1); dim(&l, j, tj); run(pool, &l, flags);
}

void pthreadpool_parallelize_2d_tile_1d_with_uarch_with_thread(pthreadpool_t pool, pthreadpool_task_2d_tile_1d_with_id_with_thread_t f, void* c,
    uint32_t default_uarch, uint32_t max_uarch, size_t i, size_t j, size_t tj, uint32_t flags) {
  (void) max_uarch;
  LOOP(TASK_2D_TILE_1D_WITH_UARCH_WITH_THREAD, f, c); l.uarch = default_uarch; dim(&l, i, 1); dim(&l, j, tj); run(pool, &l, flags);
}

void pthreadpool_parallelize_2d_tile_2d(pthreadpool_t pool, pthreadpool_task_2d_tile_2d_t f, void* c,
    size_t i, size_t j, size_t ti, size_t tj, uint32_t flags) {
  LOOP(TASK_2D_TILE_2D, f, c); dim(&l, i, ti); dim(&l, j, tj); run(pool, &l, flags);
}

void pthreadpool_parallelize_2d_tile_2d_with_uarch(pthreadpool_t pool, pthreadpool_task_2d_tile_2d_with_id_t f, void* c,
    uint32_t default_uarch, uint32_t max_uarch, size_t i, size_t j, size_t ti, size_t tj, uint32_t flags) {
  (void) max_uarch;
  LOOP(TASK_2D_TILE_2D_WITH_UARCH, f, c); l.uarch = default_uarch; dim(&l, i, ti); dim(&l, j, tj); run(pool, &l, flags);
}

void pthreadpool_parallelize_3d(pthreadpool_t pool, pthreadpool_task_3d_t f, void* c, size_t i, size_t j, size_t k, uint32_t flags) {
  LOOP(TASK_3D, f, c); dim(&l, i, 1); dim(&l, j, 1); dim(&l, k, 1); run(pool, &l, flags);
}

void pthreadpool_parallelize_3d_tile_1d(pthreadpool_t pool, pthreadpool_task_3d_tile_1d_t f, void* c,
    size_t i, size_t j, size_t k, size_t tk, uint32_t flags) {
  LOOP(TASK_3D_TILE_1D, f, c); dim(&l, i, 1); dim(&l, j, 1); dim(&l, k, tk); run(pool, &l, flags);
}

void pthreadpool_parallelize_3d_tile_1d_with_thread(pthreadpool_t pool, pthreadpool_task_3d_tile_1d_with_thread_t f, void* c,
    size_t i, size_t j, size_t k, size_t tk, uint32_t flags) {
  LOOP(TASK_3D_TILE_1D_WITH_THREAD, f, c); dim(&l, i, 1); dim(&l, j, 1); dim(&l, k, tk); run(pool, &l, flags);
}

void pthreadpool_parallelize_3d_tile_1d_with_uarch(pthreadpool_t pool, pthreadpool_task_3d_tile_1d_with_id_t f, void* c,
    uint32_t default_uarch, uint32_t max_uarch, size_t i, size_t j, size_t k, size_t tk, uint32_t flags) {
  (void) max_uarch;
  LOOP(TASK_3D_TILE_1D_WITH_UARCH, f, c); l.uarch = default_uarch; dim(&l, i, 1); dim(&l, j, 1); dim(&l, k, tk); run(pool, &l, flags);
}

void pthreadpool_parallelize_3d_tile_1d_with_uarch_with_thread(pthreadpool_t pool, pthreadpool_task_3d_tile_1d_with_id_with_thread_t f, void* c,
    uint32_t default_uarch, uint32_t max_uarch, size_t i, size_t j, size_t k, size_t tk, uint32_t flags) {
  (void) max_uarch;
  LOOP(TASK_3D_TILE_1D_WITH_UARCH_WITH_THREAD, f, c); l.uarch = default_uarch;
  dim(&l, i, 1); dim(&l, j, 1); dim(&l, k, tk); run(pool, &l, flags);
}

void pthreadpool_parallelize_3d_tile_2d(pthreadpool_t pool, pthreadpool_task_3d_tile_2d_t f, void* c,
    size_t i, size_t j, size_t k, size_t tj, size_t tk, uint32_t flags) {
  LOOP(TASK_3D_TILE_2D, f, c); dim(&l, i, 1); dim(&l, j, tj); dim(&l, k, tk); run(pool, &l, flags);
}

void pthreadpool_parallelize_3d_tile_2d_with_uarch(pthreadpool_t pool, pthreadpool_task_3d_tile_2d_with_id_t f, void* c,
    uint32_t default_uarch, uint32_t max_uarch, size_t i, size_t j, size_t k, size_t tj, size_t tk, uint32_t flags) {
  (void) max_uarch;
  LOOP(TASK_3D_TILE_2D_WITH_UARCH, f, c); l.uarch = default_uarch; dim(&l, i, 1); dim(&l, j, tj); dim(&l, k, tk); run(pool, &l, flags);
}

void pthreadpool_parallelize_4d(pthreadpool_t pool, pthreadpool_task_4d_t f, void* c, size_t i, size_t j, size_t k, size_t m, uint32_t flags) {
  LOOP(TASK_4D, f, c); dim(&l, i, 1); dim(&l, j, 1); dim(&l, k, 1); dim(&l, m, 1); run(pool, &l, flags);
}

void pthreadpool_parallelize_4d_tile_1d(pthreadpool_t pool, pthreadpool_task_4d_tile_1d_t f, void* c,
    size_t i, size_t j, size_t k, size_t m, size_t tm, uint32_t flags) {
  LOOP(TASK_4D_TILE_1D, f, c); dim(&l, i, 1); dim(&l, j, 1); dim(&l, k, 1); dim(&l, m, tm); run(pool, &l, flags);
}

void pthreadpool_parallelize_4d_tile_2d(pthreadpool_t pool, pthreadpool_task_4d_tile_2d_t f, void* c,
    size_t i, size_t j, size_t k, size_t m, size_t tk, size_t tm, uint32_t flags) {
  LOOP(TASK_4D_TILE_2D, f, c); dim(&l, i, 1); dim(&l, j, 1); dim(&l, k, tk); dim(&l, m, tm); run(pool, &l, flags);
}

void pthreadpool_parallelize_4d_tile_2d_with_uarch(pthreadpool_t pool, pthreadpool_task_4d_tile_2d_with_id_t f, void* c,
    uint32_t default_uarch, uint32_t max_uarch, size_t i, size_t j, size_t k, size_t m, size_t tk, size_t tm, uint32_t flags) {
  (void) max_uarch;
  LOOP(TASK_4D_TILE_2D_WITH_UARCH, f, c); l.uarch = default_uarch;
  dim(&l, i, 1); dim(&l, j, 1); dim(&l, k, tk); dim(&l, m, tm); run(pool, &l, flags);
}

void pthreadpool_parallelize_5d(pthreadpool_t pool, pthreadpool_task_5d_t f, void* c,
    size_t i, size_t j, size_t k, size_t m, size_t n, uint32_t flags) {
  LOOP(TASK_5D, f, c); dim(&l, i, 1); dim(&l, j, 1); dim(&l, k, 1); dim(&l, m, 1); dim(&l, n, 1); run(pool, &l, flags);
}

void pthreadpool_parallelize_5d_tile_1d(pthreadpool_t pool, pthreadpool_task_5d_tile_1d_t f, void* c,
    size_t i, size_t j, size_t k, size_t m, size_t n, size_t tn, uint32_t flags) {
  LOOP(TASK_5D_TILE_1D, f, c); dim(&l, i, 1); dim(&l, j, 1); dim(&l, k, 1); dim(&l, m, 1); dim(&l, n, tn); run(pool, &l, flags);
}

void pthreadpool_parallelize_5d_tile_2d(pthreadpool_t pool, pthreadpool_task_5d_tile_2d_t f, void* c,
    size_t i, size_t j, size_t k, size_t m, size_t n, size_t tm, size_t tn, uint32_t flags) {
  LOOP(TASK_5D_TILE_2D, f, c); dim(&l, i, 1); dim(&l, j, 1); dim(&l, k, 1); dim(&l, m, tm); dim(&l, n, tn); run(pool, &l, flags);
}

void pthreadpool_parallelize_6d(pthreadpool_t pool, pthreadpool_task_6d_t f, void* c,
    size_t i, size_t j, size_t k, size_t m, size_t n, size_t o, uint32_t flags) {
  LOOP(TASK_6D, f, c); dim(&l, i, 1); dim(&l, j, 1); dim(&l, k, 1); dim(&l, m, 1); dim(&l, n, 1); dim(&l, o, 1); run(pool, &l, flags);
}

void pthreadpool_parallelize_6d_tile_1d(pthreadpool_t pool, pthreadpool_task_6d_tile_1d_t f, void* c,
    size_t i, size_t j, size_t k, size_t m, size_t n, size_t o, size_t to, uint32_t flags) {
  LOOP(TASK_6D_TILE_1D, f, c); dim(&l, i, 1); dim(&l, j, 1); dim(&l, k, 1); dim(&l, m, 1); dim(&l, n, 1); dim(&l, o, to);
  run(pool, &l, flags);
}

void pthreadpool_parallelize_6d_tile_2d(pthreadpool_t pool, pthreadpool_task_6d_tile_2d_t f, void* c,
    size_t i, size_t j, size_t k, size_t m, size_t n, size_t o, size_t tn, size_t to, uint32_t flags) {
  LOOP(TASK_6D_TILE_2D, f, c); dim(&l, i, 1); dim(&l, j, 1); dim(&l, k, 1); dim(&l, m, 1); dim(&l, n, tn); dim(&l, o, to);
  run(pool, &l, flags);
}
