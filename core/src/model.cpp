// MyDeepLearning: building, compiling, the training loop, evaluation and prediction.
// Saving and loading live in model_io.cpp, the summary table in model_summary.cpp.
#include "glassbox/model.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstring>
#include <limits>
#include <map>

#include "glassbox/callback.h"
#include "glassbox/error.h"
#include "glassbox/shape_check.h"
#include "glassbox/loss.h"
#include "glassbox/replica_group.h"
#include "model_impl.h"

namespace glassbox {

using nlohmann::json;

namespace {

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

json nan_to_null(double v, bool present) {
  if (!present || std::isnan(v)) return nullptr;
  return v;
}

}  // namespace

json History::to_json() const {
  json out = json::array();
  for (const auto& e : epochs)
    out.push_back({{"epoch", e.epoch},
                   {"loss", e.loss},
                   {"accuracy", e.accuracy},
                   {"val_loss", nan_to_null(e.val_loss, e.has_validation)},
                   {"val_accuracy", nan_to_null(e.val_accuracy, e.has_validation)},
                   {"seconds", e.seconds},
                   {"learning_rate", e.learning_rate}});
  return {{"epochs", out}, {"stopped_early", stopped_early}, {"stop_reason", stop_reason}};
}

json Evaluation::to_json() const {
  return {{"loss", loss}, {"accuracy", accuracy}, {"confusion_matrix", confusion}};
}

MyDeepLearning::MyDeepLearning(const Registry& registry, unsigned long long seed)
    : impl_(std::make_unique<Impl>(registry, seed)) {}
MyDeepLearning::~MyDeepLearning() = default;
MyDeepLearning::MyDeepLearning(MyDeepLearning&&) noexcept = default;
MyDeepLearning& MyDeepLearning::operator=(MyDeepLearning&&) noexcept = default;

Layer& MyDeepLearning::add(const json& layer_config) {
  if (!layer_config.is_object() || !layer_config.contains("type") || !layer_config["type"].is_string())
    throw ConfigError("layer " + std::to_string(impl_->layers.size()) + ": a layer needs a \"type\" string, got " +
                      layer_config.dump());
  const std::string where = layer_config.contains("name") && layer_config["name"].is_string()
                                ? "layer '" + layer_config["name"].get<std::string>() + "'"
                                : "layer " + std::to_string(impl_->layers.size()) + " (" +
                                      layer_config["type"].get<std::string>() + ")";
  std::vector<std::string> inputs;
  if (layer_config.contains("inputs")) {
    const json& v = layer_config["inputs"];
    const bool names = v.is_array() && !v.empty() && std::all_of(v.begin(), v.end(), [](const json& e) {
                         return e.is_string() && !e.get<std::string>().empty();
                       });
    if (!names) throw ConfigError(where + ": \"inputs\" must be a non-empty list of layer names, got " + v.dump());
    inputs = v.get<std::vector<std::string>>();
  }
  std::unique_ptr<Layer> layer;
  try {
    layer = impl_->registry->make_layer(layer_config);  // without "inputs", the model's key
  } catch (const ConfigError& e) {
    throw ConfigError(where + ": " + e.what());
  }
  if (layer_config.contains("name") && layer_config["name"].is_string())
    layer->set_name(layer_config["name"].get<std::string>());
  return add(std::move(layer), std::move(inputs));
}

Layer& MyDeepLearning::add(std::unique_ptr<Layer> layer, std::vector<std::string> inputs) {
  if (!layer) throw Error("add: null layer");
  auto& im = *impl_;
  if (layer->name() == kInputName)
    throw ConfigError(std::string("layer name '") + kInputName + "' is reserved: \"inputs\" lists it for the model's input");
  if (layer->name().empty()) {
    // Keras-like default names: dense_1, dense_2, relu_1 ... unique within the model.
    const std::string type = layer->type();
    std::string name;
    do {
      name = type + "_" + std::to_string(++im.type_counters[type]);
    } while (im.find_layer(name) >= 0);
    layer->set_name(name);
  } else if (im.find_layer(layer->name()) >= 0) {
    throw ConfigError("layer name '" + layer->name() + "' is used twice (layer names must be unique)");
  }
  im.layers.push_back(std::move(layer));
  im.input_names.push_back(std::move(inputs));
  if (!im.default_inputs(im.layers.size() - 1)) im.graph = true;
  if (im.built) {
    // Adding to a built model extends it: build only the new layer.
    try {
      im.resolve_graph(false);
      if (im.graph) {
        im.build_node(im.layers.size() - 1);
      } else {
        const Shape in = im.layers.size() < 2 ? im.input_shape : im.out_shapes[im.layers.size() - 2];
        im.build_layer(im.layers.size() - 1, in);
      }
    } catch (...) {
      im.layers.pop_back();
      im.input_names.pop_back();
      im.resolve_graph(false);
      throw;
    }
  }
  im.invalidate_training_state();
  return *im.layers.back();
}

void MyDeepLearning::Impl::build_layer(std::size_t i, const Shape& in) {
  Layer& l = *layers[i];
  Shape out;
  try {
    out = l.build(in, rng);
    // Every layer's output is some later layer's input: one checked count for all of them.
    (void)checked_element_count(out, "output shape");
  } catch (const Error& e) {
    throw ConfigError("layer " + std::to_string(i) + " '" + l.name() + "' (" + l.type() + ") cannot take input of shape " +
                      shape_to_string(in) + ": " + e.what());
  }
  if (in_shapes.size() <= i) in_shapes.resize(i + 1), out_shapes.resize(i + 1);
  in_shapes[i] = in;
  out_shapes[i] = out;
}

int MyDeepLearning::Impl::find_layer(const std::string& name) const {
  for (std::size_t i = 0; i < layers.size(); ++i)
    if (layers[i]->name() == name) return static_cast<int>(i);
  return -1;
}

void MyDeepLearning::Impl::invalidate_training_state() {
  trainable.clear();
  loss.reset();
  if (optimizer) optimizer->reset();
}

void MyDeepLearning::build(const Shape& input_shape) {
  auto& im = *impl_;
  if (im.layers.empty()) throw ConfigError("cannot build a model without layers");
  // A wrapped or zero size would reach the layers' index arithmetic: refuse it here.
  (void)checked_element_count(input_shape, "cannot build with input shape " + shape_to_string(input_shape));
  im.resolve_graph(true);
  im.input_shape = input_shape;
  ParameterBudget budget;  // the layers' parameters add up against the model's limit
  im.in_shapes.clear();
  im.out_shapes.clear();
  if (im.graph) {
    im.build_graph();
  } else {
    Shape s = input_shape;
    for (std::size_t i = 0; i < im.layers.size(); ++i) {
      im.build_layer(i, s);
      s = im.out_shapes[i];
    }
  }
  im.built = true;
  im.invalidate_training_state();
}

bool MyDeepLearning::built() const { return impl_->built; }

const Shape& MyDeepLearning::input_shape() const {
  if (!impl_->built) throw Error("the model is not built yet (call build(input_shape) or fit)");
  return impl_->input_shape;
}

const Shape& MyDeepLearning::output_shape() const {
  if (!impl_->built) throw Error("the model is not built yet (call build(input_shape) or fit)");
  return impl_->out_shapes.back();
}

void MyDeepLearning::compile(const json& optimizer, const std::string& loss,
                             const std::vector<std::string>& metrics) {
  std::unique_ptr<Optimizer> opt;
  try {
    opt = impl_->registry->make_optimizer(optimizer);
  } catch (const ConfigError& e) {
    throw ConfigError(std::string("optimizer: ") + e.what());
  }
  compile(std::move(opt), loss, metrics);
}

void MyDeepLearning::compile(std::unique_ptr<Optimizer> optimizer, const std::string& loss,
                             const std::vector<std::string>& metrics) {
  if (!optimizer) throw ConfigError("compile: no optimizer");
  (void)make_loss(loss);  // throws ConfigError naming the known losses
  for (const auto& m : metrics)
    if (m != "accuracy" && m != "loss" && m != "acc")
      throw ConfigError("unknown metric '" + m + "' (known: accuracy, loss)");
  auto& im = *impl_;
  im.optimizer = std::move(optimizer);
  im.loss_name = loss == "mean_squared_error" ? "mse" : loss;
  im.metrics = metrics;
  im.compiled = true;
  im.invalidate_training_state();
}

Optimizer* MyDeepLearning::optimizer() { return impl_->optimizer.get(); }

std::string MyDeepLearning::loss_name() const { return impl_->loss_name; }

const Loss* MyDeepLearning::loss() const {
  if (impl_->compiled && impl_->built) impl_->prepare_loss();
  return impl_->loss.get();
}

bool MyDeepLearning::output_layer_fused() const {
  if (impl_->compiled && impl_->built) impl_->prepare_loss();
  return impl_->fused;
}

// Decides how outputs meet the loss: fuse a final softmax (sigmoid) layer into a
// cross-entropy from logits, else tell the loss whether it receives probabilities.
void MyDeepLearning::Impl::prepare_loss() const {
  if (loss) return;
  const Layer& last = *layers.back();
  const std::string fusable = fusable_output_layer(loss_name);
  fused = !fusable.empty() && last.type() == fusable && layers.size() > 1;
  bool probabilities = false;
  if (!fused && !fusable.empty())
    probabilities = gives_probabilities(last.activation());
  loss = make_loss(loss_name, !probabilities);
}

std::size_t MyDeepLearning::Impl::loss_layer_count() const { return fused ? layers.size() - 1 : layers.size(); }

void MyDeepLearning::Impl::require_compiled(const char* what) const {
  if (!compiled) throw ConfigError(std::string(what) + ": the model is not compiled (call compile(optimizer, loss))");
}

void MyDeepLearning::Impl::check_data(const LabeledData& data, const std::string& what) {
  if (data.size() == 0) throw DataError(what + ": the data set is empty");
  if (data.sample_shape() != input_shape)
    throw DataError(what + ": samples have shape " + shape_to_string(data.sample_shape()) +
                    " but the model was built for input shape " + shape_to_string(input_shape));
}

void MyDeepLearning::Impl::check_classes(const LabeledData& data, const std::string& what) {
  prepare_loss();
  const std::size_t k = shape_size(out_shapes[loss_node()]);
  const std::size_t classes = output_classes(k);
  if (data.num_classes() > classes)
    throw ConfigError(what + ": the data has " + std::to_string(data.num_classes()) + " classes but the model's output has " +
                      std::to_string(k) + " unit" + (k == 1 ? "" : "s") + " (give the last layer units=" +
                      std::to_string(data.num_classes()) + ")");
}

// One forward pass over the first `count` layers of the execution order in `mode`.
const Tensor& MyDeepLearning::Impl::run_forward(const Tensor& x, std::size_t count, Mode mode) {
  if (graph) return graph_forward(x, count, mode, nullptr);
  const Tensor* cur = &x;
  for (std::size_t i = 0; i < count; ++i) cur = &layers[i]->forward(*cur, mode);
  return *cur;
}

// The backward pass of run_forward(x, count, Mode::train); `grad` is dL/d(its output).
void MyDeepLearning::Impl::run_backward(const Tensor& grad, std::size_t count) {
  if (graph) return graph_backward(grad, count);
  const Tensor* g = &grad;
  // Nobody reads the first layer's input gradient: skip that product.
  for (std::size_t i = count; i-- > 0;)
    g = &layers[i]->backward(*g, i == 0 ? Gradients::params_only : Gradients::input_and_params);
}

Tensor& MyDeepLearning::Impl::input_buffer(std::size_t n) {
  // Two buffers, for full batches and the last (short) one, so no epoch reallocates.
  Tensor& buf = (n == batch_rows) ? batch_full : batch_tail;
  const Shape want = batch_shape(n, input_shape);
  if (buf.shape().size() != want.size() || !std::equal(want.begin(), want.end(), buf.shape().begin())) buf.resize(want);
  return buf;
}

std::vector<ParamRef>& MyDeepLearning::Impl::trainable_params() {
  if (trainable.empty()) {
    for (auto& l : layers)
      for (auto& p : l->params())
        if (p.trainable) trainable.push_back(p);
  }
  return trainable;
}

void MyDeepLearning::Impl::shuffle(std::vector<std::size_t>& idx) {
  // Fisher-Yates with the model's engine; written out (not std::shuffle) so the order
  // is the same with every standard library.
  for (std::size_t i = idx.size(); i > 1; --i) {
    const std::size_t j = static_cast<std::size_t>(rng() % i);
    std::swap(idx[i - 1], idx[j]);
  }
}

void MyDeepLearning::Impl::check_fit_options(const FitOptions& options) const {
  require_compiled("fit");
  if (layers.empty()) throw ConfigError("fit: the model has no layers");
  if (options.epochs_ < 0) throw ConfigError("fit: epochs must be >= 0, got " + std::to_string(options.epochs_));
  if (options.batch_size_ == 0) throw ConfigError("fit: batch_size must be > 0");
  if (options.validation_split_ < 0 || options.validation_split_ >= 1)
    throw ConfigError("fit: validation_split must be in [0, 1), got " + std::to_string(options.validation_split_));
}

// The validation data of a fit: options.validation_data_, else the last samples of `train`
// (Keras takes the split from the end, before shuffling) copied into `split`, else none.
// Sets run.n_train to the samples left for training.
const LabeledData* MyDeepLearning::Impl::validation_set(const LabeledData& train, const FitOptions& options,
                                                        FitRun& run, LabeledData& split) {
  run.n_train = train.size();
  const LabeledData* validation = options.validation_data_;
  if (!validation && options.validation_split_ > 0) {
    run.n_train = static_cast<std::size_t>(static_cast<double>(train.size()) * (1.0 - options.validation_split_));
    if (run.n_train == 0 || run.n_train == train.size())
      throw ConfigError("fit: validation_split " + std::to_string(options.validation_split_) + " of " +
                        std::to_string(train.size()) + " samples leaves an empty training or validation set");
    std::vector<std::size_t> tail(train.size() - run.n_train);
    for (std::size_t i = 0; i < tail.size(); ++i) tail[i] = run.n_train + i;
    split = train.select(tail);
    validation = &split;
  }
  if (validation) {
    check_data(*validation, "fit (validation data)");
    check_classes(*validation, "fit (validation data)");
  }
  return validation;
}

// One epoch's batches in run.order; fills log.loss and log.accuracy. False when a stop
// request ended it before its last batch.
bool MyDeepLearning::Impl::train_epoch(MyDeepLearning& self, FitRun& run, EpochLog& log,
                                       std::chrono::steady_clock::time_point t0) {
  const std::size_t bs = run.batch_size, m = loss_layer_count();
  double loss_sum = 0;
  std::size_t correct = 0, seen = 0;
  bool finished = true;
  for (std::size_t b = 0; b < run.batches; ++b) {
    const std::size_t begin = b * bs, n = std::min(bs, run.n_train - begin);
    // With replicas, this process takes its shard of the global batch [begin, begin + n).
    const Shard shard = run.replicas ? shard_of(n, run.replicas->rank(), run.replicas->size()) : Shard{0, n};
    const std::size_t rows = shard.size(), first = begin + shard.begin;
    double batch_loss = 0;
    std::size_t batch_correct = 0;
    if (rows > 0) {
      Tensor& x = input_buffer(rows);
      run.train->gather(run.order.data() + first, rows, x.data());
      for (std::size_t i = 0; i < rows; ++i) run.labels[i] = run.train->label(run.order[first + i]);
      const Tensor& out = run_forward(x, m, Mode::train);
      batch_loss = loss->compute(out, run.labels.data(), &loss_grad);
      batch_correct = count_correct(out, run.labels.data(), loss->from_logits());
      run_backward(loss_grad, m);
    }
    if (run.replicas) reduce_step(run, rows, n, batch_loss, batch_correct);
    loss_sum += batch_loss;
    correct += batch_correct;
    seen += n;
    optimizer->step(*run.params);

    BatchLog bl{log.epoch, b + 1, run.batches, loss_sum / seen, static_cast<double>(correct) / seen,
                seconds_since(t0)};
    for (auto& c : run.callbacks) c->on_batch_end(self, bl);
    if (run.cancel && run.cancel->load()) self.stop_training("cancelled");
    if (stop && b + 1 < run.batches) {
      finished = false;
      break;
    }
  }
  log.loss = loss_sum / std::max<std::size_t>(seen, 1);
  log.accuracy = static_cast<double>(correct) / std::max<std::size_t>(seen, 1);
  return finished;
}

History MyDeepLearning::fit(const LabeledData& train, const FitOptions& options) {
  auto& im = *impl_;
  im.check_fit_options(options);
  if (!im.built) build(train.sample_shape());
  im.check_data(train, "fit");
  im.check_classes(train, "fit");
  im.prepare_loss();
  Impl::FitRun run;
  LabeledData split_validation;
  const LabeledData* validation = im.validation_set(train, options, run, split_validation);
  run.train = &train;
  run.callbacks = options.callbacks_;
  if (options.verbose_ > 0) run.callbacks.push_back(std::make_shared<ProgressBar>(options.verbose_));
  run.cancel = options.cancel_;
  run.batch_size = options.batch_size_;
  run.batches = (run.n_train + run.batch_size - 1) / run.batch_size;
  if (options.replicas_ && options.replicas_->size() > 1) run.replicas = options.replicas_;
  im.batch_rows = std::min(run.batch_size, run.n_train);
  if (run.replicas) im.batch_rows = shard_of(im.batch_rows, run.replicas->rank(), run.replicas->size()).size();
  run.order.resize(run.n_train);
  for (std::size_t i = 0; i < run.n_train; ++i) run.order[i] = i;
  run.labels.resize(run.batch_size);
  run.params = &im.trainable_params();

  im.stop = false;
  im.stop_reason.clear();
  History history;
  TrainBegin info{options.epochs_, run.batches, run.n_train, validation ? validation->size() : 0, run.batch_size};
  for (auto& c : run.callbacks) c->on_train_begin(*this, info);
  for (int epoch = 1; epoch <= options.epochs_ && !im.stop; ++epoch) {
    for (auto& c : run.callbacks) c->on_epoch_begin(*this, epoch);
    const auto t0 = std::chrono::steady_clock::now();
    if (options.shuffle_) im.shuffle(run.order);
    EpochLog log;
    log.epoch = epoch;
    const bool finished = im.train_epoch(*this, run, log, t0);
    if (run.replicas) im.synchronize_replicas(run, epoch);
    log.val_loss = log.val_accuracy = std::numeric_limits<double>::quiet_NaN();
    log.learning_rate = im.optimizer->learning_rate();
    if (validation && finished) {
      Evaluation ev = evaluate(*validation);
      log.val_loss = ev.loss;
      log.val_accuracy = ev.accuracy;
      log.has_validation = true;
    }
    log.seconds = seconds_since(t0);
    if (!finished) break;  // an interrupted epoch is not an epoch of the history: it covers part of it
    history.epochs.push_back(log);
    for (auto& c : run.callbacks) c->on_epoch_end(*this, log);
  }
  history.stopped_early = im.stop;
  history.stop_reason = im.stop_reason;
  for (auto& c : run.callbacks) c->on_train_end(*this, history);
  return history;
}

void MyDeepLearning::stop_training(const std::string& reason) {
  if (!impl_->stop) impl_->stop_reason = reason;
  impl_->stop = true;
}

bool MyDeepLearning::stop_requested() const { return impl_->stop; }

Evaluation MyDeepLearning::evaluate(const LabeledData& data, std::size_t batch_size) {
  auto& im = *impl_;
  im.require_compiled("evaluate");
  if (!im.built) build(data.sample_shape());
  im.check_data(data, "evaluate");
  im.check_classes(data, "evaluate");
  if (batch_size == 0) batch_size = 256;
  const std::size_t m = im.loss_layer_count();
  const std::size_t k = shape_size(im.out_shapes[im.loss_node()]);
  const std::size_t classes = output_classes(k);
  Evaluation ev;
  ev.confusion.assign(classes, std::vector<long>(classes, 0));
  std::vector<std::size_t> idx(batch_size);
  std::vector<int> labels(batch_size);
  Tensor x;
  double loss_sum = 0;
  std::size_t correct = 0;
  for (std::size_t begin = 0; begin < data.size(); begin += batch_size) {
    const std::size_t n = std::min(batch_size, data.size() - begin);
    const Shape want = batch_shape(n, im.input_shape);
    if (x.shape().size() != want.size() || !std::equal(want.begin(), want.end(), x.shape().begin())) x.resize(want);
    for (std::size_t i = 0; i < n; ++i) idx[i] = begin + i, labels[i] = data.label(begin + i);
    data.gather(idx.data(), n, x.data());
    const Tensor& out = im.run_forward(x, m, Mode::inference);
    loss_sum += im.loss->compute(out, labels.data(), nullptr);
    for (std::size_t i = 0; i < n; ++i) {
      const int p = predicted_class(out.data() + i * k, k, im.loss->from_logits());
      if (p == labels[i]) ++correct;
      ev.confusion[labels[i]][p] += 1;
    }
  }
  ev.loss = loss_sum / data.size();
  ev.accuracy = static_cast<double>(correct) / data.size();
  return ev;
}

Tensor MyDeepLearning::predict(const Tensor& x, std::size_t batch_size) {
  auto& im = *impl_;
  if (x.dimension() < 1) throw DataError("predict: expected a batch (N, ...), got a scalar");
  Shape sample(x.shape().begin() + 1, x.shape().end());
  if (!im.built) build(sample);
  if (sample != im.input_shape)
    throw DataError("predict: samples have shape " + shape_to_string(sample) + " but the model was built for " +
                    shape_to_string(im.input_shape));
  if (batch_size == 0) batch_size = 256;
  const std::size_t n_all = x.shape()[0];
  const std::size_t d = shape_size(sample);
  const Shape& out_sample = im.out_shapes.back();
  const std::size_t k = shape_size(out_sample);
  Tensor result = Tensor::from_shape(batch_shape(n_all, out_sample));
  Tensor buf;
  for (std::size_t begin = 0; begin < n_all; begin += batch_size) {
    const std::size_t n = std::min(batch_size, n_all - begin);
    const Shape want = batch_shape(n, sample);
    if (buf.shape().size() != want.size() || !std::equal(want.begin(), want.end(), buf.shape().begin())) buf.resize(want);
    std::memcpy(buf.data(), x.data() + begin * d, n * d * sizeof(float));
    const Tensor& out = im.run_forward(buf, im.layers.size(), Mode::inference);
    std::memcpy(result.data() + begin * k, out.data(), n * k * sizeof(float));
  }
  return result;
}

std::vector<int> MyDeepLearning::predict_classes(const Tensor& x, std::size_t batch_size) {
  Tensor out = predict(x, batch_size);
  const std::size_t n = out.shape()[0];
  const std::size_t k = n ? out.size() / n : 0;
  // A final sigmoid/softmax gives probabilities; otherwise a single unit is a logit.
  const Layer& last = *impl_->layers.back();
  const bool probabilities = gives_probabilities(last.activation());
  std::vector<int> classes(n);
  for (std::size_t i = 0; i < n; ++i) classes[i] = predicted_class(out.data() + i * k, k, !probabilities);
  return classes;
}

Tensor MyDeepLearning::forward(const Tensor& x, const ActivationHook& hook) {
  auto& im = *impl_;
  if (x.dimension() < 1) throw DataError("forward: expected a batch (N, ...), got a scalar");
  Shape sample(x.shape().begin() + 1, x.shape().end());
  if (!im.built) build(sample);
  if (sample != im.input_shape)
    throw DataError("forward: samples have shape " + shape_to_string(sample) + " but the model was built for " +
                    shape_to_string(im.input_shape));
  if (im.graph) return im.graph_forward(x, im.layers.size(), Mode::inference, hook ? &hook : nullptr);
  const Tensor* cur = &x;
  for (std::size_t i = 0; i < im.layers.size(); ++i) {
    const Tensor& out = im.layers[i]->forward(*cur, Mode::inference);
    if (hook) hook(i, *im.layers[i], *cur, out);
    cur = &out;
  }
  return *cur;
}

std::size_t MyDeepLearning::size() const { return impl_->layers.size(); }

const Layer& MyDeepLearning::layer(std::size_t index) const {
  if (index >= impl_->layers.size())
    throw ConfigError("layer index " + std::to_string(index) + " out of range (the model has " +
                      std::to_string(impl_->layers.size()) + " layers)");
  return *impl_->layers[index];
}

Layer& MyDeepLearning::layer(std::size_t index) {
  (void)static_cast<const MyDeepLearning&>(*this).layer(index);  // the range check
  return *impl_->layers[index];
}

std::size_t MyDeepLearning::layer_index(const std::string& name) const {
  const int i = impl_->find_layer(name);
  if (i < 0) {
    std::string known;
    for (const auto& l : impl_->layers) known += (known.empty() ? "" : ", ") + l->name();
    throw ConfigError("no layer named '" + name + "' (layers: " + known + ")");
  }
  return static_cast<std::size_t>(i);
}

Layer& MyDeepLearning::layer(const std::string& name) { return *impl_->layers[layer_index(name)]; }

const Shape& MyDeepLearning::layer_output_shape(std::size_t index) const {
  (void)layer(index);
  if (!impl_->built) throw Error("the model is not built yet (call build(input_shape) or fit)");
  return impl_->out_shapes[index];
}

const Shape& MyDeepLearning::layer_input_shape(std::size_t index) const {
  (void)layer(index);
  if (!impl_->built) throw Error("the model is not built yet (call build(input_shape) or fit)");
  return impl_->in_shapes[index];
}

bool MyDeepLearning::is_graph() const { return impl_->graph; }

const std::vector<int>& MyDeepLearning::layer_inputs(std::size_t index) const {
  (void)layer(index);
  if (!impl_->built) throw Error("the model is not built yet (call build(input_shape) or fit)");
  return impl_->inputs[index];
}

std::vector<std::string> MyDeepLearning::layer_input_names(std::size_t index) const {
  (void)layer(index);
  const auto& im = *impl_;
  if (!im.input_names[index].empty()) return im.input_names[index];
  return {index == 0 ? std::string(kInputName) : im.layers[index - 1]->name()};
}

const std::vector<std::size_t>& MyDeepLearning::execution_order() const {
  if (!impl_->built) throw Error("the model is not built yet (call build(input_shape) or fit)");
  return impl_->order;
}

std::vector<ParamRef> MyDeepLearning::params() {
  std::vector<ParamRef> out;
  for (auto& l : impl_->layers)
    for (auto& p : l->params()) out.push_back(p);
  return out;
}

std::vector<ConstParamRef> MyDeepLearning::params() const {
  std::vector<ConstParamRef> out;
  for (const auto& l : impl_->layers)
    for (const auto& p : static_cast<const Layer&>(*l).params()) out.push_back(p);
  return out;
}

std::size_t MyDeepLearning::param_count() const {
  std::size_t n = 0;
  for (const auto& p : params()) n += p.value->size();
  return n;
}

std::vector<Tensor> MyDeepLearning::get_weights() {
  std::vector<Tensor> out;
  for (auto& p : params()) out.push_back(*p.value);
  return out;
}

void MyDeepLearning::set_weights(const std::vector<Tensor>& weights) {
  auto ps = params();
  if (weights.size() != ps.size())
    throw ConfigError("set_weights: got " + std::to_string(weights.size()) + " tensors, the model has " +
                      std::to_string(ps.size()) + " parameter tensors");
  for (std::size_t i = 0; i < ps.size(); ++i) {
    Shape want(ps[i].value->shape().begin(), ps[i].value->shape().end());
    Shape got(weights[i].shape().begin(), weights[i].shape().end());
    if (want != got)
      throw ConfigError("set_weights: tensor " + std::to_string(i) + " has shape " + shape_to_string(got) + ", '" +
                        ps[i].name + "' expects " + shape_to_string(want));
  }
  for (std::size_t i = 0; i < ps.size(); ++i)
    std::copy(weights[i].data(), weights[i].data() + weights[i].size(), ps[i].value->data());
}

const std::vector<std::string>& MyDeepLearning::class_names() const { return impl_->class_names; }

void MyDeepLearning::set_class_names(std::vector<std::string> names) {
  if (impl_->built && !names.empty() && shape_size(output_shape()) != names.size())
    throw ConfigError("class names: " + std::to_string(names.size()) + " given, the model has " +
                      std::to_string(shape_size(output_shape())) + " outputs");
  impl_->class_names = std::move(names);
}

json MyDeepLearning::config() const {
  const auto& im = *impl_;
  json layers = json::array();
  for (std::size_t i = 0; i < im.layers.size(); ++i) {
    json c = im.layers[i]->config();
    c["type"] = im.layers[i]->type();
    c["name"] = im.layers[i]->name();
    if (im.graph) c["inputs"] = layer_input_names(i);
    layers.push_back(c);
  }
  json out = {{"input_shape", im.built ? json(im.input_shape) : json(nullptr)}, {"layers", layers}, {"seed", im.seed}};
  if (im.compiled)
    out["compile"] = {{"optimizer", im.optimizer->config()}, {"loss", im.loss_name}, {"metrics", im.metrics}};
  return out;
}

const Registry& MyDeepLearning::registry() const { return *impl_->registry; }

Rng& MyDeepLearning::rng() { return impl_->rng; }

}  // namespace glassbox
