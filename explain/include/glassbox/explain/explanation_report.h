#pragma once
// One entry point for "explain these inputs with this method and write the files", shared
// by `glassbox explain`, the experiment pipeline's explain step and the web server.
//
// Files written to the output folder, per explained row (sample s, class c, method m):
//   s<s>_c<c>_<m>.npy        relevance, same shape as the input sample
//   s<s>_c<c>_<m>.png        heatmap (diverging colormap centred on zero)
//   s<s>_c<c>_<m>_overlay.png  the heatmap over the input (when asked)
//   s<s>_input.png           the input
//   explanations.json        per row: explained class, logit, relevance sums per layer,
//                            conservation error, files; plus method and parameters
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "glassbox/explain/attribution_method.h"
#include "glassbox/explain/attributions.h"
#include "glassbox/explain/heatmap.h"
#include "glassbox/explain/lrp.h"

namespace glassbox {
class MyDeepLearning;
}

namespace glassbox::explain {

// Runs the request on a batch through its method (make_method); `keep_layers` keeps the
// per-layer relevance of methods that have it.
Explanation explain_batch(const MyDeepLearning& model, const ExplainRequest& request, const Tensor& x,
                          bool keep_layers = false);
Explanation explain_batch(ExplainedNetwork& net, const ExplainRequest& request, const Tensor& x,
                          bool keep_layers = false);

// The row's summary: the method's (AttributionMethod::row_summary), its parameters and the
// class names.
nlohmann::json row_summary(const Explanation& e, std::size_t row,
                           const std::vector<std::string>& class_names = {});

struct ReportOptions {
  HeatmapOptions heatmap;
  bool write_npy = true;
  bool write_overlay = true;
  bool write_inputs = true;
  std::vector<std::string> class_names;   // for the summary
  std::vector<long> sample_ids;           // dataset index per input sample (default 0..n-1)
  std::vector<int> labels;                // true label per input sample (optional)
};

// Writes the files above into `dir` (created) and returns the explanations.json content:
// write_report_rows(dir, x, report_rows(e, options.class_names), ...).
nlohmann::json write_explanations(const std::string& dir, const Tensor& x, const Explanation& e,
                                  const ExplainRequest& request, const ReportOptions& options = {});

// An explanation as its report needs it, whatever the method: per row the sample it
// explains (an index into the batch), the explained class, the relevance and the row's
// entry of explanations.json without its files (row_summary). Plain numbers and JSON, so
// replicas that explained parts of a batch can send them (sharded_explanation.h).
struct ReportRows {
  std::string method;
  std::vector<std::size_t> sample;
  std::vector<int> target;
  std::vector<float> relevance;  // rows x the input sample's size
  nlohmann::json summaries = nlohmann::json::array();
  std::size_t rows() const { return sample.size(); }
};
ReportRows report_rows(const Explanation& e, const std::vector<std::string>& class_names = {});
// The files above for rows of the batch x; Error when the rows do not match x.
nlohmann::json write_report_rows(const std::string& dir, const Tensor& x, const ReportRows& rows,
                                 const ExplainRequest& request, const ReportOptions& options = {});

}  // namespace glassbox::explain
