# The projection step (PCA per layer, unseen classes projected onto the same axes) against
# NumPy: `glassbox run` with a projection section, then the saved model's activations of
# the same inputs, their principal axes by np.linalg.svd, and the coordinates compared.
import json
import subprocess

import numpy as np
import pytest

import glassbox
from conftest import DRIVER

EXPERIMENT = {
    "name": "projection",
    "seed": 5,
    "data": {"dataset": "synthetic", "num_classes": 4, "classes": [0, 1, 2], "unseen_classes": [3],
             "samples": 400, "test_samples": 200},
    "model": {"layers": [
        {"type": "conv2d", "filters": 3, "kernel_size": 3, "activation": "relu"},
        {"type": "max_pool2d", "pool_size": 2},
        {"type": "flatten"},
        {"type": "dense", "units": 12, "activation": "relu"},
        {"type": "dense", "units": 3},
    ]},
    "train": {"epochs": 1, "batch_size": 32},
    "projection": {"samples": 80, "unseen_samples": 30, "components": 2, "seed": 9},
}


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    folder = tmp_path_factory.mktemp("projection")
    (folder / "exp.json").write_text(json.dumps(EXPERIMENT))
    done = subprocess.run([str(DRIVER), "run", str(folder / "exp.json"), "--out", str(folder / "run")],
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    assert "projection: PCA of 80 held-out inputs per layer, 30 unseen inputs projected" in done.stdout
    return folder / "run"


def numpy_pca(acts, k):
    mean = acts.mean(axis=0)
    _, s, vt = np.linalg.svd(acts - mean, full_matrices=False)
    axes = vt[:k]
    for a in axes:  # the documented sign: the largest-magnitude entry is positive
        if a[np.argmax(np.abs(a))] < 0:
            a *= -1
    return mean, axes, s[:k] ** 2 / (len(acts) - 1), (s ** 2).sum() / (len(acts) - 1)


def test_each_layers_coordinates_are_numpys_pca(run):
    summary = json.loads((run / "projection.json").read_text())
    arrays = run / "projection" / "arrays"
    inputs, labels = np.load(arrays / "inputs.npy"), np.load(arrays / "labels.npy")
    unseen_inputs = np.load(arrays / "unseen_inputs.npy")
    assert len(inputs) == 80 and len(unseen_inputs) == 30 and summary["unseen_classes"] == ["3"]
    data = glassbox.load_data(**EXPERIMENT["data"], seed=EXPERIMENT["seed"])
    np.testing.assert_array_equal(labels, data.test.y[inputs])
    model = glassbox.MyDeepLearning.load(str(run / "model"))
    x, xu = data.test.x[inputs], data.unseen.x[unseen_inputs]
    acts, acts_u = model.activations(x), model.activations(xu)
    acts["input"], acts_u["input"] = x, xu
    names = [layer["name"] for layer in summary["layers"]]
    assert names == ["input", "conv2d_1", "max_pool2d_1", "dense_1", "dense_2"]  # no flatten
    for layer in summary["layers"]:
        a = acts[layer["name"]].reshape(len(x), -1).astype(np.float64)
        au = acts_u[layer["name"]].reshape(len(xu), -1).astype(np.float64)
        mean, axes, var, total = numpy_pca(a, 2)
        np.testing.assert_allclose(layer["variance_ratio"], var / total, rtol=1e-4, err_msg=layer["name"])
        scale = np.abs((a - mean) @ axes.T).max()
        np.testing.assert_allclose(np.load(run / layer["coords"]), (a - mean) @ axes.T, atol=1e-4 * scale,
                                   err_msg=layer["name"])
        np.testing.assert_allclose(np.load(run / layer["unseen_coords"]), (au - mean) @ axes.T,
                                   atol=1e-4 * scale, err_msg=layer["name"])
        assert (run / layer["plot"]).stat().st_size > 0


def test_a_bad_projection_key_exits_2_naming_it(tmp_path):
    bad = json.loads(json.dumps(EXPERIMENT))
    bad["projection"]["componets"] = 3
    (tmp_path / "bad.json").write_text(json.dumps(bad))
    done = subprocess.run([str(DRIVER), "run", str(tmp_path / "bad.json"), "--out", str(tmp_path / "run")],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert "unknown key 'projection.componets', did you mean 'projection.components'?" in done.stderr
