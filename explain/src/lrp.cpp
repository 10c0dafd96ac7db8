#include "glassbox/explain/lrp.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "glassbox/error.h"
#include "glassbox/merge_layer.h"
#include "glassbox/model.h"
#include "glassbox/parallel.h"
#include "batch_norm_canonization.h"

namespace glassbox::explain {

using nlohmann::json;

namespace {

enum class Flow { linear, pass, winner_take_all, reshape, merged, merge };

// The stabiliser of the merge rule (merge_relevance): it only keeps a zero sum from
// dividing by zero, so relevance through a merge is conserved to float precision.
constexpr float kMergeEpsilon = 1e-9f;

struct Term {
  InputTransform input;
  float sign = 1.0f;
  std::unique_ptr<Layer> layer;  // a clone with the term's parameters
  // Per batch:
  bool active = false;
  const Tensor* in = nullptr;  // the transformed input (x itself when unchanged)
  Tensor in_buffer;
  const Tensor* z = nullptr;
};

struct Group {
  std::vector<Term> terms;
  float weight = 1.0f, epsilon = 0.0f;
  Tensor z_buffer, s;
  const Tensor* z = nullptr;
};

struct Step {
  LrpLayerPlan info;
  Flow flow = Flow::pass;
  RulePtr rule;
  bool plain = false;            // LRP-0 / epsilon: term 0 is the layer itself
  Activation activation = Activation::linear;
  bool dropout = false;
  Layer* layer = nullptr;        // computes the step's output (original or canonical)
  std::unique_ptr<Layer> owned;  // a canonical (BatchNorm-merged) layer
  std::vector<Group> groups;
  // Per batch:
  const Tensor* input = nullptr;
  const Tensor* output = nullptr;
  Tensor own_output;
  Tensor relevance_in;  // the relevance on the step's input (linear steps, reshapes)
  // Merge steps: the layer, this batch's inputs, R / stabilize(z), the relevance per input.
  MergeLayer* merge = nullptr;
  std::vector<const Tensor*> inputs;
  Tensor merge_s;
  std::vector<Tensor> merge_relevance;
};

bool all_nonnegative(const Tensor& t) {
  const float* p = t.data();
  for (std::size_t i = 0, n = t.size(); i < n; ++i)
    if (p[i] < 0.0f) return false;
  return true;
}
bool all_nonpositive(const Tensor& t) {
  const float* p = t.data();
  for (std::size_t i = 0, n = t.size(); i < n; ++i)
    if (p[i] > 0.0f) return false;
  return true;
}

void resize_like(Tensor& t, const Tensor& like) {
  if (t.shape() != like.shape()) t = Tensor::from_shape(like.shape());
}

// Binds a term to this batch's input: skips it when its transformed input is all zero
// (x- of a post-ReLU input, a zB bound of 0), avoids a copy when the transform changes nothing.
void bind_input(Term& t, const Tensor& x) {
  using K = InputTransform::Kind;
  t.active = true;
  switch (t.input.kind) {
    case K::identity:
      t.in = &x;
      return;
    case K::positive_part:
    case K::negative_part: {
      const bool positive = t.input.kind == K::positive_part;
      const bool kept_whole = positive ? all_nonnegative(x) : all_nonpositive(x);
      if (kept_whole) { t.in = &x; return; }
      if (positive ? all_nonpositive(x) : all_nonnegative(x)) { t.active = false; return; }
      resize_like(t.in_buffer, x);
      const float* src = x.data();
      float* dst = t.in_buffer.data();
      for (std::size_t i = 0; i < x.size(); ++i) dst[i] = positive ? std::max(src[i], 0.0f) : std::min(src[i], 0.0f);
      t.in = &t.in_buffer;
      return;
    }
    case K::constant:
      if (t.input.value == 0.0f) { t.active = false; return; }
      if (t.in_buffer.shape() != x.shape() || t.in_buffer.size() == 0 || t.in_buffer.data()[0] != t.input.value) {
        t.in_buffer = Tensor::from_shape(x.shape());
        t.in_buffer.fill(t.input.value);
      }
      t.in = &t.in_buffer;
      return;
  }
}

std::string role_of(const Layer& layer, const Shape& input_shape) {
  if (layer.kind() == LayerKind::normalization) return "normalization";
  if (layer.params().empty()) return "avg_pool";
  return input_shape.size() == 1 ? "dense" : "conv";
}

void add_rows(Tensor& dst, std::size_t row0, const Tensor& src) {
  const std::size_t per = src.shape(0) ? src.size() / src.shape(0) : 0;
  std::memcpy(dst.data() + row0 * per, src.data(), src.size() * sizeof(float));
}

// Clones `base` once per term of the rule, with the term's parameters.
void set_linear_rule(Step& s, Layer& base, const RulePtr& rule) {
  s.rule = rule;
  s.flow = Flow::linear;
  s.plain = rule->is_plain();
  s.activation = base.activation();
  s.layer = &base;
  s.info.rule = rule->name();
  s.info.rule_parameters = rule->parameters();
  s.groups.clear();
  for (const LrpGroup& g : rule->groups()) {
    Group group;
    group.weight = g.weight;
    group.epsilon = g.epsilon;
    for (const LrpTerm& t : g.terms) {
      Term term;
      term.input = t.input;
      term.sign = t.sign;
      term.layer = base.clone();
      if (t.params)
        for (ParamRef& p : term.layer->params()) {
          if (p.role == ParamRole::other)
            throw Error("LRP: layer '" + base.name() + "' (type " + base.type() + "): rule '" + rule->name() +
                        "' changes parameters by role, and parameter '" + p.name +
                        "' has role 'other' (give it its role in the layer's params(), or use lrp0 / "
                        "epsilon for this layer)");
          t.params(p.role, *p.value);
        }
      group.terms.push_back(std::move(term));
    }
    s.groups.push_back(std::move(group));
  }
}

// Runs every active term of a linear step on x and forms each group's z.
void linear_terms_forward(Step& s, const Tensor& x) {
  s.input = &x;
  for (Group& g : s.groups) {
    const Tensor* single = nullptr;
    std::size_t active = 0;
    for (Term& t : g.terms) {
      bind_input(t, x);
      if (!t.active) continue;
      t.z = &t.layer->forward(*t.in, Mode::linear);
      ++active;
      if (t.sign == 1.0f) single = t.z;
    }
    if (active == 1 && single) {
      g.z = single;
    } else {
      Tensor* zb = &g.z_buffer;
      bool init = false;
      for (Term& t : g.terms) {
        if (!t.active) continue;
        if (!init) {
          resize_like(*zb, *t.z);
          zb->fill(0.0f);
          init = true;
        }
        float* d = zb->data();
        const float* z = t.z->data();
        for (std::size_t k = 0, m = zb->size(); k < m; ++k) d[k] += t.sign * z[k];
      }
      if (!init) {  // no active term: z = 0, all relevance is absorbed
        const Tensor& y = s.layer->forward(x, Mode::linear);
        resize_like(*zb, y);
        zb->fill(0.0f);
      }
      g.z = zb;
    }
  }
}

// R_in = sum_g weight_g sum_k sign_k I_k(x) * grad_k(R / stabilize(z_g)), into Rin.
void linear_relevance(Step& s, const Tensor& R, Tensor& Rin) {
  resize_like(Rin, *s.input);
  float* rin = Rin.data();
  const std::size_t m_in = Rin.size();
  bool written = false;
  for (Group& g : s.groups) {
    resize_like(g.s, R);
    const float* r = R.data();
    const float* z = g.z->data();
    float* sv = g.s.data();
    const float eps = g.epsilon;
    for (std::size_t k = 0, m = R.size(); k < m; ++k) {
      const float d = z[k] + (z[k] >= 0.0f ? eps : -eps);
      sv[k] = d != 0.0f ? r[k] / d : 0.0f;
    }
    for (Term& t : g.terms) {
      if (!t.active) continue;
      const Tensor& grad = t.layer->backward(g.s, Gradients::input_only);
      const float c = g.weight * t.sign;
      const float* gr = grad.data();
      const float* in = t.in->data();
      if (written) {
        for (std::size_t k = 0; k < m_in; ++k) rin[k] += c * in[k] * gr[k];
      } else {
        for (std::size_t k = 0; k < m_in; ++k) rin[k] = c * in[k] * gr[k];
        written = true;
      }
    }
  }
  if (!written) std::fill(rin, rin + m_in, 0.0f);
}

// R_k = x_k * A_k^T (R / (z + eps sign z)) for z = sum_k A_k x_k (merge_layer.h): the
// relevance R on the merge's output split among its inputs in proportion to their
// contributions A_k x_k, stabilised as the epsilon rule is. For add the shares are
// x_k / z, for average (x_k / n) / z, for concatenate each input gets its slice.
void merge_relevance(Step& s, const Tensor& R) {
  const Tensor& z = *s.output;
  resize_like(s.merge_s, R);
  const float* r = R.data();
  const float* zv = z.data();
  float* sv = s.merge_s.data();
  for (std::size_t k = 0, m = R.size(); k < m; ++k) {
    const float d = zv[k] + (zv[k] >= 0.0f ? kMergeEpsilon : -kMergeEpsilon);
    sv[k] = r[k] / d;
  }
  const std::vector<Tensor>& grads = s.merge->backward_merge(s.merge_s);
  s.merge_relevance.resize(grads.size());
  for (std::size_t c = 0; c < grads.size(); ++c) {
    resize_like(s.merge_relevance[c], *s.inputs[c]);
    const float* x = s.inputs[c]->data();
    const float* g = grads[c].data();
    float* out = s.merge_relevance[c].data();
    for (std::size_t k = 0, m = grads[c].size(); k < m; ++k) out[k] = x[k] * g[k];
  }
}

}  // namespace

std::vector<double> row_sums(const Tensor& t) {
  const std::size_t n = t.dimension() ? t.shape(0) : 0;
  const std::size_t per = n ? t.size() / n : 0;
  std::vector<double> out(n, 0.0);
  for (std::size_t r = 0; r < n; ++r) out[r] = sum_of(t.data() + r * per, per);
  return out;
}

double sum_of(const float* p, std::size_t count) {
  // Four independent double accumulators: the adds overlap instead of waiting on each other.
  double a0 = 0, a1 = 0, a2 = 0, a3 = 0;
  std::size_t k = 0;
  for (; k + 4 <= count; k += 4) {
    a0 += p[k];
    a1 += p[k + 1];
    a2 += p[k + 2];
    a3 += p[k + 3];
  }
  for (; k < count; ++k) a0 += p[k];
  return (a0 + a1) + (a2 + a3);
}

struct Lrp::Impl {
  ExplainedNetwork net;
  Composite composite;
  LrpOptions options;
  std::vector<Step> steps;
  std::vector<LrpLayerPlan> plan;

