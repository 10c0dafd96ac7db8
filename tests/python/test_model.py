# glassbox.MyDeepLearning from Python: building, training, inference, layers, files.
import os
import signal
import threading

import numpy as np
import pytest

import glassbox
from conftest import relu, small_mlp


def test_fit_on_arrays_learns_the_synthetic_task(synthetic):
    model = small_mlp()
    history = model.fit(synthetic.train.x, synthetic.train.y, epochs=4, batch_size=16, verbose=0,
                        validation_data=(synthetic.test.x, synthetic.test.y))
    assert len(history) == 4 and not history.stopped_early
    losses = history.history["loss"]
    assert losses[-1] < losses[0]
    assert set(history.history) == {"epoch", "loss", "accuracy", "val_loss", "val_accuracy", "seconds", "learning_rate"}
    ev = model.evaluate(synthetic.test)
    assert ev["accuracy"] > 0.9
    assert ev["confusion"].shape == (3, 3) and ev["confusion"].sum() == len(synthetic.test)
    assert model.history.history["loss"] == losses


def test_predict_equals_numpy_forward_and_is_not_copied(trained_mlp, synthetic):
    x = synthetic.test.x[:7]
    out = trained_mlp.predict(x)
    k1, b1, k2, b2 = trained_mlp.get_weights()
    expected = relu(x.reshape(7, -1) @ k1 + b1) @ k2 + b2
    np.testing.assert_allclose(out, expected, rtol=1e-5, atol=1e-5)
    assert out.dtype == np.float32 and out.flags.c_contiguous and not out.flags.owndata
    assert type(out.base).__name__ == "PyCapsule"  # the library's own buffer, handed over
    np.testing.assert_array_equal(trained_mlp.predict_classes(x), expected.argmax(axis=1))


def test_activations_are_each_layers_output(trained_mlp, synthetic):
    x = synthetic.test.x[:5]
    acts = trained_mlp.activations(x)
    assert list(acts) == [layer.name for layer in trained_mlp.layers]
    k1, b1, _, _ = trained_mlp.get_weights()
    np.testing.assert_allclose(acts[trained_mlp[1].name], relu(x.reshape(5, -1) @ k1 + b1), rtol=1e-5, atol=1e-5)
    only = trained_mlp.activations(x, layers=[2])
    assert list(only) == [trained_mlp[2].name]


def test_layer_access(trained_mlp):
    dense = trained_mlp.layer("dense_1")
    assert dense.type == "dense" and dense.kind == "linear" and dense.activation == "relu"
    assert dense.input_shape == (784,) and dense.output_shape == (12,)
    assert [p["role"] for p in dense.params] == ["weight", "bias"]
    assert trained_mlp[-1].name == "dense_2" and len(trained_mlp) == 3
    w = dense.get_weights()
    w["bias"] = np.full(12, 0.5, dtype=np.float32)
    dense.set_weights({"bias": w["bias"]})
    np.testing.assert_array_equal(dense.get_weights()["bias"], w["bias"])
    with pytest.raises(ValueError, match=r"dense_1.bias: expected shape \(12,\), got \(3,\)"):
        dense.set_weights({"bias": np.zeros(3, dtype=np.float32)})
    with pytest.raises(glassbox.ConfigError, match=r"dense_1: no parameter 'gamma' \(it has: kernel, bias\)"):
        dense.set_weights({"gamma": np.zeros(3, dtype=np.float32)})
    with pytest.raises(glassbox.ConfigError, match="dense_9"):
        trained_mlp.layer("dense_9")
    with pytest.raises(IndexError):
        trained_mlp[3]


def test_summary_and_config(trained_mlp):
    lines = []
    trained_mlp.summary(print_fn=lines.append)
    assert "dense_1 (dense)" in lines[0] and f"{trained_mlp.param_count:,}" in lines[0]
    assert trained_mlp.param_count == 784 * 12 + 12 + 12 * 3 + 3
    config = trained_mlp.config()
    assert [layer["type"] for layer in config["layers"]] == ["flatten", "dense", "dense"]


def test_save_and_load_give_the_same_predictions(trained_mlp, synthetic, tmp_path):
    trained_mlp.save(str(tmp_path / "model"))
    loaded = glassbox.MyDeepLearning.load(str(tmp_path / "model"))
    x = synthetic.test.x
    np.testing.assert_array_equal(loaded.predict(x), trained_mlp.predict(x))
    kernel = np.load(tmp_path / "model" / "dense_1.kernel.npy")
    np.testing.assert_array_equal(kernel, trained_mlp.layer("dense_1").get_weights()["kernel"])


