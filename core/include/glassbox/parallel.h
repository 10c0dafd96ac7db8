#pragma once
// glassbox's own compute threads. Layers split a batch's work into contiguous chunks
// (samples, rows, columns) and run them on a small pool: the calling thread and one
// persistent worker per extra thread claim chunks until none is left, so a worker that is
// not running (a busy machine) never holds the region up; waiting threads spin briefly,
// yield, then sleep. A chunk's index, not its thread, is what a chunk may depend on.
// OpenBLAS is kept at one thread
// so that two pools never compete for the same cores (two spinning pools on 2 cores slow
// each other down); the products inside a chunk are single-threaded calls.
//
// Determinism: chunk boundaries depend only on the work size and the thread count, and
// every reduction over chunks is summed in chunk order, so the same thread count gives
// bit-identical results. Different thread counts may differ in the last bits.
//
// The thread count is, in order: set_compute_threads(), GLASSBOX_NUM_THREADS,
// OPENBLAS_NUM_THREADS, then the number of cores (at most kMaxComputeThreads).
// A parallel region entered while another one runs (another thread using the pool, or a
// chunk that itself calls parallel_for) runs serially in the caller.
#include <cstddef>
#include <utility>

namespace glassbox {

inline constexpr int kMaxComputeThreads = 64;

int compute_threads();
// n >= 1. Also sets OpenBLAS to one thread. Not to be called from inside a region.
void set_compute_threads(int n);

// How many chunks parallel_for makes of n items when no chunk may be smaller than
// `grain` items (grain >= 1): min(compute_threads(), n / grain), at least 1 when n > 0.
std::size_t parallel_chunks(std::size_t n, std::size_t grain);

// The items [begin, end) of chunk `chunk` out of `chunks` even chunks of [0, n).
inline std::pair<std::size_t, std::size_t> chunk_range(std::size_t n, std::size_t chunks,
                                                       std::size_t chunk) {
  return {n * chunk / chunks, n * (chunk + 1) / chunks};
}

namespace detail {
using ChunkFn = void (*)(void* context, std::size_t chunk);
// Runs fn(context, i) once for each i in [0, chunks), on any of the pool's threads;
// returns when all are done and rethrows the first exception a chunk threw.
void run_chunks(std::size_t chunks, ChunkFn fn, void* context);
}  // namespace detail

// Calls f(chunk, begin, end) for each of parallel_chunks(n, grain) chunks of [0, n).
template <class F>
void parallel_for(std::size_t n, std::size_t grain, F&& f) {
  const std::size_t chunks = parallel_chunks(n, grain);
  if (chunks <= 1) {
    if (n > 0) f(std::size_t{0}, std::size_t{0}, n);
    return;
  }
  struct Context {
    F* f;
    std::size_t n, chunks;
  } context{&f, n, chunks};
  detail::run_chunks(
      chunks,
      [](void* c, std::size_t i) {
        auto* ctx = static_cast<Context*>(c);
        const auto range = chunk_range(ctx->n, ctx->chunks, i);
        (*ctx->f)(i, range.first, range.second);
      },
      &context);
}

}  // namespace glassbox
