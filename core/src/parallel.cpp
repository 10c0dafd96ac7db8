// The compute pool of parallel.h: persistent workers that spin briefly between regions
// (a training step enters a region every few tens of microseconds), yield, and then sleep
// on a condition variable, so an idle process uses no CPU and a busy machine is not
// fought over.
#include "glassbox/parallel.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#endif

extern "C" void openblas_set_num_threads(int);

namespace glassbox {
namespace {

inline void cpu_relax() {
#if defined(__x86_64__) || defined(__i386__)
  _mm_pause();
#endif
}

// A thread count from the environment, 0 when unset; a malformed value is reported once
// on stderr and ignored.
int env_threads(const char* name) {
  const char* v = std::getenv(name);
  if (!v || !*v) return 0;
  char* end = nullptr;
  const long n = std::strtol(v, &end, 10);
  if (*end != '\0' || n < 1) {
    std::fprintf(stderr, "glassbox: warning: ignoring %s='%s': expected a whole number >= 1\n", name, v);
    return 0;
  }
  return static_cast<int>(std::min<long>(n, kMaxComputeThreads));
}

int default_threads() {
  if (int n = env_threads("GLASSBOX_NUM_THREADS")) return n;
  if (int n = env_threads("OPENBLAS_NUM_THREADS")) return n;
  const unsigned hw = std::thread::hardware_concurrency();
  return static_cast<int>(std::clamp<unsigned>(hw, 1, kMaxComputeThreads));
}

thread_local bool tl_in_region = false;

// A region's chunks are claimed, not assigned: the caller and every awake worker take the
// next unclaimed chunk until none is left. On a quiet machine each thread takes about one
// chunk; when a worker is not running (another process holds its core), the caller runs
// that worker's chunks itself instead of waiting for it, so a contended machine degrades
// toward serial speed rather than to the scheduler's time slice. Results do not depend on
// which thread ran a chunk (chunks write disjoint outputs and reductions are summed in
// chunk order), so determinism is unchanged. Every wait spins briefly, then yields the
// core, then blocks: spinning pays off only while the awaited thread is running.
class Pool {
 public:
  explicit Pool(int threads) { start_workers(threads); }
  ~Pool() { stop_workers(); }

  int threads() const { return static_cast<int>(workers_.size()) + 1; }

  // Waits for the region in progress, if any.
  void resize(int threads) {
    std::lock_guard<std::mutex> busy(busy_);
    stop_workers();
    start_workers(threads);
  }

  void run(std::size_t chunks, detail::ChunkFn fn, void* context) {
    std::unique_lock<std::mutex> busy(busy_, std::try_to_lock);
    if (!busy.owns_lock() || tl_in_region || chunks > static_cast<std::size_t>(threads())) {
      for (std::size_t i = 0; i < chunks; ++i) fn(context, i);  // the pool is taken
      return;
    }
    fn_ = fn;
    context_ = context;
    chunks_ = chunks;
    errors_.assign(chunks, nullptr);
    done_.store(0, std::memory_order_relaxed);
    const std::uint64_t gen = ++generation_;
    state_.store(pack(gen, chunks, 0), std::memory_order_release);
    {
      std::lock_guard<std::mutex> lock(sleep_mutex_);
      if (sleepers_ > 0) wake_.notify_all();
    }
    tl_in_region = true;
    for (std::size_t i; (i = claim(gen)) != kNone;) run_chunk(i);
    tl_in_region = false;
    wait_until([&] { return done_.load(std::memory_order_seq_cst) == chunks; }, done_mutex_, done_cv_,
               caller_waiting_);
    for (auto& e : errors_)
      if (e) std::rethrow_exception(e);
  }

 private:
  static constexpr std::size_t kNone = ~std::size_t{0};
  // state_: generation (48 bits) | chunk count (8 bits) | next unclaimed chunk (8 bits).
  static std::uint64_t pack(std::uint64_t gen, std::size_t chunks, std::size_t next) {
    return gen << 16 | std::uint64_t(chunks) << 8 | next;
  }
  static std::uint64_t gen_of(std::uint64_t s) { return s >> 16; }

  // The next chunk of region `gen`, or kNone when it has none left (or has ended).
  std::size_t claim(std::uint64_t gen) {
    std::uint64_t s = state_.load(std::memory_order_acquire);
    for (;;) {
      const std::size_t chunks = (s >> 8) & 0xff, next = s & 0xff;
      if (gen_of(s) != gen || next >= chunks) return kNone;
      if (state_.compare_exchange_weak(s, s + 1, std::memory_order_acq_rel, std::memory_order_acquire)) return next;
    }
  }

  // Runs a claimed chunk; the region's fields stay valid until done_ counts it.
  void run_chunk(std::size_t i) {
    try {
      fn_(context_, i);
    } catch (...) {
      errors_[i] = std::current_exception();
    }
    const std::size_t chunks = chunks_;  // read before done_ may let the caller start another region
    if (done_.fetch_add(1, std::memory_order_seq_cst) + 1 == chunks && caller_waiting_.load(std::memory_order_seq_cst)) {
      std::lock_guard<std::mutex> lock(done_mutex_);
      done_cv_.notify_one();
    }
  }

  // Spin (the awaited thread is likely running and about to finish), then yield (it may
  // be waiting for this core). True when `ready` came true; false when the caller should
  // block on its condition variable.
  template <class Ready>
  static bool spin_then_yield(Ready ready) {
    for (int i = 0; i < kSpinChecks; ++i) {
      if (ready()) return true;
      cpu_relax();
    }
    const auto until = std::chrono::steady_clock::now() + kYieldFor;
    while (std::chrono::steady_clock::now() < until) {
      if (ready()) return true;
      std::this_thread::yield();
    }
    return false;
  }

