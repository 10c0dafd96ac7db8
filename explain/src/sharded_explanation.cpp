#include "glassbox/explain/sharded_explanation.h"

#include <numeric>

#include "glassbox/error.h"
#include "glassbox/model.h"

namespace glassbox::explain {

using nlohmann::json;

ReportRows join_report_rows(const std::vector<ReportRows>& parts, const std::vector<std::size_t>& first_sample) {
  if (parts.size() != first_sample.size()) throw Error("explanations: a first sample per part expected");
  ReportRows all;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    const ReportRows& p = parts[i];
    if (p.rows() == 0) continue;
    if (!all.method.empty() && p.method != all.method)
      throw Error("explanations: parts of methods '" + all.method + "' and '" + p.method + "' cannot be joined");
    all.method = p.method;
    for (std::size_t s : p.sample) all.sample.push_back(s + first_sample[i]);
    all.target.insert(all.target.end(), p.target.begin(), p.target.end());
    all.relevance.insert(all.relevance.end(), p.relevance.begin(), p.relevance.end());
    for (json j : p.summaries) {
      if (j.contains("sample") && j["sample"].is_number_unsigned()) j["sample"] = j["sample"].get<std::size_t>() + first_sample[i];
      all.summaries.push_back(std::move(j));
    }
  }
  if (all.method.empty() && !parts.empty()) all.method = parts.front().method;
  return all;
}

namespace {

// This replica's rows: its shard of x explained (none for an empty shard).
ReportRows explain_shard(const MyDeepLearning& model, const ExplainRequest& request, const Tensor& x, const Shard& s,
                         const std::vector<std::string>& class_names) {
  if (s.size() == 0) {
    ReportRows none;
    none.method = request.method;
    return none;
  }
  std::vector<std::size_t> idx(s.size());
  std::iota(idx.begin(), idx.end(), s.begin);
  return report_rows(explain_batch(model, request, gather_rows(x, idx), false), class_names);
}

}  // namespace

ReportRows explain_sharded(const MyDeepLearning& model, const ExplainRequest& request, const Tensor& x,
                           const std::vector<std::string>& class_names, ReplicaGroup* replicas) {
  const std::size_t n = x.shape(0);
  ReportRows mine = explain_shard(model, request, x, shard_for(n, replicas), class_names);
  if (!sharded(replicas)) return mine;
  const json head{{"method", mine.method}, {"sample", mine.sample}, {"target", mine.target}, {"summaries", mine.summaries}};
  const std::vector<std::string> heads = replicas->all_gather(head.dump());
  std::vector<std::vector<float>> relevance = replicas->gather(mine.relevance.data(), mine.relevance.size());
  if (replicas->rank() != 0) return ReportRows{};
  std::vector<ReportRows> parts(heads.size());
  std::vector<std::size_t> first(heads.size());
  for (std::size_t r = 0; r < heads.size(); ++r) {
    const json h = json::parse(heads[r]);
    parts[r].method = h["method"].get<std::string>();
    parts[r].sample = h["sample"].get<std::vector<std::size_t>>();
    parts[r].target = h["target"].get<std::vector<int>>();
    parts[r].summaries = h["summaries"];
    parts[r].relevance = std::move(relevance[r]);
    first[r] = shard_of(n, static_cast<int>(r), replicas->size()).begin;
  }
  return join_report_rows(parts, first);
}

}  // namespace glassbox::explain