  Impl(ExplainedNetwork network, Composite c, LrpOptions o)
      : net(std::move(network)), composite(std::move(c)), options(o) {
    if (options.batch_size == 0) options.batch_size = 1;
    build_plan();
  }

  [[noreturn]] void no_rule(std::size_t i, const Layer& l, const std::string& why) const {
    throw Error("LRP: layer " + std::to_string(i) + " '" + l.name() + "' (type " + l.type() +
                ", kind " + glassbox::to_string(l.kind()) + ") has no relevance rule: " + why);
  }

  void make_linear(Step& s, std::size_t i, Layer& base, bool first, bool last) {
    Layer& l = net.layer(i);
    LayerSlot slot{i, &l, role_of(base, net.layer_input_shape(i)), first, last};
    s.info.role = slot.role;
    s.rule = composite.rule_for(slot);
    if (!s.rule)
      no_rule(i, l, "no entry of composite '" + composite.name + "' matches this layer of kind '" + slot.role +
                        "' (add one matching it by kind, type, name, index or position)");
    set_linear_rule(s, base, s.rule);
  }

  // Steps are planned in execution order (a BatchNorm merged into the linear layer that
  // feeds it is planned after it); the plan lists them by layer index.
  void build_plan() {
    const std::size_t n = net.size();
    std::size_t first_linear = n, last_linear = n;
    for (std::size_t i : net.order())
      if (net.layer(i).kind() == LayerKind::linear) {
        if (first_linear == n) first_linear = i;
        last_linear = i;
      }
    consumer.assign(n, -1);
    for (std::size_t i = 0; i < n; ++i)
      for (int j : net.layer_inputs(i))
        if (j != ExplainedNetwork::kInput) consumer[static_cast<std::size_t>(j)] = static_cast<int>(i);
    steps.resize(n);
    for (std::size_t i : net.order()) plan_step(i, i == first_linear, i == last_linear);
    for (std::size_t i = 0; i < n; ++i) plan.push_back(steps[i].info);
    if (net.skipped_final_softmax()) {
      LrpLayerPlan p;
      p.index = n;
      p.type = "softmax";
      p.kind = "softmax";
      p.role = "softmax";
      p.rule = "skipped_softmax";
      p.inputs = {static_cast<int>(net.order().back())};
      plan.push_back(p);
    }
  }

