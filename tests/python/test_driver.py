# The module against the driver: the same experiment trained from Python and by
# `glassbox run` gives the same weights; LRP from Python equals `glassbox explain`'s .npy;
# a bad argument raises the message the driver prints.
import json
import subprocess

import numpy as np
import pytest

import glassbox
from glassbox import explain
from conftest import DRIVER

EXPERIMENT = {
    "name": "python-vs-driver",
    "seed": 7,
    "data": {"dataset": "synthetic", "num_classes": 3, "samples": 300, "test_samples": 60, "validation_split": 0.2},
    "model": {
        "layers": [
            {"type": "conv2d", "filters": 4, "kernel_size": 3, "activation": "relu"},
            {"type": "max_pool2d", "pool_size": 2},
            {"type": "flatten"},
            {"type": "dense", "units": 16, "activation": "relu"},
            {"type": "dense", "units": 3},
        ],
        "loss": "sparse_categorical_crossentropy",
    },
    "train": {"epochs": 2, "batch_size": 16, "optimizer": {"type": "adam", "learning_rate": 0.005}},
}


def run_driver(*args):
    return subprocess.run([str(DRIVER), *args], capture_output=True, text=True, timeout=600)


@pytest.fixture(scope="module")
def driver_run(tmp_path_factory):
    folder = tmp_path_factory.mktemp("driver")
    (folder / "exp.json").write_text(json.dumps(EXPERIMENT))
    done = run_driver("run", str(folder / "exp.json"), "--out", str(folder / "run"))
    assert done.returncode == 0, done.stderr
    return folder / "run"


def train_from_python():
    data = glassbox.load_data(**EXPERIMENT["data"], seed=EXPERIMENT["seed"])
    model = glassbox.MyDeepLearning(seed=EXPERIMENT["seed"], layers=EXPERIMENT["model"]["layers"])
    train = EXPERIMENT["train"]
    model.compile(optimizer=train["optimizer"], loss=EXPERIMENT["model"]["loss"])
    history = model.fit(data.train, epochs=train["epochs"], batch_size=train["batch_size"],
                        validation_data=data.validation, verbose=0)
    return data, model, history


def test_same_experiment_same_weights(driver_run):
    _, model, history = train_from_python()
    compared = 0
    for layer in model.layers:
        for name, values in layer.get_weights().items():
            on_disk = np.load(driver_run / "model" / f"{layer.name}.{name}.npy")
            np.testing.assert_array_equal(values, on_disk, err_msg=f"{layer.name}.{name}")
            compared += 1
    assert compared == 6
    metrics = json.loads((driver_run / "metrics.json").read_text())
    assert [e["loss"] for e in metrics["epochs"]] == pytest.approx(history.history["loss"], rel=1e-12)


@pytest.mark.parametrize("method", ["lrp", "gradient"])
def test_explanations_equal_the_drivers_npy(driver_run, tmp_path, method):
    out = tmp_path / method
    done = run_driver("explain", "--model", str(driver_run / "model"), "--count", "5", "--method", method,
                      "--composite", "epsilon-plus", "--out", str(out))
    assert done.returncode == 0, done.stderr
    model = glassbox.MyDeepLearning.load(str(driver_run / "model"))
    data = glassbox.load_data(**EXPERIMENT["data"], seed=EXPERIMENT["seed"])
    x = data.test.x[:5]
    if method == "lrp":
        r = explain.lrp(model, x, composite="epsilon-plus")
    else:
        r = explain.gradient(model, x)
    summary = json.loads((out / "explanations.json").read_text())
    assert len(r["sample"]) == 5
    for row in range(5):
        c = int(r["target"][row])
        on_disk = np.load(out / f"s{row}_c{c}_{method}.npy")
        np.testing.assert_array_equal(r["relevance"][row], on_disk.reshape(r["relevance"][row].shape))
    assert summary["count"] == 5 and len(summary["explanations"]) == 5


def test_a_bad_layer_raises_the_message_the_driver_prints(tmp_path):
    bad = json.loads(json.dumps(EXPERIMENT))
    bad["model"]["layers"][3]["units"] = -4
    (tmp_path / "bad.json").write_text(json.dumps(bad))
    done = run_driver("run", str(tmp_path / "bad.json"), "--out", str(tmp_path / "run"))
    assert done.returncode == 2
    with pytest.raises(glassbox.ConfigError) as e:
        model = glassbox.MyDeepLearning(seed=7)
        for layer in bad["model"]["layers"]:
            model.add(layer)
    # The factory's message, which both put after where the layer is.
    driver_line = done.stderr.rstrip().splitlines()[-1]
    assert "model.layers.3: " in driver_line
    factory_message = driver_line.split("model.layers.3: ", 1)[1]
    assert factory_message.startswith("dense: ") and "'units'" in factory_message and "-4" in factory_message
    assert str(e.value) == "layer 3 (dense): " + factory_message
