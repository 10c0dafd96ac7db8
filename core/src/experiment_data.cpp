#include "glassbox/experiment_data.h"

#include <algorithm>
#include <cmath>
#include <set>

#include "glassbox/error.h"
#include "glassbox/sample_split.h"

namespace glassbox {

using nlohmann::json;

namespace {

// Keys of the data section that shape the view; every other key is an option of the
// dataset source (and so is everything inside "options").
const std::vector<std::string>& view_keys() {
  static const std::vector<std::string> k = {"dataset", "classes", "unseen_classes", "validation_split",
                                             "seed", "limit", "test_limit", "normalize", "shuffle", "options"};
  return k;
}

// Streams derived from the one data seed, so that the validation split does not change
// when a limit is added and vice versa.
constexpr std::uint64_t kLimitStream = 0x1f83d9abfb41bd6bULL;
constexpr std::uint64_t kValidationStream = 0x5be0cd19137e2179ULL;
constexpr std::uint64_t kTestLimitStream = 0x9b05688c2b3e6c1fULL;

struct View {
  std::vector<int> classes, unseen;
  bool subset = false;
  double validation_split = 0.0;
  std::uint64_t seed = 42;
  std::size_t limit = 0, test_limit = 0;  // 0: no limit
  std::string normalize = "scale";
  bool shuffle = true;
};

std::string class_list(const std::vector<std::string>& names) {
  std::string s;
  const bool numbered = [&] {
    for (std::size_t i = 0; i < names.size(); ++i)
      if (names[i] != std::to_string(i)) return false;
    return true;
  }();
  if (numbered && !names.empty()) return "0.." + std::to_string(names.size() - 1);
  for (std::size_t i = 0; i < names.size(); ++i)
    s += (i ? ", " : "") + std::to_string(i) + " '" + names[i] + "'";
  return s;
}

// A class is given by its number or its name.
std::vector<int> parse_classes(const json& value, const std::vector<std::string>& names,
                               const std::string& where, const std::string& dataset) {
  if (!value.is_array() || value.empty())
    throw ConfigError(where + ": expected a non-empty list of class numbers or names, got " + value.dump());
  std::vector<int> out;
  for (const auto& v : value) {
    int c = -1;
    if (v.is_number_integer()) {
      const long long n = v.get<long long>();
      if (n < 0 || n >= static_cast<long long>(names.size()))
        throw ConfigError(where + ": class " + std::to_string(n) + " does not exist (" + dataset + " has classes " +
                          class_list(names) + ")");
      c = static_cast<int>(n);
    } else if (v.is_string()) {
      auto it = std::find(names.begin(), names.end(), v.get<std::string>());
      if (it == names.end())
        throw ConfigError(where + ": class '" + v.get<std::string>() + "' does not exist (" + dataset +
                          " has classes " + class_list(names) + ")");
      c = static_cast<int>(it - names.begin());
    } else {
      throw ConfigError(where + ": a class is a number or a name, got " + v.dump());
    }
    if (std::find(out.begin(), out.end(), c) != out.end())
      throw ConfigError(where + ": class " + std::to_string(c) + " is listed twice");
    out.push_back(c);
  }
  return out;
}

std::size_t count_option(const json& section, const char* key, const std::string& source) {
  if (!section.contains(key) || section[key].is_null()) return 0;
  const json& v = section[key];
  if (!v.is_number_integer() || v.get<long long>() <= 0)
    throw ConfigError(source + ": data." + key + ": expected a positive number of samples, got " + v.dump());
  return v.get<std::size_t>();
}

View parse_view(const json& section, const std::string& source) {
  View view;
  if (section.contains("validation_split")) {
    const json& v = section["validation_split"];
    if (!v.is_number() || !(v.get<double>() >= 0.0 && v.get<double>() < 1.0))
      throw ConfigError(source + ": data.validation_split: expected a fraction in [0, 1), got " + v.dump());
    view.validation_split = v.get<double>();
  }
  if (section.contains("seed")) {
    const json& v = section["seed"];
    if (!v.is_number_integer() || v.get<long long>() < 0)
      throw ConfigError(source + ": data.seed: expected a non-negative integer, got " + v.dump());
    view.seed = v.get<std::uint64_t>();
  }
  view.limit = count_option(section, "limit", source);
  view.test_limit = count_option(section, "test_limit", source);
  if (section.contains("normalize")) {
    const json& v = section["normalize"];
    if (!v.is_string() || (v != "scale" && v != "standardize" && v != "none"))
      throw ConfigError(source + ": data.normalize: expected \"scale\", \"standardize\" or \"none\", got " + v.dump());
    view.normalize = v.get<std::string>();
  }
  if (section.contains("shuffle")) {
    if (!section["shuffle"].is_boolean())
      throw ConfigError(source + ": data.shuffle: expected true or false, got " + section["shuffle"].dump());
    view.shuffle = section["shuffle"].get<bool>();
  }
  return view;
}


// At most `cap` samples: a seeded random choice, or the first ones without shuffling;
// kept in their original order.
LabeledData cap_samples(const LabeledData& d, std::size_t cap, bool shuffle, std::uint64_t seed) {
  if (cap == 0 || d.size() <= cap) return d;
  std::vector<std::size_t> idx;
  if (shuffle) {
    idx = shuffled_indices(d.size(), seed);
    idx.resize(cap);
    std::sort(idx.begin(), idx.end());
  } else {
    for (std::size_t i = 0; i < cap; ++i) idx.push_back(i);
  }
  return d.select(idx);
}

void standardize(ExperimentData& e) {
  const std::size_t d = e.train.sample_size(), n = e.train.size();
  std::vector<double> sum(d, 0.0), sum_sq(d, 0.0);
  std::vector<float> x(d);
  for (std::size_t i = 0; i < n; ++i) {
    e.train.raw(i, x.data());
    for (std::size_t k = 0; k < d; ++k) sum[k] += x[k], sum_sq[k] += static_cast<double>(x[k]) * x[k];
  }
  std::vector<float> mean(d), inv_std(d);
  for (std::size_t k = 0; k < d; ++k) {
    const double m = sum[k] / static_cast<double>(n);
    const double var = std::max(0.0, sum_sq[k] / static_cast<double>(n) - m * m);
    mean[k] = static_cast<float>(m);
    // A constant feature (e.g. an always-black border pixel) is only centred.
    inv_std[k] = var > 1e-12 ? static_cast<float>(1.0 / std::sqrt(var)) : 1.0f;
  }
  for (LabeledData* part : {&e.train, &e.validation, &e.test, &e.unseen})
    if (part->sample_size() == d) part->set_normalization(mean, inv_std);
}

// "none": undo the byte scaling so samples are the stored values (0..255 for bytes).
void raw_values(ExperimentData& e) {
  for (LabeledData* part : {&e.train, &e.validation, &e.test, &e.unseen}) {
    if (part->size() == 0 || !part->is_uint8() || part->scale() == 1.0f) continue;
    part->set_normalization(std::vector<float>(part->sample_size(), 0.0f),
                            std::vector<float>(part->sample_size(), 1.0f / part->scale()));
  }
}

json split_json(const LabeledData& d) {
  json counts = json::object();
  for (std::size_t i = 0; i < d.size(); ++i) {
    const std::string& name = d.class_names()[static_cast<std::size_t>(d.label(i))];
    counts[name] = counts.value(name, 0) + 1;
  }
  return {{"samples", d.size()}, {"per_class", counts}};
}

}  // namespace

json dataset_options(const json& section, const std::string& source) {
  json opts = json::object();
  for (const auto& [key, value] : section.items())
    if (std::find(view_keys().begin(), view_keys().end(), key) == view_keys().end()) opts[key] = value;
  if (section.contains("options")) {
    if (!section["options"].is_object())
      throw ConfigError(source + ": data.options: expected an object, got " + section["options"].dump());
    for (const auto& [key, value] : section["options"].items()) opts[key] = value;
  }
  return opts;
}

json ExperimentData::describe() const {
  json j;
  j["dataset"] = dataset;
  j["sample_shape"] = train.sample_shape();
  j["classes"] = classes;
  json names = json::array();
  for (int c : classes) names.push_back(source_class_names[static_cast<std::size_t>(c)]);
  j["class_names"] = names;
  j["unseen_classes"] = unseen_classes;
  json unseen_names = json::array();
  for (int c : unseen_classes) unseen_names.push_back(source_class_names[static_cast<std::size_t>(c)]);
  j["unseen_class_names"] = unseen_names;
  j["train"] = split_json(train);
  j["validation"] = split_json(validation);
  j["test"] = split_json(test);
  j["unseen"] = split_json(unseen);
  return j;
}

namespace {

// The dataset's splits as its plugin loads them; its ConfigErrors name the data section.
DatasetSplits load_splits(const std::string& dataset, const json& opts, const Registry& registry,
                          const std::string& source) {
  try {
    return registry.datasets.create(dataset, opts)->load(opts);
  } catch (const ConfigError& err) {
    throw ConfigError(source + ": data: " + err.what());
  }
}

// data.classes (default: all) and data.unseen_classes (default: every other class).
void choose_classes(const json& section, ExperimentData& e, const std::string& source) {
  const std::size_t num_classes = e.source_class_names.size();
  if (section.contains("classes"))
    e.classes = parse_classes(section["classes"], e.source_class_names, source + ": data.classes", e.dataset);
  else
    for (std::size_t c = 0; c < num_classes; ++c) e.classes.push_back(static_cast<int>(c));
  if (section.contains("unseen_classes")) {
    e.unseen_classes =
        parse_classes(section["unseen_classes"], e.source_class_names, source + ": data.unseen_classes", e.dataset);
    for (int c : e.unseen_classes)
      if (std::find(e.classes.begin(), e.classes.end(), c) != e.classes.end())
        throw ConfigError(source + ": data.unseen_classes: class " + std::to_string(c) +
                          " is also in data.classes (unseen classes are the ones the model never sees)");
  } else {
    const std::set<int> used(e.classes.begin(), e.classes.end());
    for (std::size_t c = 0; c < num_classes; ++c)
      if (!used.count(static_cast<int>(c))) e.unseen_classes.push_back(static_cast<int>(c));
  }
}

// e.train and e.validation from the training samples: the validation split stratified
// (shuffle) or the last fraction in order (as Keras does without shuffling).
void split_validation(LabeledData train, const View& view, ExperimentData& e, const std::string& source) {
  if (view.validation_split <= 0.0) {
    e.train = std::move(train);
    return;
  }
  IndexSplit s;
  if (view.shuffle) {
    s = stratified_split(train.labels(), view.validation_split, view.seed ^ kValidationStream);
  } else {
    const auto held = static_cast<std::size_t>(std::llround(view.validation_split * static_cast<double>(train.size())));
    for (std::size_t i = 0; i < train.size(); ++i) (i + held < train.size() ? s.kept : s.held).push_back(i);
  }
  if (s.held.empty() || s.kept.empty())
    throw ConfigError(source + ": data.validation_split: " + std::to_string(view.validation_split) + " of " +
                      std::to_string(train.size()) + " training samples leaves an empty split");
  e.validation = train.select(s.held);
  e.train = train.select(s.kept);
}

}  // namespace

ExperimentData load_experiment_data(const json& section, const Registry& registry, const std::string& source) {
  if (!section.is_object() || !section.contains("dataset") || !section["dataset"].is_string())
    throw ConfigError(source + ": data.dataset: missing; name a dataset (see 'glassbox datasets')");
  ExperimentData e;
  e.dataset = section["dataset"].get<std::string>();
  const View view = parse_view(section, source);
  const DatasetSplits splits = load_splits(e.dataset, dataset_options(section, source), registry, source);
  if (splits.train.size() == 0) throw DataError(e.dataset + ": the training set is empty");
  e.source_class_names = splits.train.source_class_names();
  choose_classes(section, e, source);

  const bool all_classes = e.classes.size() == e.source_class_names.size() &&
                           std::is_sorted(e.classes.begin(), e.classes.end());
  LabeledData train = all_classes ? splits.train : splits.train.subset_classes(e.classes);
  e.test = all_classes ? splits.test : splits.test.subset_classes(e.classes);
  if (!e.unseen_classes.empty() && splits.test.size() > 0) e.unseen = splits.test.subset_classes(e.unseen_classes);
  if (train.size() == 0)
    throw DataError(source + ": data.classes: the training set has no samples of these classes");
  split_validation(cap_samples(train, view.limit, view.shuffle, view.seed ^ kLimitStream), view, e, source);
  e.test = cap_samples(e.test, view.test_limit, view.shuffle, view.seed ^ kTestLimitStream);
  e.unseen = cap_samples(e.unseen, view.test_limit, view.shuffle, view.seed ^ kTestLimitStream);

  if (view.normalize == "standardize") standardize(e);
  else if (view.normalize == "none") raw_values(e);
  return e;
}

namespace {

// A split of `fraction` keeps llround(fraction * n) of each class's n samples (or of all n
// without shuffling), so below half a sample in all no class gives one, and with less
// than half a sample left over every class is held out whole.
void check_validation_split(const View& view, const DatasetInfo& info, bool class_subset, const std::string& source) {
  if (view.validation_split <= 0.0 || info.train_size == 0) return;
  // With a class subset the dataset's size is an upper bound of the training samples.
  const std::size_t n = view.limit > 0 ? std::min(view.limit, info.train_size) : info.train_size;
  const double held = view.validation_split * static_cast<double>(n);
  const bool none_held = held < 0.5, none_kept = !class_subset && static_cast<double>(n) - held < 0.5;
  if (none_held || none_kept)
    throw ConfigError(source + ": data.validation_split: " + std::to_string(view.validation_split) + " of " +
                      (class_subset ? "at most " : "") + std::to_string(n) + " training samples leaves an empty split");
}

}  // namespace

DatasetInfo describe_experiment_data(const json& section, const Registry& registry, const std::string& source) {
  if (!section.is_object() || !section.contains("dataset") || !section["dataset"].is_string())
    throw ConfigError(source + ": data.dataset: missing; name a dataset (see 'glassbox datasets')");
  const std::string dataset = section["dataset"].get<std::string>();
  const View view = parse_view(section, source);
  const json opts = dataset_options(section, source);
  DatasetInfo info;
  try {
    info = registry.datasets.create(dataset, opts)->describe(opts);
  } catch (const ConfigError& err) {
    throw ConfigError(source + ": data: " + err.what());
  }
  if (!info.available) return info;
  const bool names_known = !info.class_names.empty();  // some sources learn them from the labels
  if (names_known && section.contains("classes"))
    (void)parse_classes(section["classes"], info.class_names, source + ": data.classes", dataset);
  if (names_known && section.contains("unseen_classes"))
    (void)parse_classes(section["unseen_classes"], info.class_names, source + ": data.unseen_classes", dataset);
  check_validation_split(view, info, section.contains("classes"), source);
  return info;
}

}  // namespace glassbox
