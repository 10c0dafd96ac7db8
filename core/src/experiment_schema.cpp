#include "glassbox/experiment_schema.h"

namespace glassbox::schema {

namespace {
constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kMaxU64 = 18446744073709551615.0;
constexpr double kMaxFloat = 3.4028234663852886e38;  // learning rates are float32

Rule any(const char* path) { return {path, kAny}; }
Rule str(const char* path) { return {path, kString, -kInf, kInf, false, false, 0, Special::none, "a string"}; }
Rule boolean(const char* path) { return {path, kBool | kNull, -kInf, kInf, false, false, 0, Special::none, "true or false"}; }
Rule object(const char* path) { return {path, kObject | kNull, -kInf, kInf, false, false, 0, Special::none, "an object"}; }
Rule integer(const char* path, double lo, double hi, const char* expected) {
  return {path, kInt | kNull, lo, hi, false, false, 0, Special::none, expected};
}
Rule number(const char* path, double lo, double hi, bool lo_open, bool hi_open, const char* expected) {
  return {path, kNumber | kNull, lo, hi, lo_open, hi_open, 0, Special::none, expected};
}
Rule list(const char* path, unsigned items, const char* expected) {
  return {path, kList, -kInf, kInf, false, false, items, Special::none, expected};
}
Rule input_file(const char* path) { return str(path); }  // read by the dataset plugin
}  // namespace

const std::vector<Rule>& rules() {
  static const std::vector<Rule> r = {
      str("name"), str("description"),
      integer("seed", 0, kMaxU64, "a non-negative integer"),
      // Output names anywhere under "output" stay inside the results folder.
      {"output", kAny, -kInf, kInf, false, false, 0, Special::file_names_inside, "file names inside the results folder"},

      str("data.dataset"),
      input_file("data.path"), input_file("data.images"), input_file("data.labels"),
      input_file("data.test_images"), input_file("data.test_labels"), input_file("data.x"), input_file("data.y"),
      input_file("data.test_x"), input_file("data.test_y"), input_file("data.train"), input_file("data.test"),
      {"data.label_column", kInt | kString | kNull, -kInf, kInf, false, false, 0, Special::none,
       "a column index or a header name"},
      boolean("data.header"),
      {"data.shape", kList | kNull, -kInf, kInf, false, false, 0, Special::shape, "a list of positive sizes"},
      list("data.class_names", kString, "a list of class names"),
      list("data.classes", kInt | kString, "a list of class numbers or names"),
      list("data.unseen_classes", kInt | kString, "a list of class numbers or names"),
      number("data.validation_split", 0, 1, false, true, "a fraction in [0, 1)"),
      number("data.test_split", 0, 1, true, true, "a fraction in (0, 1)"),
      integer("data.seed", 0, kMaxU64, "a non-negative integer"),
      integer("data.data_seed", 0, kMaxU64, "a non-negative integer"),
      integer("data.limit", 1, kMaxU64, "a positive number of samples"),
      integer("data.test_limit", 1, kMaxU64, "a positive number of samples"),
      str("data.normalize"),
      boolean("data.shuffle"),
      integer("data.samples", 1, 1e8, "an integer in [1, 100000000]"),
      integer("data.test_samples", 1, 1e8, "an integer in [1, 100000000]"),
      object("data.options"),
      number("data.max_value", 0, kInf, true, true, "a positive number"),
      integer("data.num_classes", 1, 100000, "an integer in [1, 100000]"),
      number("data.noise", 0, kInf, false, true, "a non-negative number"),

      list("model.layers", kObject, "a list of layers {\"type\": ...}"),
      {"model.input_shape", kList | kNull, -kInf, kInf, false, false, 0, Special::shape, "a list of positive sizes"},
      str("model.loss"),
      list("model.metrics", kString, "a list of metric names"),

      integer("train.epochs", 0, 100000, "an integer in [0, 100000]"),
      integer("train.batch_size", 1, 1048576, "an integer in [1, 1048576]"),
      {"train.optimizer", kString | kObject, -kInf, kInf, false, false, 0, Special::none,
       "an optimizer name or {\"type\": ...}"},
      number("train.optimizer.learning_rate", 0, kMaxFloat, true, false,
             "a positive finite number (at most 3.4e38, a float32)"),
      number("train.optimizer.clip_norm", 0, kMaxFloat, false, false, "a non-negative number"),
      number("train.optimizer.clip_value", 0, kMaxFloat, false, false, "a non-negative number"),
      number("train.optimizer.weight_decay", 0, kMaxFloat, false, false, "a non-negative number"),
      boolean("train.shuffle"),
      number("train.validation_split", 0, 1, false, true, "a fraction in [0, 1)"),
      {"train.verbose", kInt | kBool | kNull, 0, 2, false, false, 0, Special::none, "0, 1 or 2"},
      any("train.callbacks"),
      {"train.early_stopping", kBool | kObject | kNull, -kInf, kInf, false, false, 0, Special::none,
       "true, false or an object"},
      {"train.lr_schedule", kBool | kObject | kNull, -kInf, kInf, false, false, 0, Special::none,
       "an object with a \"type\", or false"},
      {"train.checkpoint", kBool | kObject | kNull, -kInf, kInf, false, false, 0, Special::file_names_inside,
       "true, false or an object"},
      {"train.csv_log", kBool | kString | kNull, -kInf, kInf, false, false, 0, Special::file_name,
       "true, false or a file name inside the results folder"},
      boolean("train.terminate_on_nan"),
      number("train.clip_norm", 0, kMaxFloat, false, false, "a non-negative number"),
      number("train.clip_value", 0, kMaxFloat, false, false, "a non-negative number"),
      number("train.weight_decay", 0, kMaxFloat, false, false, "a non-negative number"),
      integer("train.threads", 1, 1024, "an integer in [1, 1024]"),

      boolean("explain.enabled"),
      {"explain.methods", kString | kList, -kInf, kInf, false, false, kString, Special::none,
       "a method name or a list of them"},
      {"explain.composite", kString | kObject | kList, -kInf, kInf, false, false, 0, Special::none,
       "a composite name, a list of {\"match\", \"rule\"} entries or an object"},
      // Named composite definitions; their entries are checked by the explain step.
      object("explain.composites"),
      object("explain.rule_params"), object("explain.parameters"),
      {"explain.samples", kInt | kList, 0, 1e6, false, false, kInt, Special::none,
       "a count in [0, 1000000] or a list of test sample indices"},
      {"explain.target", kString | kInt, 0, kMaxU64, false, false, 0, Special::none, "a target name or a class number"},
      {"explain.evaluation", kBool | kObject | kNull, -kInf, kInf, false, false, 0, Special::file_names_inside,
       "true, false or an object"},

      boolean("signatures.enabled"),
      number("signatures.threshold", -kInf, kInf, true, true, "a number"),
      integer("signatures.top_k", 1, 1e6, "an integer in [1, 1000000]"),
      integer("signatures.pattern_capacity", 1, 1e8, "an integer in [1, 100000000]"),
      integer("signatures.max_covariance_dim", 1, 1e5, "an integer in [1, 100000]"),
      integer("signatures.batch_size", 1, 1048576, "an integer in [1, 1048576]"),
      boolean("signatures.include_input"), boolean("signatures.include_reshape"),
      list("signatures.layers", kString, "a list of layer names"),
      number("signatures.separability_threshold", 0, 1, true, false, "a fraction in (0, 1]"),
      number("signatures.shrinkage", 0, 1, false, true, "a fraction in [0, 1)"),
      integer("signatures.heldout_limit", 0, kMaxU64, "a non-negative integer (0: all)"),
      integer("signatures.unseen_limit", 0, kMaxU64, "a non-negative integer (0: all)"),
      boolean("signatures.relevance"),
      str("signatures.composite"),
      integer("signatures.relevance_samples", 0, 1e6, "an integer in [0, 1000000]"),
      boolean("signatures.plots"),
      boolean("signatures.linear_probes"),
      integer("signatures.probe_epochs", 1, 1e6, "an integer in [1, 1000000]"),
      integer("signatures.probe_batch_size", 1, 1048576, "an integer in [1, 1048576]"),
      number("signatures.probe_learning_rate", 0, kInf, true, true, "a positive number"),
      number("signatures.probe_l2", 0, kInf, false, true, "a number >= 0"),
      str("signatures.conv_firing"),
      number("signatures.conv_quantile", 0, 1, false, false, "a fraction in [0, 1]"),
      integer("signatures.pattern_grid", 0, 64, "an integer in [0, 64]"),
      integer("signatures.calibration_samples", 0, kMaxU64, "a non-negative integer"),

      boolean("similarity.enabled"),
      integer("similarity.samples", 0, 4096, "an integer in [0, 4096] (0: all)"),
      integer("similarity.batch_size", 1, 1048576, "an integer in [1, 1048576]"),
      integer("similarity.seed", 0, kMaxU64, "a non-negative integer"),
      boolean("similarity.include_input"), boolean("similarity.include_reshape"),
      input_file("similarity.compare_model"),
      boolean("similarity.plots"),

      boolean("projection.enabled"),
      integer("projection.samples", 0, 4096, "an integer in [0, 4096] (0: all)"),
      integer("projection.unseen_samples", 0, 4096, "an integer in [0, 4096] (0: all)"),
      integer("projection.components", 1, 50, "an integer in [1, 50]"),
      integer("projection.batch_size", 1, 1048576, "an integer in [1, 1048576]"),
      integer("projection.seed", 0, kMaxU64, "a non-negative integer"),
      boolean("projection.include_input"), boolean("projection.include_reshape"),
      boolean("projection.plots"),

      boolean("concepts.enabled"),
      str("concepts.composite"),
      integer("concepts.samples", 1, 1e5, "an integer in [1, 100000]"),
      integer("concepts.top_k", 1, 1e4, "an integer in [1, 10000]"),
      integer("concepts.references", 0, 1e4, "an integer in [0, 10000]"),
      integer("concepts.reference_pool", 0, kMaxU64, "a non-negative integer (0: all)"),
      list("concepts.layers", kString, "a list of layer names"),
      boolean("concepts.plots"),

      // glassbox sweep (docs/mpi.md): {"key.path": [values], ...}; read by the command.
      object("sweep.grid"),
      integer("sweep.jobs", 1, 64, "an integer in [1, 64]"),
  };
  return r;
}

}  // namespace glassbox::schema
