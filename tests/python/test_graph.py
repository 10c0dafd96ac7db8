# Graph (residual) models from Python: layers with "inputs" as in an experiment file; the
# same graph trained from Python and by `glassbox run` gives the same weights; LRP-0 on a
# bias-free residual net equals gradient x input computed by hand; save and load keep it.
import json
import subprocess

import numpy as np

import glassbox
from glassbox import explain
from conftest import DRIVER

# flatten -> a = dense(relu) -> b = dense -> s = a + b -> out: a skip connection over b.
LAYERS = [
    {"type": "flatten", "name": "f"},
    {"type": "dense", "name": "a", "units": 8, "activation": "relu", "use_bias": False},
    {"type": "dense", "name": "b", "units": 8, "use_bias": False},
    {"type": "add", "name": "s", "inputs": ["a", "b"]},
    {"type": "dense", "name": "out", "units": 3, "use_bias": False},
]
EXPERIMENT = {
    "name": "python-graph",
    "seed": 11,
    "data": {"dataset": "synthetic", "num_classes": 3, "samples": 240, "test_samples": 60},
    "model": {"layers": LAYERS, "loss": "sparse_categorical_crossentropy"},
    "train": {"epochs": 2, "batch_size": 16, "optimizer": {"type": "adam", "learning_rate": 0.01}},
}


def train_from_python():
    data = glassbox.load_data(**EXPERIMENT["data"], seed=EXPERIMENT["seed"])
    model = glassbox.MyDeepLearning(seed=EXPERIMENT["seed"], layers=LAYERS)
    model.compile(optimizer=EXPERIMENT["train"]["optimizer"], loss=EXPERIMENT["model"]["loss"])
    model.fit(data.train, epochs=EXPERIMENT["train"]["epochs"], batch_size=EXPERIMENT["train"]["batch_size"], verbose=0)
    return data, model


def test_a_graph_trained_from_python_equals_the_drivers(tmp_path):
    (tmp_path / "exp.json").write_text(json.dumps(EXPERIMENT))
    done = subprocess.run([str(DRIVER), "run", str(tmp_path / "exp.json"), "--out", str(tmp_path / "run")],
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    _, model = train_from_python()
    for name in ("a", "b", "out"):
        on_disk = np.load(tmp_path / "run" / "model" / f"{name}.kernel.npy")
        np.testing.assert_array_equal(model.layer(name).get_weights()["kernel"], on_disk, err_msg=name)
    lines = []
    model.summary(print_fn=lines.append)
    summary = "".join(lines)
    assert "Connected to" in summary and "a, b" in summary, summary


def test_lrp0_on_a_bias_free_residual_net_is_gradient_times_input(tmp_path):
    data, model = train_from_python()
    x = data.test.x[:6]
    r = explain.lrp(model, x, composite="lrp0")
    k1, k2, k3 = model.get_weights()
    flat = x.reshape(len(x), -1)
    on = (flat @ k1 > 0).astype(np.float32)
    # logit_c = relu(x K1) (I + K2) K3[:, c]: the skip adds the identity to K2.
    through = (np.eye(8, dtype=np.float32) + k2) @ k3
    grad = np.stack([k1 @ (on[i] * through[:, c]) for i, c in enumerate(r["target"])])
    np.testing.assert_allclose(r["relevance"], (flat * grad).reshape(x.shape), rtol=1e-4, atol=1e-6)
    np.testing.assert_allclose(r["input_sum"], r["logit"], rtol=1e-4)
    assert [p["name"] for p in r["plan"]] == ["f", "a", "b", "s", "out"]
    # Saved and loaded: the same graph, the same predictions to the bit.
    model.save(str(tmp_path / "m"))
    again = glassbox.MyDeepLearning.load(str(tmp_path / "m"))
    np.testing.assert_array_equal(again.predict(x), model.predict(x))
    assert json.loads((tmp_path / "m" / "model.json").read_text())["layers"][3]["inputs"] == ["a", "b"]