  // The caller waiting for the region's chunks: spin, yield, then sleep on `cv` with
  // `flag` set so the last worker knows to notify. The worker makes `ready` true before it
  // reads `flag` and this side sets `flag` before it reads `ready`, all four accesses
  // sequentially consistent, so a wake-up is never lost.
  template <class Ready>
  static void wait_until(Ready ready, std::mutex& m, std::condition_variable& cv, std::atomic<bool>& flag) {
    if (spin_then_yield(ready)) return;
    std::unique_lock<std::mutex> lock(m);
    flag.store(true, std::memory_order_seq_cst);
    cv.wait(lock, ready);
    flag.store(false);
  }

  // Workers start having seen the current generation, so they wait for the next region.
  void start_workers(int threads) {
    stop_ = false;
    const std::uint64_t now = generation_;
    for (int i = 1; i < threads; ++i) workers_.emplace_back([this, now] { work(now); });
  }

  void work(std::uint64_t seen) {
    tl_in_region = true;
    for (;;) {
      std::uint64_t gen = seen;
      auto fresh = [&] {
        gen = gen_of(state_.load(std::memory_order_acquire));
        return gen != seen || stop_.load();
      };
      if (!fresh()) wait_for_region(fresh);
      if (stop_.load()) return;
      seen = gen;
      for (std::size_t i; (i = claim(gen)) != kNone;) run_chunk(i);
    }
  }

  // A worker between regions: spin, yield, then sleep until the caller bumps the state.
  // The caller's store of the state happens before it locks sleep_mutex_ to read
  // sleepers_, so a worker that counted itself asleep is always notified.
  template <class Fresh>
  void wait_for_region(Fresh fresh) {
    if (spin_then_yield(fresh)) return;
    std::unique_lock<std::mutex> lock(sleep_mutex_);
    ++sleepers_;
    wake_.wait(lock, fresh);
    --sleepers_;
  }

  void stop_workers() {
    {
      std::lock_guard<std::mutex> lock(sleep_mutex_);
      stop_ = true;
      wake_.notify_all();
    }
    for (auto& t : workers_) t.join();
    workers_.clear();
  }

  // About 20-40 microseconds of pause instructions, then up to 200 microseconds of
  // yielding: a training step enters a region every few tens of microseconds.
  static constexpr int kSpinChecks = 1000;
  static constexpr std::chrono::microseconds kYieldFor{200};

  std::vector<std::thread> workers_;
  std::mutex busy_;  // one region at a time
  // The current region, written by the caller before it publishes state_ and read by a
  // thread only after it claimed a chunk; not touched again until done_ counts every chunk.
  detail::ChunkFn fn_ = nullptr;
  void* context_ = nullptr;
  std::size_t chunks_ = 0;
  std::vector<std::exception_ptr> errors_;
  std::uint64_t generation_ = 0;  // under busy_
  std::atomic<std::uint64_t> state_{0};
  std::atomic<std::size_t> done_{0};
  std::atomic<bool> stop_{false};
  std::mutex sleep_mutex_;  // workers between regions
  std::condition_variable wake_;
  int sleepers_ = 0;
  std::mutex done_mutex_;  // the caller waiting for the last chunks
  std::condition_variable done_cv_;
  std::atomic<bool> caller_waiting_{false};
};

// g_setup_mutex guards the first use and changes; the hot paths (compute_threads() and
// pool() inside regions) read the atomics without it, so no lock is ever taken while a
// region holds a pool's busy_ lock, and busy_ is never taken under g_setup_mutex.
std::mutex g_setup_mutex;
std::atomic<Pool*> g_pool{nullptr};  // created on first use, never destroyed (workers may outlive statics)
std::atomic<int> g_threads{0};

// The first use fixes the thread count and puts OpenBLAS on one thread.
int threads() {
  const int t = g_threads.load(std::memory_order_acquire);
  if (t != 0) return t;
  std::lock_guard<std::mutex> lock(g_setup_mutex);
  if (g_threads.load() == 0) {
    openblas_set_num_threads(1);
    g_threads.store(default_threads(), std::memory_order_release);
  }
  return g_threads.load();
}

Pool& pool() {
  Pool* p = g_pool.load(std::memory_order_acquire);
  if (p) return *p;
  const int n = threads();
  std::lock_guard<std::mutex> lock(g_setup_mutex);
  if (!g_pool.load()) g_pool.store(new Pool(n), std::memory_order_release);
  return *g_pool.load();
}

}  // namespace

int compute_threads() { return threads(); }

void set_compute_threads(int n) {
  n = std::clamp(n, 1, kMaxComputeThreads);
  Pool* p = nullptr;
  {
    std::lock_guard<std::mutex> lock(g_setup_mutex);
    openblas_set_num_threads(1);
    g_threads.store(n, std::memory_order_release);
    p = g_pool.load();
  }
  if (p && p->threads() != n) p->resize(n);
}

std::size_t parallel_chunks(std::size_t n, std::size_t grain) {
  if (n == 0) return 0;
  const std::size_t by_size = n / std::max<std::size_t>(grain, 1);
  return std::clamp<std::size_t>(by_size, 1, static_cast<std::size_t>(compute_threads()));
}

namespace detail {
void run_chunks(std::size_t chunks, ChunkFn fn, void* context) { pool().run(chunks, fn, context); }
}  // namespace detail

}  // namespace glassbox
