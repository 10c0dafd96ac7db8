# Shared set-up of the Python module's tests (run by CTest: tests/CMakeLists.txt puts the
# built package first on PYTHONPATH and names the build folder in GLASSBOX_BUILD_DIR).
import os
import pathlib

import numpy as np
import pytest

import glassbox

BUILD_DIR = pathlib.Path(os.environ.get("GLASSBOX_BUILD_DIR", pathlib.Path(__file__).resolve().parents[2] / "build"))
SOURCE_DIR = pathlib.Path(__file__).resolve().parents[2]
DRIVER = BUILD_DIR / "glassbox"


def require_dataset(name):
    """Skips a test whose dataset files are missing; with CI=true that is a failure."""
    info = glassbox.datasets()[name]
    if not info["available"]:
        message = f"dataset '{name}' is not installed: {info['install_hint']}"
        if os.environ.get("CI") == "true":
            pytest.fail("CI=true: " + message)
        pytest.skip(message)


@pytest.fixture(scope="session")
def synthetic():
    """The synthetic dataset: a bright patch whose position is the class (no files needed)."""
    return glassbox.load_data("synthetic", num_classes=3, samples=240, test_samples=60, seed=5)


def small_mlp(seed=3, hidden=12, classes=3, use_bias=True):
    model = glassbox.MyDeepLearning(seed=seed)
    model.add("flatten")
    model.add("dense", units=hidden, activation="relu", use_bias=use_bias)
    model.add("dense", units=classes, use_bias=use_bias)
    model.compile(optimizer="adam", learning_rate=0.01)
    return model


@pytest.fixture
def trained_mlp(synthetic):
    model = small_mlp()
    model.fit(synthetic.train, epochs=2, batch_size=32, verbose=0)
    return model


def relu(a):
    return np.maximum(a, 0)
