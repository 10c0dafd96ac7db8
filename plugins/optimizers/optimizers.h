#pragma once
// The built-in optimizers: a factory and its description each, registered in plugin.cpp.
#include <memory>

#include "glassbox/optimizer.h"
#include "glassbox/registry.h"

namespace glassbox::plugins {

std::unique_ptr<Optimizer> make_sgd(const nlohmann::json& options);
FactoryInfo sgd_info();
std::unique_ptr<Optimizer> make_adam(const nlohmann::json& options);
FactoryInfo adam_info();
std::unique_ptr<Optimizer> make_rmsprop(const nlohmann::json& options);
FactoryInfo rmsprop_info();
std::unique_ptr<Optimizer> make_adagrad(const nlohmann::json& options);
FactoryInfo adagrad_info();

}  // namespace glassbox::plugins
