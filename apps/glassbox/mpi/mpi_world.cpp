// The MPI world as a ReplicaGroup (OpenMPI 4.1 as Debian ships it).
#include <mpi.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <string>
#include <memory>

#include "glassbox/error.h"
#include "mpi_world.h"

namespace glassbox::app {

namespace {

// Set by mpirun (OpenMPI), by a PMIx launcher, or by MPICH's hydra.
bool launched_by_mpi() {
  for (const char* v : {"OMPI_COMM_WORLD_SIZE", "PMIX_RANK", "PMI_RANK"})
    if (std::getenv(v)) return true;
  return false;
}

void check(int rc, const char* what) {
  if (rc == MPI_SUCCESS) return;
  char text[MPI_MAX_ERROR_STRING];
  int len = 0;
  MPI_Error_string(rc, text, &len);
  throw Error(std::string("MPI: ") + what + " failed: " + std::string(text, static_cast<std::size_t>(len)));
}

class MpiWorld final : public ReplicaGroup {
 public:
  MpiWorld() {
    int provided = 0;
    // Only the main thread talks to MPI; the compute pool's threads never do.
    check(MPI_Init_thread(nullptr, nullptr, MPI_THREAD_FUNNELED, &provided), "MPI_Init_thread");
    MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank_);
    MPI_Comm_size(MPI_COMM_WORLD, &size_);
  }
  ~MpiWorld() override {
    report_stats();
    int finalized = 0;
    MPI_Finalized(&finalized);
    if (!finalized) MPI_Finalize();
  }
  int rank() const override { return rank_; }
  int size() const override { return size_; }
  void sum(float* data, std::size_t count) override { reduce(data, count, MPI_FLOAT); }
  void sum(double* data, std::size_t count) override { reduce(data, count, MPI_DOUBLE); }
  bool same_everywhere(std::uint64_t value) override {
    unsigned long long v[2] = {value, ~value}, r[2] = {0, 0};
    // max(v) == min(v) for every replica; the min rides as the max of the complement.
    check(MPI_Allreduce(v, r, 2, MPI_UNSIGNED_LONG_LONG, MPI_MAX, MPI_COMM_WORLD), "MPI_Allreduce");
    return r[0] == value && ~r[1] == value;
  }
  std::vector<std::string> all_gather(const std::string& text) override {
    int len = static_cast<int>(text.size());
    std::vector<int> lens(static_cast<std::size_t>(size_)), offsets(static_cast<std::size_t>(size_));
    check(MPI_Allgather(&len, 1, MPI_INT, lens.data(), 1, MPI_INT, MPI_COMM_WORLD), "MPI_Allgather");
    int total = 0;
    for (int i = 0; i < size_; ++i) offsets[i] = total, total += lens[i];
    std::string all(static_cast<std::size_t>(total), '\0');
    check(MPI_Allgatherv(text.data(), len, MPI_CHAR, all.data(), lens.data(), offsets.data(), MPI_CHAR,
                         MPI_COMM_WORLD),
          "MPI_Allgatherv");
    std::vector<std::string> out;
    for (int i = 0; i < size_; ++i) out.push_back(all.substr(offsets[i], lens[i]));
    return out;
  }
  std::vector<std::vector<float>> gather(const float* data, std::size_t count) override {
    if (count > static_cast<std::size_t>(std::numeric_limits<int>::max()))
      throw Error("MPI: gather of " + std::to_string(count) + " floats: more than an MPI count holds");
    int len = static_cast<int>(count);
    std::vector<int> lens(static_cast<std::size_t>(size_)), offsets(static_cast<std::size_t>(size_));
    check(MPI_Gather(&len, 1, MPI_INT, lens.data(), 1, MPI_INT, 0, MPI_COMM_WORLD), "MPI_Gather");
    long long total = 0;
    for (int i = 0; i < size_; ++i) offsets[i] = static_cast<int>(total), total += lens[i];
    // Every replica learns whether the total fits, so all refuse together, not one.
    int fits = total <= std::numeric_limits<int>::max() ? 1 : 0;
    check(MPI_Bcast(&fits, 1, MPI_INT, 0, MPI_COMM_WORLD), "MPI_Bcast");
    if (!fits) throw Error("MPI: gather of " + std::to_string(total) + " floats: more than an MPI count holds");
    std::vector<float> all(rank_ == 0 ? static_cast<std::size_t>(total) : 0);
    check(MPI_Gatherv(data, len, MPI_FLOAT, all.data(), lens.data(), offsets.data(), MPI_FLOAT, 0, MPI_COMM_WORLD),
          "MPI_Gatherv");
    std::vector<std::vector<float>> out;
    if (rank_ != 0) return out;
    for (int i = 0; i < size_; ++i)
      out.emplace_back(all.begin() + offsets[i], all.begin() + offsets[i] + lens[i]);
    return out;
  }

 private:
  // MPI counts are int: a large buffer goes in chunks.
  void reduce(void* data, std::size_t count, MPI_Datatype type) {
    int bytes = 0;
    MPI_Type_size(type, &bytes);
    constexpr std::size_t kChunk = 1u << 28;
    auto* p = static_cast<char*>(data);
    const double t0 = MPI_Wtime();
    for (std::size_t done = 0; done < count; done += kChunk) {
      const int n = static_cast<int>(std::min(kChunk, count - done));
      check(MPI_Allreduce(MPI_IN_PLACE, p + done * bytes, n, type, MPI_SUM, MPI_COMM_WORLD), "MPI_Allreduce");
    }
    sum_seconds_ += MPI_Wtime() - t0;
    sum_calls_ += 1;
    sum_bytes_ += static_cast<double>(count) * bytes;
  }
  // GLASSBOX_MPI_STATS=1: each rank prints the time its sums took (the allreduce per step
  // of a data-parallel fit, bench/mpi_scaling.sh).
  void report_stats() const {
    const char* v = std::getenv("GLASSBOX_MPI_STATS");
    if (!v || std::string(v) != "1" || sum_calls_ == 0) return;
    std::fprintf(stderr, "glassbox mpi: rank %d of %d: %.0f sums, %.3f s, %.3f ms and %.0f bytes per sum\n", rank_,
                 size_, sum_calls_, sum_seconds_, 1e3 * sum_seconds_ / sum_calls_, sum_bytes_ / sum_calls_);
  }
  int rank_ = 0, size_ = 1;
  double sum_seconds_ = 0, sum_calls_ = 0, sum_bytes_ = 0;
};

std::unique_ptr<MpiWorld>& world_slot() {
  static std::unique_ptr<MpiWorld> world;
  return world;
}

}  // namespace

bool mpi_built() { return true; }

ReplicaGroup* mpi_world() {
  auto& w = world_slot();
  if (!w && launched_by_mpi()) w = std::make_unique<MpiWorld>();
  return w.get();
}

void abort_world(int code) {
  int initialized = 0, finalized = 0;
  MPI_Initialized(&initialized);
  MPI_Finalized(&finalized);
  if (initialized && !finalized) MPI_Abort(MPI_COMM_WORLD, code);
  std::exit(code);
}

}  // namespace glassbox::app