  // The BatchNorm that only layer i feeds, or null.
  Layer* sole_normalization_after(std::size_t i) {
    if (net.fan_out(static_cast<int>(i)) != 1 || consumer[i] < 0) return nullptr;
    Layer& c = net.layer(static_cast<std::size_t>(consumer[i]));
    return c.kind() == LayerKind::normalization ? &c : nullptr;
  }

  void plan_step(std::size_t i, bool first, bool last) {
    Layer& l = net.layer(i);
    Step& s = steps[i];
    s.info.index = i;
    s.info.name = l.name();
    s.info.type = l.type();
    s.info.kind = glassbox::to_string(l.kind());
    s.info.inputs = net.layer_inputs(i);
    s.layer = &l;
    switch (l.kind()) {
      case LayerKind::linear: {
        Layer* base = &l;
        Layer* bn = sole_normalization_after(i);
        if (bn && l.activation() == Activation::linear) {
          s.owned = merge_batch_norm(l, *bn, net.layer_input_shape(i), net.registry());
          if (s.owned) base = s.owned.get();
        }
        make_linear(s, i, *base, first, last);
        if (s.owned) s.info.role += "+batch_normalization";
        break;
      }
      case LayerKind::normalization: {
        const int in = net.layer_inputs(i)[0];
        if (in != ExplainedNetwork::kInput && steps[static_cast<std::size_t>(in)].owned) {
          s.flow = Flow::merged;
          s.info.role = "normalization";
          s.info.rule = "merged_into_previous";
        } else {
          make_linear(s, i, l, false, false);
        }
        break;
      }
      case LayerKind::activation:
        set_flow(s, Flow::pass, "activation", "pass");
        break;
      case LayerKind::dropout:
        set_flow(s, Flow::pass, "dropout", "pass");
        s.dropout = true;
        break;
      case LayerKind::pooling:
        set_flow(s, Flow::winner_take_all, "pooling", "winner_take_all");
        break;
      case LayerKind::reshape:
        set_flow(s, Flow::reshape, "reshape", "reshape");
        break;
      case LayerKind::merge:
        set_flow(s, Flow::merge, "merge", "split_by_contribution");
        s.merge = as_merge(l);
        break;
      case LayerKind::softmax:
      case LayerKind::other:
        no_rule(i, l, "LRP knows linear, activation, pooling, reshape, normalization, merge and dropout "
                      "layers (a softmax only at the end); give the plugin layer the kind its "
                      "relevance flows by, or explain with a gradient method");
    }
  }