def test_same_seed_same_weights(synthetic):
    a, b = small_mlp(seed=11), small_mlp(seed=11)
    for m in (a, b):
        m.fit(synthetic.train, epochs=1, verbose=0)
    for wa, wb in zip(a.get_weights(), b.get_weights()):
        np.testing.assert_array_equal(wa, wb)


def test_bad_arguments_raise_with_the_library_message(synthetic):
    model = glassbox.MyDeepLearning()
    with pytest.raises(glassbox.ConfigError, match=r"unknown layer 'dens' \(known: .*dense"):
        model.add("dens", units=3)
    model.add("flatten")
    model.add("dense", units=2)
    with pytest.raises(glassbox.ConfigError, match=r"unknown optimizer 'adamm'"):
        model.compile(optimizer="adamm")
    model.compile()
    with pytest.raises(glassbox.ConfigError, match=r"the data has 3 classes but the model's output has 2 units"):
        model.fit(synthetic.train, verbose=0)
    with pytest.raises(ValueError, match=r"expected a float32 array, got dtype float64 \(convert with x.astype"):
        model.predict(synthetic.test.x.astype(np.float64))
    with pytest.raises(ValueError, match=r"predict x: expected shape \(N, 1, 28, 28\) .*got \(4, 784\)"):
        model.predict(np.zeros((4, 784), dtype=np.float32))
    with pytest.raises(ValueError, match="needs its labels y"):
        model.fit(synthetic.train.x, verbose=0)
    with pytest.raises(ValueError, match="verbose"):
        model.fit(synthetic.train, verbose="loud")


def test_fit_prints_one_line_per_epoch_when_not_on_a_terminal(synthetic, capsys):
    model = small_mlp()
    model.fit(synthetic.train, epochs=2, verbose="auto")
    assert capsys.readouterr().out == ""  # auto: quiet off a terminal
    model.fit(synthetic.train, epochs=2, verbose=2)
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 2 and lines[0].startswith("Epoch 1/2 - ") and "loss: " in lines[1]


def test_on_epoch_end_gets_the_figures_and_can_stop(synthetic):
    model = small_mlp()
    seen = []

    def on_epoch_end(log):
        seen.append(log)
        if log["epoch"] == 2:
            model.stop_training("enough")

    history = model.fit(synthetic.train, epochs=5, verbose=0, on_epoch_end=on_epoch_end)
    assert [s["epoch"] for s in seen] == [1, 2] and len(history) == 2
    assert history.stopped_early and history.stop_reason == "enough"


def test_an_exception_in_on_epoch_end_stops_fit_and_is_raised(synthetic):
    model = small_mlp()

    def fail(log):
        raise RuntimeError("from the callback")

    with pytest.raises(RuntimeError, match="from the callback"):
        model.fit(synthetic.train, epochs=3, verbose=0, on_epoch_end=fail)
    assert len(model.history) == 1


def test_early_stopping_from_the_train_section(synthetic):
    model = small_mlp()
    history = model.fit(synthetic.train, epochs=50, verbose=0, validation_split=0.25,
                        early_stopping={"monitor": "loss", "patience": 0, "min_delta": 10.0})
    assert history.stopped_early and len(history) == 2


def test_ctrl_c_stops_after_a_batch_and_raises_keyboard_interrupt(synthetic):
    model = small_mlp()
    started = threading.Event()
    timer = threading.Thread(target=lambda: (started.wait(), os.kill(os.getpid(), signal.SIGINT)))
    timer.start()
    with pytest.raises(KeyboardInterrupt):
        model.fit(synthetic.train, epochs=100000, batch_size=8, verbose=0, on_epoch_end=lambda log: started.set())
    timer.join()
    assert model.history.stopped_early and model.history.stop_reason == "interrupted"
    assert 1 <= len(model.history) < 100000
    assert np.isfinite(model.predict(synthetic.test.x[:3])).all()  # usable afterwards


def test_fit_releases_the_gil(synthetic):
    """While fit trains in a thread, this thread runs Python and meets the busy model."""
    model = small_mlp()
    first_epoch = threading.Event()
    errors = []

    def train():
        try:
            model.fit(synthetic.train, epochs=100000, batch_size=8, verbose=0, on_epoch_end=lambda log: first_epoch.set())
        except Exception as e:  # noqa: BLE001 - reported below
            errors.append(e)

    t = threading.Thread(target=train)
    t.start()
    assert first_epoch.wait(60)
    with pytest.raises(RuntimeError, match="busy"):
        model.predict(synthetic.test.x[:2])
    model.stop_training("done")
    t.join()
    assert not errors and model.history.stop_reason == "done"
