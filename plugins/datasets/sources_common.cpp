#include "glassbox/error.h"
#include "glassbox/sample_split.h"
#include "sources.h"

namespace glassbox::plugins {

std::vector<std::string> numbered_class_names(std::size_t n) {
  std::vector<std::string> out;
  for (std::size_t i = 0; i < n; ++i) out.push_back(std::to_string(i));
  return out;
}

std::vector<std::string> class_names_option(const nlohmann::json& options, int max_label) {
  if (!options.is_object() || !options.contains("class_names") || options["class_names"].is_null())
    return numbered_class_names(static_cast<std::size_t>(max_label + 1));
  const auto& names = options["class_names"];
  if (!names.is_array() || names.empty())
    throw ConfigError("option 'class_names' must be a non-empty list of strings, got " + names.dump());
  std::vector<std::string> out;
  for (const auto& n : names) {
    if (!n.is_string()) throw ConfigError("option 'class_names' must hold strings, got " + n.dump());
    out.push_back(n.get<std::string>());
  }
  return out;
}

DatasetSplits holdout_split(const LabeledData& all, double fraction, std::uint64_t seed) {
  if (!(fraction > 0.0 && fraction < 1.0))
    throw ConfigError("option 'test_split' must be between 0 and 1 (exclusive), got " + std::to_string(fraction));
  IndexSplit s = stratified_split(all.labels(), fraction, seed);
  return {all.select(s.kept), all.select(s.held)};
}

Shape image_sample_shape(const std::vector<std::size_t>& dims) {
  if (dims.size() == 2) return {1, dims[0], dims[1]};
  return Shape(dims.begin(), dims.end());
}

}  // namespace glassbox::plugins