  static void set_flow(Step& s, Flow flow, const char* role, const char* rule) {
    s.flow = flow;
    s.info.role = role;
    s.info.rule = rule;
  }

  // Forward sweep: every step's input and output; linear steps also run their terms.
  const Tensor& forward(const Tensor& batch) {
    const std::vector<std::size_t>& order = net.order();
    auto output_of = [&](int j) { return j == ExplainedNetwork::kInput ? &batch : steps[static_cast<std::size_t>(j)].output; };
    for (std::size_t k = 0; k < order.size(); ++k) {
      const std::size_t i = order[k];
      Step& s = steps[i];
      const bool last = k + 1 == order.size();
      const std::vector<int>& ins = net.layer_inputs(i);
      const Tensor* x = output_of(ins[0]);
      s.input = x;
      switch (s.flow) {
        case Flow::linear: {
          linear_terms_forward(s, *x);
          const Tensor* pre = s.plain ? s.groups[0].terms[0].z : nullptr;
          if (last) {
            s.output = pre ? pre : &s.layer->forward(*x, Mode::linear);
          } else if (pre && s.activation == Activation::linear) {
            s.output = pre;
          } else if (pre && s.activation == Activation::relu) {
            resize_like(s.own_output, *pre);
            const float* z = pre->data();
            float* a = s.own_output.data();
            for (std::size_t k = 0, m = pre->size(); k < m; ++k) a[k] = z[k] > 0.0f ? z[k] : 0.0f;
            s.output = &s.own_output;
          } else {
            s.output = &s.layer->forward(*x, Mode::inference);
          }
          break;
        }
        case Flow::pass:
          s.output = s.dropout ? x : &s.layer->forward(*x, last ? Mode::linear : Mode::inference);
          break;
        case Flow::merged:
          s.output = x;
          break;
        case Flow::winner_take_all:
          s.output = &s.layer->forward(*x, Mode::linear);
          break;
        case Flow::reshape:
          s.output = &s.layer->forward(*x, Mode::inference);
          break;
        case Flow::merge:
          s.inputs.clear();
          for (int j : ins) s.inputs.push_back(output_of(j));
          s.output = &s.merge->forward_merge(s.inputs, Mode::linear);
          break;
      }
    }
    return *steps[order.back()].output;
  }

