"""ONNX import and export against PyTorch: networks built and trained in PyTorch, exported
with torch.onnx.export, imported by `glassbox import` (and opened directly as --model
FILE.onnx), must predict what PyTorch predicts, give PyTorch's gradient x input, conserve
LRP relevance, and survive export -> import unchanged; broken files give one clear line.
Run by CTest (tests/CMakeLists.txt) with the build's package on PYTHONPATH."""
import json
import os
import pathlib
import subprocess

import numpy as np
import onnx
import pytest
import torch

import glassbox
from glassbox import explain

import onnx_reference
import torch_models as tm

BUILD_DIR = pathlib.Path(os.environ["GLASSBOX_BUILD_DIR"])
SOURCE_DIR = pathlib.Path(__file__).resolve().parents[2]
DRIVER = BUILD_DIR / "glassbox"
DIGITS = [str(d) for d in range(10)]


def cli(*args, cwd=None):
    return subprocess.run([str(DRIVER), "--quiet", *map(str, args)], capture_output=True, text=True, cwd=cwd,
                          env={**os.environ, "OPENBLAS_NUM_THREADS": "1"})


def one_error_line(result):
    """The result failed (non-zero exit, no crash) with exactly one line on stderr; returns it."""
    assert result.returncode in (1, 2), (result.returncode, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "internal error" not in lines[0]
    return lines[0]


@pytest.fixture(scope="session")
def mnist():
    folder = tm.mnist_dir(SOURCE_DIR)
    if not (folder / "t10k-images-idx3-ubyte").is_file():
        message = f"MNIST is not installed in {folder}: run scripts/fetch-data.sh"
        if os.environ.get("CI") == "true":
            pytest.fail("CI=true: " + message)
        pytest.skip(message)
    train_x = tm.read_idx_images(folder / "train-images-idx3-ubyte", 4000)
    train_y = tm.read_idx_labels(folder / "train-labels-idx1-ubyte", 4000)
    test_x = tm.read_idx_images(folder / "t10k-images-idx3-ubyte", 100)
    return train_x, train_y, test_x


@pytest.fixture(scope="session")
def work(tmp_path_factory):
    return tmp_path_factory.mktemp("onnx")


def make_net(kind, bias, mnist):
    torch.manual_seed(1)
    net = {"cnn": tm.SmallCnn, "resnet": tm.SmallResNet, "mixed": tm.MixedNet}[kind](bias)
    return tm.train(net, mnist[0], mnist[1], steps=150)


@pytest.fixture(scope="session", params=["cnn", "resnet", "mixed"])
def imported(request, mnist, work):
    """(PyTorch net, its ONNX file, the glassbox model imported from it, model folder)."""
    kind = request.param
    net = make_net(kind, True, mnist)
    path = work / f"{kind}.onnx"
    tm.export(net, path, classes=DIGITS)
    folder = work / f"{kind}-model"
    result = cli("import", path, "--out", folder)
    assert result.returncode == 0, result.stderr
    return net, path, glassbox.MyDeepLearning.load(str(folder)), folder


def torch_logits(net, x):
    with torch.no_grad():
        return net(torch.from_numpy(x)).numpy()


def test_predictions_equal_pytorchs_on_100_mnist_images(imported, mnist):
    net, _, model, folder = imported
    x = mnist[2]
    got, want = model.predict(x), torch_logits(net, x)
    assert got.shape == want.shape == (100, 10)
    np.testing.assert_allclose(got, want, rtol=0, atol=1e-5)
    assert (got.argmax(1) == want.argmax(1)).all()
    assert json.loads((folder / "model.json").read_text())["classes"] == DIGITS


def test_gradient_x_input_equals_autograd(imported, mnist):
    net, _, model, _ = imported
    x = mnist[2][:20]
    r = explain.gradient_x_input(model, x)
    xt = torch.from_numpy(x.copy()).requires_grad_(True)
    logits = net(xt)
    target = torch.from_numpy(np.asarray(r["target"], dtype=np.int64))
    logits.gather(1, target[:, None]).sum().backward()
    np.testing.assert_allclose(r["relevance"], (xt.grad * xt).detach().numpy(), rtol=0, atol=1e-4)


@pytest.mark.parametrize("kind", ["cnn", "resnet"])
def test_lrp_conserves_relevance_on_bias_free_imports(kind, mnist, work):
    net = make_net(kind, False, mnist)
    path = work / f"{kind}-nobias.onnx"
    tm.export(net, path)
    model = glassbox.MyDeepLearning.load(str(_import(path, work / f"{kind}-nobias-model")))
    x = mnist[2][:10]
    r = explain.lrp(model, x, composite="lrp0")
    np.testing.assert_allclose(r["input_sum"], r["logit"], rtol=1e-4)
    assert np.abs(r["conservation_error"]).max() < 1e-4
    # Without biases LRP-0 is gradient x input: PyTorch's autograd gives it independently.
    xt = torch.from_numpy(x.copy()).requires_grad_(True)
    net(xt).gather(1, torch.from_numpy(np.asarray(r["target"], dtype=np.int64))[:, None]).sum().backward()
    np.testing.assert_allclose(r["relevance"], (xt.grad * xt).detach().numpy(), rtol=0, atol=1e-4)


def test_lrp_runs_on_the_imports(imported, mnist):
    _, _, model, _ = imported
    r = explain.lrp(model, mnist[2][:5], composite="epsilon-plus")
    assert np.isfinite(r["relevance"]).all() and r["relevance"].shape == (5, 1, 28, 28)


def _import(path, folder):
    result = cli("import", path, "--out", folder)
    assert result.returncode == 0, result.stderr
    return folder


def test_export_then_import_gives_identical_predictions(imported, mnist, work):
    _, path, model, folder = imported
    out = work / (path.stem + "-again.onnx")
    result = cli("export", "--model", folder, "--onnx", out)
    assert result.returncode == 0, result.stderr
    proto = onnx.load(str(out))
    onnx.checker.check_model(proto)
    assert proto.opset_import[0].version == 13
    assert [i.name for i in proto.graph.input] == ["input"] and [o.name for o in proto.graph.output] == ["output"]
    assert onnx_reference.class_names(proto) == DIGITS
    x = mnist[2]
    again = glassbox.MyDeepLearning.load(str(_import(out, work / (path.stem + "-again-model"))))
    np.testing.assert_array_equal(again.predict(x), model.predict(x))
    # The exported file computes the model's function by ONNX's semantics, not only glassbox's.
    np.testing.assert_allclose(onnx_reference.run(proto, x), model.predict(x), rtol=0, atol=1e-5)


def test_an_onnx_file_is_accepted_wherever_a_model_folder_is(imported, work):
    _, path, _, _ = imported
    out = work / (path.stem + "-explained")
    result = cli("explain", "--model", path, "--data", "mnist-digits", "--index", "0", "--method", "gradient_x_input",
                 "--out", out)
    assert result.returncode == 0, result.stderr
    assert (out / "explanations.json").is_file()


def test_import_as_a_run_for_the_page(imported, work):
    _, path, model, _ = imported
    run = work / (path.stem + "-run")
    result = cli("import", path, "--run", run, "--data", "mnist-digits", "--limit", "500", "--signatures")
    assert result.returncode == 0, result.stderr
    metrics = json.loads((run / "metrics.json").read_text())
    assert metrics["epochs"] == [] and metrics["imported_from"] == str(path)
    assert metrics["test_samples"] == 10000 and sum(map(sum, metrics["confusion_matrix"])) == 10000
    assert 0.1 < metrics["test_accuracy"] <= 1
    assert json.loads((run / "config.json").read_text())["description"] == f"imported from {path}"
    assert json.loads((run / "signatures.json").read_text())["format"] == "glassbox-signatures/1"
    # The run's model is the import; commands find its data through the run's config.json.
    again = glassbox.MyDeepLearning.load(str(run / "model"))
    x = np.zeros((2, 1, 28, 28), np.float32)
    np.testing.assert_array_equal(again.predict(x), model.predict(x))
    result = cli("explain", "--model", run, "--index", "3", "--method", "gradient", "--out", work / (path.stem + "-run-explained"))
    assert result.returncode == 0, result.stderr
    line = one_error_line(cli("import", path, "--run", work / "no-data"))
    assert "--data" in line and not (work / "no-data").exists()
    line = one_error_line(cli("import", path, "--run", work / "three", "--data", "mnist-digits", "--classes", "1,3"))
    assert "10" in line and "2 classes" in line and not (work / "three").exists()


def test_a_final_softmax_is_the_output_activation(mnist, work):
    net = make_net("cnn", True, mnist)
    path = work / "softmax.onnx"
    tm.export(net, path, softmax=True)
    model = glassbox.MyDeepLearning.load(str(_import(path, work / "softmax-model")))
    assert model.layer(len(model) - 1).type == "softmax"
    x = mnist[2][:20]
    with torch.no_grad():
        want = torch.softmax(net(torch.from_numpy(x)), dim=1).numpy()
    np.testing.assert_allclose(model.predict(x), want, rtol=0, atol=1e-6)
    r = explain.gradient_x_input(model, x[:3])  # explanations start at the logit
    np.testing.assert_allclose(r["logit"], torch_logits(net, x[:3])[np.arange(3), r["target"]], rtol=0, atol=1e-5)


@pytest.mark.parametrize("example", ["fashion-cnn", "fashion-resnet"])
def test_example_models_export_pass_the_checker_and_reimport(example, mnist, work):
    config = json.loads((SOURCE_DIR / "examples" / f"{example}.json").read_text())
    model = glassbox.MyDeepLearning(seed=3)
    for layer in config["model"]["layers"]:
        model.add(layer)
    model.build((1, 28, 28))
    rng = np.random.default_rng(4)  # random weights, positive variances: every parameter matters
    model.set_weights([np.abs(w) + 0.5 if w.ndim == 1 and np.all(w == 1) else rng.normal(0, 0.3, w.shape).astype(np.float32)
                       for w in model.get_weights()])
    folder = work / f"{example}-model"
    model.save(str(folder))
    out = work / f"{example}.onnx"
    result = cli("export", "--model", folder, "--onnx", out)
    assert result.returncode == 0, result.stderr
    proto = onnx.load(str(out))
    onnx.checker.check_model(proto)
    x = mnist[2][:50]
    again = glassbox.MyDeepLearning.load(str(_import(out, work / f"{example}-again")))
    np.testing.assert_array_equal(again.predict(x), model.predict(x))
    np.testing.assert_allclose(onnx_reference.run(proto, x), model.predict(x), rtol=1e-5, atol=1e-5)


# Broken inputs: each exits non-zero with one line naming the file or node, writes nothing.

def broken(work, name, proto_or_bytes):
    path = work / name
    if isinstance(proto_or_bytes, bytes):
        path.write_bytes(proto_or_bytes)
    else:
        path.write_bytes(proto_or_bytes.SerializeToString())
    return path


def expect_refused(path, work, *words):
    out = work / (path.stem + "-refused")
    line = one_error_line(cli("import", path, "--out", out))
    assert str(path) in line
    for w in words:
        assert w in line, line
    assert not out.exists() and not pathlib.Path(str(out) + ".tmp").exists()
    # The same refusal where a command opens the file directly.
    line2 = one_error_line(cli("explain", "--model", path, "--data", "mnist-digits", "--index", "0", "--out", work / "x"))
    assert str(path) in line2
    return line


def test_an_unknown_operator_is_named_with_the_node(imported, work):
    _, path, _, _ = imported
    proto = onnx.load(str(path))
    relu = next(n for n in proto.graph.node if n.op_type in ("Relu", "LeakyRelu"))
    del relu.attribute[:]
    relu.op_type = "Erf"
    line = expect_refused(broken(work, path.stem + "-erf.onnx", proto), work, f"node '{relu.name}' (Erf)",
                          "unsupported operator", "Conv", "Gemm")


def test_an_unsupported_attribute_is_named(imported, work):
    _, path, _, _ = imported
    proto = onnx.load(str(path))
    conv = next(n for n in proto.graph.node if n.op_type == "Conv")
    kept = [a for a in conv.attribute if a.name != "dilations"]
    del conv.attribute[:]
    conv.attribute.extend(kept + [onnx.helper.make_attribute("dilations", [2, 2])])
    expect_refused(broken(work, path.stem + "-dilated.onnx", proto), work, f"node '{conv.name}' (Conv)", "dilations")


def test_a_truncated_file(imported, work):
    _, path, _, _ = imported
    data = path.read_bytes()
    expect_refused(broken(work, path.stem + "-truncated.onnx", data[: len(data) // 2]), work, "truncated")


def test_an_initializer_of_the_wrong_shape(imported, work):
    _, path, _, _ = imported
    proto = onnx.load(str(path))
    gemm = next(n for n in proto.graph.node if n.op_type == "Gemm")
    weight = next(t for t in proto.graph.initializer if t.name == gemm.input[1])
    w = onnx.numpy_helper.to_array(weight)
    weight.CopyFrom(onnx.numpy_helper.from_array(np.zeros((w.shape[0], w.shape[1] + 3), np.float32), weight.name))
    expect_refused(broken(work, path.stem + "-wrong-shape.onnx", proto), work, f"node '{gemm.name}' (Gemm)",
                   f"'{weight.name}'", f"({w.shape[0]}, {w.shape[1] + 3})", f"({w.shape[0]}, {w.shape[1]})")


def test_an_initializer_with_a_zero_dim_and_huge_others(imported, work):
    # Found by fuzz_onnx_import: (0, 2^30, 2^30, 2^30) holds no values, so a count of the
    # values alone passes, but the tensor's strides are products of the other dims.
    _, path, _, _ = imported
    proto = onnx.load(str(path))
    conv = next(n for n in proto.graph.node if n.op_type == "Conv")
    weight = next(t for t in proto.graph.initializer if t.name == conv.input[1])
    del weight.dims[:]
    weight.dims.extend([0, 1 << 30, 1 << 30, 1 << 30])
    weight.raw_data = b""
    expect_refused(broken(work, path.stem + "-zero-dim.onnx", proto), work, f"'{weight.name}'",
                   "(0, 1073741824, 1073741824, 1073741824)", "spans more than 2147483648 values")


def test_a_missing_initializer(imported, work):
    _, path, _, _ = imported
    proto = onnx.load(str(path))
    conv = next(n for n in proto.graph.node if n.op_type == "Conv")
    keep = [t for t in proto.graph.initializer if t.name != conv.input[1]]
    del proto.graph.initializer[:]
    proto.graph.initializer.extend(keep)
    # The checker does not know it is missing (a graph input may feed it); glassbox names it.
    proto.graph.input.append(onnx.helper.make_tensor_value_info(conv.input[1], onnx.TensorProto.FLOAT, [6, 1, 5, 5]))
    line = one_error_line(cli("import", broken(work, path.stem + "-no-weight.onnx", proto), "--out", work / "nw"))
    assert f"node '{conv.name}' (Conv): missing initializer '{conv.input[1]}'" in line, line


def test_a_file_that_is_not_onnx(work):
    path = broken(work, "notes.onnx", b"this is a text file, not a network\n" * 20)
    expect_refused(path, work, "not an ONNX model")
    png = broken(work, "picture.onnx", (SOURCE_DIR / "docs" / "screenshots").glob("*.png").__next__().read_bytes())
    expect_refused(png, work)


class _ViewNet(torch.nn.Module):
    """x.view(x.size(0), -1): with a symbolic batch axis PyTorch computes the shape in the graph."""

    def __init__(self):
        super().__init__()
        self.conv = torch.nn.Conv2d(1, 2, 3)
        self.fc = torch.nn.Linear(2 * 26 * 26, 10)

    def forward(self, x):
        x = self.conv(x)
        return self.fc(x.view(x.size(0), -1))


def test_a_shape_computed_in_the_graph_is_refused_with_the_hint(work):
    path = work / "view.onnx"
    tm.export(_ViewNet().eval(), path)
    line = expect_refused(path, work, "(Shape)", "unsupported operator", "torch.flatten(x, 1)")

