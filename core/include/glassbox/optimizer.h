#pragma once
// The optimizer contract: step() updates every trainable parameter from its gradient.
// State (momentum, moments) is kept per parameter in the order params are given, which
// must be the same at every step.
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "glassbox/layer.h"

namespace glassbox {

class Optimizer {
 public:
  virtual ~Optimizer() = default;
  virtual std::string type() const = 0;
  virtual void step(const std::vector<ParamRef>& params) = 0;
  virtual nlohmann::json config() const = 0;
  // Forget the state (moments, step count).
  virtual void reset() = 0;

  float learning_rate() const { return learning_rate_; }
  void set_learning_rate(float lr) { learning_rate_ = lr; }

 protected:
  float learning_rate_ = 0.01f;
};

}  // namespace glassbox