  // Hands relevance on to `node` (kInput: the input): as is when the node feeds one layer,
  // summed over its consumers otherwise.
  void hand_on(int node, const Tensor& R) {
    const std::size_t i = node == ExplainedNetwork::kInput ? steps.size() : static_cast<std::size_t>(node);
    if (net.fan_out(node) == 1) {
      relevance_of[i] = &R;
      return;
    }
    Tensor& sum = relevance_sums[i];
    if (relevance_received[i]++ == 0) {
      resize_like(sum, R);
      std::memcpy(sum.data(), R.data(), R.size() * sizeof(float));
    } else {
      float* d = sum.data();
      const float* r = R.data();
      for (std::size_t k = 0, m = sum.size(); k < m; ++k) d[k] += r[k];
    }
    relevance_of[i] = &sum;
  }

  // Backward sweep from the relevance R on the logits; calls keep(i, R) with the relevance
  // on the output of each step i, returns the input relevance (owned by a step or a layer,
  // valid until the next sweep).
  // Steps run in reverse execution order, so a layer's consumers have all handed their
  // relevance on when its turn comes.
  template <class Keep>
  const Tensor& backward(const Tensor& R_out, Keep&& keep) {
    const std::vector<std::size_t>& order = net.order();
    const std::size_t n = steps.size();
    relevance_of.assign(n + 1, nullptr);
    relevance_received.assign(n + 1, 0);
    relevance_sums.resize(n + 1);
    relevance_of[order.back()] = &R_out;
    for (std::size_t k = order.size(); k-- > 0;) {
      const std::size_t i = order[k];
      Step& s = steps[i];
      if (condition && condition->layer == i) discard_bypassing_relevance(k);
      const Tensor& R = condition && condition->layer == i ? mask_to_concepts(*relevance_of[i]) : *relevance_of[i];
      const std::vector<int>& ins = net.layer_inputs(i);
      keep(i, R);
      switch (s.flow) {
        case Flow::linear:
          linear_relevance(s, R, s.relevance_in);
          hand_on(ins[0], s.relevance_in);
          break;
        case Flow::pass:
        case Flow::merged:
          hand_on(ins[0], R);
          break;
        case Flow::winner_take_all:
          hand_on(ins[0], s.layer->backward(R, Gradients::input_only));
          break;
        case Flow::reshape:
          resize_like(s.relevance_in, *s.input);
          std::memcpy(s.relevance_in.data(), R.data(), R.size() * sizeof(float));
          hand_on(ins[0], s.relevance_in);
          break;
        case Flow::merge:
          merge_relevance(s, R);
          for (std::size_t c = 0; c < ins.size(); ++c) hand_on(ins[c], s.merge_relevance[c]);
          break;
      }
    }
    return *relevance_of[n];
  }

  // Conditioning on a layer keeps only the relevance that flows through it. When the
  // sweep reaches the conditioned layer (position k of the execution order), every step
  // after it has handed its relevance on; what the steps before it (and the input) hold
  // then came around the layer — through a skip connection — and is set to zero: only
  // what the conditioned layer hands on from here reaches them. Nothing is pending in a
  // chain, so there this changes nothing.
  void discard_bypassing_relevance(std::size_t k) {
    const std::vector<std::size_t>& order = net.order();
    const std::size_t input = steps.size();
    auto discard = [this](std::size_t j) {
      if (relevance_of[j] == nullptr) return;
      Tensor& zero = relevance_sums[j];
      if (relevance_of[j] != &zero) resize_like(zero, *relevance_of[j]);
      std::fill(zero.data(), zero.data() + zero.size(), 0.0f);
      relevance_of[j] = &zero;
      relevance_received[j] = 0;  // the next consumer's relevance replaces the zeros
    };
    for (std::size_t p = 0; p < k; ++p) discard(order[p]);
    discard(input);
  }

