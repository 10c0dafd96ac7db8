# glassbox.explain: LRP, baselines, perturbation and signatures, checked against NumPy.
import numpy as np
import pytest

import glassbox
from glassbox import explain
from conftest import relu, small_mlp


@pytest.fixture(scope="module")
def bias_free(synthetic):
    model = small_mlp(seed=4, use_bias=False)
    model.fit(synthetic.train, epochs=2, verbose=0)
    return model


def numpy_gradient_x_input(model, x, classes):
    """x * d logit_c / dx of flatten -> dense(relu) -> dense, by hand."""
    k1, k2 = model.get_weights()
    flat = x.reshape(len(x), -1)
    on = (flat @ k1 > 0).astype(np.float32)
    grad = np.stack([k1 @ (k2[:, c] * on[i]) for i, c in enumerate(classes)])
    return (flat * grad).reshape(x.shape)


def test_lrp0_on_a_bias_free_relu_net_is_gradient_times_input(bias_free, synthetic):
    x = synthetic.test.x[:6]
    r = explain.lrp(bias_free, x, composite="lrp0")
    assert r["relevance"].shape == x.shape and r["relevance"].dtype == np.float32
    assert not r["relevance"].flags.owndata  # the library's buffer, not a copy
    np.testing.assert_array_equal(r["predicted"], bias_free.predict_classes(x))
    expected = numpy_gradient_x_input(bias_free, x, r["target"])
    np.testing.assert_allclose(r["relevance"], expected, rtol=1e-4, atol=1e-6)
    # Conservation: without biases LRP-0 hands the whole logit to the pixels.
    np.testing.assert_allclose(r["input_sum"], r["logit"], rtol=1e-4)
    assert np.abs(r["conservation_error"]).max() < 1e-4
    assert [(p["name"], p["rule"]) for p in r["plan"]] == [("flatten_1", "reshape"), ("dense_1", "lrp0"), ("dense_2", "lrp0")]


def test_gradient_x_input_baseline_matches_numpy(bias_free, synthetic):
    x = synthetic.test.x[:4]
    g = explain.gradient_x_input(bias_free, x, target=2)
    assert g["method"] == "gradient_x_input"
    np.testing.assert_array_equal(g["target"], [2, 2, 2, 2])
    np.testing.assert_allclose(g["relevance"], numpy_gradient_x_input(bias_free, x, [2] * 4), rtol=1e-4, atol=1e-6)


def test_targets_per_row_and_all(bias_free, synthetic):
    x = synthetic.test.x[:3]
    r = explain.lrp(bias_free, x, target=[0, 2, 1], composite="epsilon")
    np.testing.assert_array_equal(r["target"], [0, 2, 1])
    all_rows = explain.lrp(bias_free, x, target="all")
    assert len(all_rows["sample"]) == 9
    np.testing.assert_array_equal(all_rows["sample"], [0, 0, 0, 1, 1, 1, 2, 2, 2])
    np.testing.assert_array_equal(all_rows["target"], [0, 1, 2] * 3)
    with pytest.raises(ValueError, match=r"target: expected one class per input \(3\), got 2"):
        explain.lrp(bias_free, x, target=[0, 1])


def test_layer_relevance_is_kept_when_asked(bias_free, synthetic):
    x = synthetic.test.x[:2]
    r = explain.lrp(bias_free, x, composite="lrp0", layers=True)
    layers = r["layer_relevance"]
    assert list(layers) == [layer.name for layer in bias_free.layers]
    np.testing.assert_allclose(layers["dense_2"].sum(axis=1), r["logit"], rtol=1e-5)
    assert r["layer_sums"].shape == (2, 3)


def test_bad_explanation_arguments_raise_the_library_message(bias_free, synthetic):
    x = synthetic.test.x[:2]
    with pytest.raises(glassbox.ConfigError, match=r"composite: unknown LRP composite 'epsilon-pluss' \(known: epsilon-plus, "):
        explain.lrp(bias_free, x, composite="epsilon-pluss")
    with pytest.raises(glassbox.ConfigError, match="epsilonn"):
        explain.lrp(bias_free, x, rule_params={"epsilonn": 0.1})
    with pytest.raises(glassbox.ConfigError, match="unknown attribution method 'saliency'|saliency"):
        explain.attribute(bias_free, x, "saliency")
    with pytest.raises(glassbox.ConfigError, match="stepz"):
        explain.attribute(bias_free, x, "integrated_gradients", stepz=3)
    with pytest.raises(ValueError, match="expected a float32 array"):
        explain.lrp(bias_free, x.astype(np.float16))


def test_perturbation_curves(bias_free, synthetic):
    x = synthetic.test.x[:8]
    r = explain.lrp(bias_free, x)
    p = explain.perturbation(bias_free, x, r, region=4, steps=10)
    curves = {order: p[order] for order in ("morf", "lerf", "random")}
    assert p["method"] == "lrp" and p["images"] == 8
    assert all(len(c["mean_logit"]) == 11 for c in curves.values())
    # Before any step the mean explained logit is the one LRP explained.
    assert curves["morf"]["mean_logit"][0] == pytest.approx(float(np.mean(r["logit"])), rel=1e-4)
    assert curves["morf"]["aopc"] > curves["lerf"]["aopc"]


def test_signature_firing_rates_match_the_activations(bias_free, synthetic):
    data = synthetic.test
    s = explain.signatures(bias_free, data, include_input=False)
    layer = next(l for l in s["layers"] if l["name"] == "dense_1")
    assert layer["firing_rate"].shape == (3, 12)
    hidden = bias_free.activations(data.x, layers=["dense_1"])["dense_1"]
    expected = np.stack([(hidden[data.y == c] > 0).mean(axis=0) for c in range(3)])
    np.testing.assert_allclose(layer["firing_rate"], expected, atol=1e-12)
    np.testing.assert_allclose(layer["mean"], np.stack([hidden[data.y == c].mean(axis=0) for c in range(3)]), rtol=1e-5, atol=1e-6)
    assert s["class_counts"] == [int((data.y == c).sum()) for c in range(3)]


def test_signature_study_on_unseen_classes():
    data = glassbox.load_data("synthetic", num_classes=3, samples=240, test_samples=90, classes=[0, 1],
                              unseen_classes=[2], seed=3)
    model = small_mlp(seed=2, classes=2)
    model.fit(data.train, epochs=2, verbose=0)
    study = explain.study(model, data, relevance_samples=8, plots=False, probe_epochs=5)
    assert study["format"] == "glassbox-signatures/1"
    assert [c["source_label"] for c in study["classes"]] == [0, 1]
    assert study["heldout"]["count"] == len(data.test)
    assert [g["count"] for g in study["unseen"]] == [len(data.unseen)]
    assert len(study["relevance_paths"]["classes"]) == 2
    assert isinstance(study["report"], str) and len(study["report"]) > 100
    with pytest.raises(glassbox.ConfigError, match="relevance_sample"):
        explain.study(model, data, relevance_sample=8)
