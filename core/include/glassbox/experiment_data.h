#pragma once
// The data of an experiment, from its "data" section:
//   {"dataset": "mnist-digits", "classes": [1, 3], "validation_split": 0.1, "seed": 7,
//    "limit": 5000, "normalize": "scale" | "standardize" | "none", ...dataset options}
// Labels of train/validation/test run 0..k-1 over the chosen classes (in the order given);
// `unseen` holds the test samples of the other classes ("the classes the model never
// saw"), keeping their original labels in original_labels().
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "glassbox/dataset.h"
#include "glassbox/registry.h"

namespace glassbox {

struct ExperimentData {
  std::string dataset;                      // registry name
  LabeledData train;
  LabeledData validation;                   // empty when validation_split is 0
  LabeledData test;
  LabeledData unseen;                       // test samples of classes not in `classes`
  std::vector<int> classes;                 // source class ids in use (all when no subset)
  std::vector<int> unseen_classes;          // source class ids held out
  std::vector<std::string> source_class_names;
  nlohmann::json describe() const;          // sizes, classes, shapes for reports
};

// The options the data section passes to its dataset source: every key that does not
// shape the view (classes, limits, split, normalization...) plus those of data.options.
// Throws ConfigError when data.options is not an object.
nlohmann::json dataset_options(const nlohmann::json& data_section, const std::string& source);

// `source` names the experiment file in error messages ("exp.json: data.classes: ...").
ExperimentData load_experiment_data(const nlohmann::json& data_section, const Registry& registry,
                                    const std::string& source);

// What the data section gives without loading the data (the web server's check at submit
// time): the dataset's description from its headers (sample shape, split sizes, class
// names), after the checks of the section that load_experiment_data would fail on: the
// view keys, the dataset's options, the classes against its class names, and a validation
// split that certainly leaves an empty split for that many training samples. Throws
// ConfigError naming `source` and the key, as load_experiment_data does; an unavailable
// dataset is returned with available = false (loading it reports how to install it).
DatasetInfo describe_experiment_data(const nlohmann::json& data_section, const Registry& registry,
                                     const std::string& source);

}  // namespace glassbox
