// The compute pool of parallel.h: persistent workers that spin briefly between regions
// (a training step enters a region every few tens of microseconds) and then sleep on a
// condition variable, so an idle process uses no CPU.
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

  // Runs the region's chunks: chunk i on thread i, the caller being thread 0.
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
    {
      std::lock_guard<std::mutex> lock(sleep_mutex_);
      generation_.fetch_add(1, std::memory_order_release);
      if (sleepers_ > 0) wake_.notify_all();
    }
    tl_in_region = true;
    try {
      fn(context, 0);
    } catch (...) {
      errors_[0] = std::current_exception();
    }
    tl_in_region = false;
    const std::size_t workers = workers_.size();
    while (done_.load(std::memory_order_acquire) < workers) cpu_relax();
    for (auto& e : errors_)
      if (e) std::rethrow_exception(e);
  }

 private:
  // Workers start having seen the current generation, so they wait for the next region.
  void start_workers(int threads) {
    stop_ = false;
    done_ = 0;
    const std::uint64_t now = generation_.load();
    for (int i = 1; i < threads; ++i)
      workers_.emplace_back([this, i, now] { work(static_cast<std::size_t>(i), now); });
  }

  void work(std::size_t index, std::uint64_t seen) {
    tl_in_region = true;
    for (;;) {
      std::uint64_t g = generation_.load(std::memory_order_acquire);
      const auto spin_start = std::chrono::steady_clock::now();
      for (unsigned spins = 0; g == seen; ++spins) {
        if (stop_.load(std::memory_order_relaxed)) return;
        cpu_relax();
        if ((spins & 255) == 255 && std::chrono::steady_clock::now() - spin_start > kSpin) {
          std::unique_lock<std::mutex> lock(sleep_mutex_);
          ++sleepers_;
          wake_.wait(lock, [&] {
            return generation_.load(std::memory_order_acquire) != seen || stop_.load();
          });
          --sleepers_;
          if (stop_.load()) return;
        }
        g = generation_.load(std::memory_order_acquire);
      }
      seen = g;
      if (index < chunks_) {
        try {
          fn_(context_, index);
        } catch (...) {
          errors_[index] = std::current_exception();
        }
      }
      done_.fetch_add(1, std::memory_order_release);
    }
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

  static constexpr std::chrono::microseconds kSpin{300};

  std::vector<std::thread> workers_;
  std::mutex busy_;  // one region at a time
  // The current region, written by the caller before it bumps generation_ and read by
  // the workers after they see the new generation; not touched again until every worker
  // has counted itself in done_.
  detail::ChunkFn fn_ = nullptr;
  void* context_ = nullptr;
  std::size_t chunks_ = 0;
  std::vector<std::exception_ptr> errors_;
  std::atomic<std::uint64_t> generation_{0};
  std::atomic<std::size_t> done_{0};
  std::atomic<bool> stop_{false};
  std::mutex sleep_mutex_;
  std::condition_variable wake_;
  int sleepers_ = 0;
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
