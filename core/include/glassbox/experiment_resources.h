#pragma once
// Checks made before any work: what a run of an experiment would fail on that the
// configuration and the dataset's headers already tell. `glassbox run` builds its model
// with build_experiment_model and checks its training memory (model_memory.h) right after
// loading the data, before training; the web server calls check_experiment_resources when
// an experiment is submitted, so the same errors are a 400 at once, not a failed job later.
#include "glassbox/dataset.h"
#include "glassbox/experiment.h"
#include "glassbox/model.h"
#include "glassbox/registry.h"
#include "glassbox/tensor.h"

namespace glassbox {

// Adds the experiment's model.layers to `model` and builds it for `sample`, the data's
// sample shape (checked against model.input_shape when the experiment gives one).
// Parameters are refused before allocation beyond max_model_bytes(). Throws ConfigError
// "<e.source>: model.layers.<i>: ..." for a layer the registry cannot make, and
// "<e.source>: model.layers: layer <i> '<name>' (<type>) cannot take input of shape ...".
void build_experiment_model(const Experiment& e, MyDeepLearning& model, const Shape& sample);

// train.batch_size with its default (32).
std::size_t experiment_batch_size(const Experiment& e);

// The data section's description (describe_experiment_data: options, classes, validation
// split), without loading the data. A data file the description cannot read is a
// ConfigError naming it; an unavailable dataset is returned with available = false.
DatasetInfo check_experiment_data(const Experiment& e, const Registry& registry);

// The data section (check_experiment_data: options, classes, validation split) and, when
// the dataset describes its sample shape, the model built for it within max_model_bytes()
// and its training memory at train.batch_size (check_training_memory). A data file the
// description cannot read is a ConfigError naming it. Throws ConfigError naming e.source
// and the key. Builds the model (its parameters are allocated, within the limit).
void check_experiment_resources(const Experiment& e, const Registry& registry);

}  // namespace glassbox