  // The relevance R of this pass's rows with everything but each row's concept zeroed
  // (ConceptCondition), in a buffer owned by the engine.
  const Tensor& mask_to_concepts(const Tensor& R) {
    resize_like(masked, R);
    const std::size_t m = R.shape(0), per = R.size() / m, block = per / R.shape(1);
    std::fill(masked.data(), masked.data() + masked.size(), 0.0f);
    for (std::size_t r = 0; r < m; ++r) {
      const int c = condition->keep[pass_row0 + r];
      const float* src = R.data() + r * per;
      float* dst = masked.data() + r * per;
      if (c < 0) {
        std::copy(src, src + per, dst);
      } else {
        const std::size_t off = static_cast<std::size_t>(c) * block;
        std::copy(src + off, src + off + block, dst + off);
      }
    }
    return masked;
  }

  void check_condition(const ConceptCondition& c, std::size_t rows) const {
    if (c.layer >= steps.size())
      throw Error("LRP: concept layer " + std::to_string(c.layer) + " is not in the network (" +
                  std::to_string(steps.size()) + " layers)");
    if (c.keep.size() != rows)
      throw Error("LRP: " + std::to_string(c.keep.size()) + " concepts for " + std::to_string(rows) + " rows");
    const Shape& out = net.layer_output_shape(c.layer);
    const long concepts = out.empty() ? 0 : static_cast<long>(out[0]);
    for (std::size_t r = 0; r < rows; ++r)
      if (c.keep[r] >= concepts)
        throw Error("LRP: concept " + std::to_string(c.keep[r]) + " of row " + std::to_string(r) + " out of range: layer '" +
                    net.layer(c.layer).name() + "' has " + std::to_string(concepts) + " (0.." +
                    std::to_string(concepts - 1) + ")");
  }

  LrpResult run(const Tensor& x, const Target* target, const std::vector<int>* targets,
                const ConceptCondition* cond = nullptr) {
    if (x.dimension() < 1) throw Error("LRP: input must be a batch (N, ...)");
    const Shape sample = sample_shape_of(x);
    if (sample != net.input_shape())
      throw Error("LRP: input samples have shape " + shape_to_string(sample) + ", the model expects " +
                  shape_to_string(net.input_shape()));
    const std::size_t classes = net.num_classes();
    // Rows to explain: for Target::all every sample once per class.
    std::vector<std::size_t> sample_of;
    std::vector<int> fixed;  // -1: the predicted class
    const std::size_t n = x.shape(0);
    if (targets) {
      if (targets->size() != n)
        throw Error("LRP: " + std::to_string(targets->size()) + " targets for " + std::to_string(n) + " samples");
      for (std::size_t r = 0; r < n; ++r) sample_of.push_back(r), fixed.push_back((*targets)[r]);
    } else if (target->kind == Target::Kind::all) {
      for (std::size_t r = 0; r < n; ++r)
        for (std::size_t c = 0; c < classes; ++c) sample_of.push_back(r), fixed.push_back(static_cast<int>(c));
    } else {
      for (std::size_t r = 0; r < n; ++r)
        sample_of.push_back(r), fixed.push_back(target->kind == Target::Kind::label ? target->label : -1);
    }
    for (int t : fixed)
      if (t >= static_cast<int>(classes))
        throw ConfigError("LRP: target class " + std::to_string(t) + " out of range: the model has " +
                          std::to_string(classes) + " classes (0.." + std::to_string(classes - 1) + ")");
    const std::size_t rows = sample_of.size();
    const bool expanded = target && target->kind == Target::Kind::all;
    if (cond) check_condition(*cond, rows);

    LrpResult res;
    res.plan = plan;
    res.composite = composite.name;
    res.sample = sample_of;
    res.target.resize(rows);
    res.predicted.resize(rows);
    res.logit.resize(rows);
    res.input_sum.resize(rows);
    res.layer_sums.assign(rows, std::vector<double>(net.model_size(), 0.0));
    res.input_relevance = Tensor::from_shape(batch_shape(rows, net.input_shape()));
    if (options.keep_layers) {
      res.layer_relevance.resize(net.model_size());
      for (std::size_t i = 0; i < net.size(); ++i)
        res.layer_relevance[i] = Tensor::from_shape(batch_shape(rows, net.layer_output_shape(i)));
      if (net.skipped_final_softmax())
        res.layer_relevance.back() = Tensor::from_shape(batch_shape(rows, {classes}));
    }

    // Passes of at most kPassRows rows (their activations stay in cache), spread over the
    // compute threads: each thread runs its passes on its own replica of the network.
    const std::size_t pass_rows = std::min(options.batch_size, kPassRows);
    const std::size_t passes = (rows + pass_rows - 1) / pass_rows;
    const std::size_t chunks = parallel_chunks(passes, 1);
    while (replicas.size() + 1 < chunks)
      replicas.push_back(std::make_unique<Impl>(ExplainedNetwork(net), composite, options));
    parallel_for(passes, 1, [&](std::size_t chunk, std::size_t p0, std::size_t p1) {
      Impl& engine = chunk == 0 ? *this : *replicas[chunk - 1];
      engine.condition = cond;
      for (std::size_t p = p0; p < p1; ++p) {
        const std::size_t r0 = p * pass_rows;
        engine.run_pass(x, r0, std::min(pass_rows, rows - r0), expanded, sample_of, fixed, res);
      }
    });
    return res;
  }

