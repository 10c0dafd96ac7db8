#pragma once
// Explanations of a batch split over replicas (replica_group.h): every replica explains
// its contiguous shard of the samples (shard_of), and replica 0 joins the shards' rows in
// rank order, which is the order of the whole batch, and writes the report.
#include <string>
#include <vector>

#include "glassbox/explain/explanation_report.h"
#include "glassbox/replica_group.h"

namespace glassbox::explain {

// The rows of `parts` in order; part i explained the batch's samples from first_sample[i]
// on, so its sample indices (and its summaries' "sample") are shifted by it. Error when
// the parts' methods differ.
ReportRows join_report_rows(const std::vector<ReportRows>& parts, const std::vector<std::size_t>& first_sample);

// Every replica calls it alike, with the same model, request and batch x. Without a
// sharded group: report_rows of the whole batch. Sharded: the relevance goes to replica 0
// (ReplicaGroup::gather), the rest of the rows (samples, classes, summaries: JSON) with
// all_gather; replica 0 returns the whole batch's rows, equal to one process's up to the
// float rounding of the batched passes, the others an empty ReportRows. A smoothgrad
// request draws its noise per pass of rows of the shard: other draws than one process's.
ReportRows explain_sharded(const MyDeepLearning& model, const ExplainRequest& request, const Tensor& x,
                           const std::vector<std::string>& class_names, ReplicaGroup* replicas);

}  // namespace glassbox::explain