  // Rows [r0, r0 + m) of the explanation.
  void run_pass(const Tensor& x, std::size_t r0, std::size_t m, bool expanded,
                const std::vector<std::size_t>& sample_of, const std::vector<int>& fixed, LrpResult& res) {
    const std::size_t n = x.shape(0);
    const Tensor* in = &x;
    if (expanded || r0 != 0 || m != n) {
      std::vector<std::size_t> idx(sample_of.begin() + r0, sample_of.begin() + r0 + m);
      pass_input = gather_rows(x, idx);
      in = &pass_input;
    }
    pass_row0 = r0;
    const Tensor& logits = forward(*in);
    std::vector<int> pred = ExplainedNetwork::argmax_rows(logits);
    resize_like(pass_relevance, logits);
    pass_relevance.fill(0.0f);
    for (std::size_t r = 0; r < m; ++r) {
      const int t = fixed[r0 + r] < 0 ? pred[r] : fixed[r0 + r];
      const float logit = logits(r, static_cast<std::size_t>(t));
      if (!std::isfinite(logit))
        throw Error("LRP: the model's logit for sample " + std::to_string(sample_of[r0 + r]) +
                    " is not finite (" + std::to_string(logit) + ")");
      pass_relevance(r, static_cast<std::size_t>(t)) = logit;
      res.target[r0 + r] = t;
      res.predicted[r0 + r] = pred[r];
      res.logit[r0 + r] = logit;
    }
    auto keep = [&](std::size_t i, const Tensor& rel) {
      const std::size_t per = rel.size() / m;
      for (std::size_t r = 0; r < m; ++r) res.layer_sums[r0 + r][i] = sum_of(rel.data() + r * per, per);
      if (options.keep_layers) add_rows(res.layer_relevance[i], r0, rel);
    };
    if (net.skipped_final_softmax()) keep(net.model_size() - 1, pass_relevance);
    const Tensor& Rin = backward(pass_relevance, keep);
    const std::size_t per = Rin.size() / m;
    for (std::size_t r = 0; r < m; ++r) res.input_sum[r0 + r] = sum_of(Rin.data() + r * per, per);
    add_rows(res.input_relevance, r0, Rin);
  }

  // Measured on the W2 CNN (bench/README.md "Explain"): 4, 8, 16, 32, 64, 128 rows gave
  // 18.5k, 19.5k, 15.5k, 15k, 13.6k, 11.8k explanations/s on two threads.
  static constexpr std::size_t kPassRows = 8;
  std::vector<std::unique_ptr<Impl>> replicas;  // one per extra compute thread, made on first use
  Tensor pass_input, pass_relevance, masked;
  const ConceptCondition* condition = nullptr;  // during a conditioned run
  std::size_t pass_row0 = 0;                    // first row of the current pass
  std::vector<int> consumer;  // a layer that takes layer i's output (-1: none)
  // Per sweep: the relevance on each layer's output (and, last, on the input).
  std::vector<const Tensor*> relevance_of;
  std::vector<std::size_t> relevance_received;
  std::vector<Tensor> relevance_sums;
};

Lrp::Lrp(const MyDeepLearning& model, Composite composite, LrpOptions options)
    : impl_(std::make_unique<Impl>(ExplainedNetwork(model), std::move(composite), options)) {}

Lrp::Lrp(const std::vector<const Layer*>& layers, const Shape& input_shape, Composite composite,
         LrpOptions options, const Registry* registry)
    : impl_(std::make_unique<Impl>(ExplainedNetwork(layers, input_shape, registry), std::move(composite),
                                   options)) {}

Lrp::Lrp(const ExplainedNetwork& network, Composite composite, LrpOptions options)
    : impl_(std::make_unique<Impl>(ExplainedNetwork(network), std::move(composite), options)) {}

Lrp::~Lrp() = default;

LrpResult Lrp::explain(const Tensor& x, const Target& target) { return impl_->run(x, &target, nullptr); }
LrpResult Lrp::explain(const Tensor& x, const std::vector<int>& targets) {
  return impl_->run(x, nullptr, &targets);
}
LrpResult Lrp::explain(const Tensor& x, const std::vector<int>& targets, const ConceptCondition& condition) {
  return impl_->run(x, nullptr, &targets, &condition);
}
const std::vector<LrpLayerPlan>& Lrp::plan() const { return impl_->plan; }
const Composite& Lrp::composite() const { return impl_->composite; }
std::size_t Lrp::num_classes() const { return impl_->net.num_classes(); }
ExplainedNetwork& Lrp::network() { return impl_->net; }

Tensor propagate_linear(const Layer& layer, const RulePtr& rule, const Tensor& x, const Tensor& relevance_out) {
  if (layer.kind() != LayerKind::linear && layer.kind() != LayerKind::normalization)
    throw Error("LRP: propagate_linear: layer '" + layer.name() + "' is not linear");
  std::unique_ptr<Layer> base = layer.clone();
  Step s;
  set_linear_rule(s, *base, rule);
  linear_terms_forward(s, x);
  if (s.groups.at(0).z->shape() != relevance_out.shape())
    throw Error("LRP: propagate_linear: relevance shape does not match the layer's output");
  Tensor Rin;
  linear_relevance(s, relevance_out, Rin);
  return Rin;
}

double LrpResult::conservation_error(std::size_t r) const {
  const double l = logit.at(r);
  return (input_sum.at(r) - l) / std::max(std::fabs(l), 1e-12);
}

Tensor LrpResult::row_relevance(std::size_t r) const {
  return gather_rows(input_relevance, {r});
}

json LrpResult::summary(std::size_t r) const {
  json layers = json::array();
  // In a chain the relevance on a layer's input is the lower layer's output sum; in a
  // graph a layer's input may feed other layers too, so "absorbed" is left out.
  bool chain = true;
  for (std::size_t i = 0; i < plan.size(); ++i)
    chain = chain && (plan[i].inputs.empty() || plan[i].inputs == std::vector<int>{static_cast<int>(i) - 1});
  for (std::size_t i = 0; i < plan.size(); ++i) {
    const LrpLayerPlan& p = plan[i];
    const double out = layer_sums.at(r).at(i);
    // What flows into this layer's input: the next-lower layer's output, or the input.
    const double in = i == 0 ? input_sum.at(r) : layer_sums.at(r).at(i - 1);
    json l{{"index", p.index}, {"name", p.name},         {"type", p.type},
           {"role", p.role},   {"rule", p.rule},         {"relevance_sum", out}};
    if (chain) l["absorbed"] = out - in;
    if (!chain) l["inputs"] = p.inputs;
    if (!p.rule_parameters.empty()) l["rule_parameters"] = p.rule_parameters;
    layers.push_back(l);
  }
  return {{"method", "lrp"},
          {"composite", composite},
          {"sample", sample.at(r)},
          {"explained_class", target.at(r)},
          {"predicted_class", predicted.at(r)},
          {"logit", logit.at(r)},
          {"input_relevance_sum", input_sum.at(r)},
          {"conservation_error", conservation_error(r)},
          {"layers", layers}};
}

}  // namespace glassbox::explain
