# Datasets by name (load_data) and from NumPy arrays.
import numpy as np
import pytest

import glassbox


def test_load_data_by_name_gives_the_views(synthetic):
    assert synthetic.dataset == "synthetic"
    assert len(synthetic.train) == 240 and len(synthetic.test) == 60
    x, y = synthetic.train.x, synthetic.train.y
    assert x.dtype == np.float32 and x.shape == (240, 1, 28, 28) and x.flags.c_contiguous
    assert y.dtype == np.int64 and set(np.unique(y)) == {0, 1, 2}
    assert synthetic.train.sample_shape == (1, 28, 28)
    assert synthetic.train.num_classes == 3


def test_class_subset_renumbers_and_keeps_unseen():
    d = glassbox.load_data("synthetic", num_classes=4, samples=200, test_samples=80, classes=[1, 3], unseen_classes=[2])
    assert set(np.unique(d.train.y)) == {0, 1}
    assert set(np.unique(d.train.original_labels)) == {1, 3}
    assert set(np.unique(d.unseen.original_labels)) == {2}
    assert d.classes == [1, 3] and d.unseen_classes == [2]


def test_unknown_data_key_is_a_config_error_naming_it():
    with pytest.raises(glassbox.ConfigError, match="num_clases") as e:
        glassbox.load_data("synthetic", num_clases=3)
    assert isinstance(e.value, ValueError)


def test_unknown_dataset_names_the_known_ones():
    with pytest.raises(glassbox.ConfigError, match=r"unknown dataset 'nope' \(known: .*synthetic"):
        glassbox.load_data("nope")


def test_labeled_data_from_arrays_keeps_the_values():
    rng = np.random.default_rng(0)
    x = rng.random((10, 2, 3), dtype=np.float32)
    y = np.array([0, 1, 2, 1, 0, 2, 2, 1, 0, 1])
    d = glassbox.LabeledData(x, y)
    assert len(d) == 10 and d.num_classes == 3 and d.sample_shape == (2, 3)
    np.testing.assert_array_equal(d.x, x)
    np.testing.assert_array_equal(d.y, y)
    np.testing.assert_array_equal(d.samples([3, 0]), x[[3, 0]])
    assert len(d.select([1, 2])) == 2


def test_arrays_of_the_wrong_kind_raise_value_error():
    x = np.zeros((4, 3), dtype=np.float32)
    with pytest.raises(ValueError, match=r"expected a float32 array, got dtype float64"):
        glassbox.LabeledData(x.astype(np.float64), np.zeros(4, dtype=np.int64))
    with pytest.raises(ValueError, match=r"expected integer class labels, got dtype float32"):
        glassbox.LabeledData(x, np.zeros(4, dtype=np.float32))
    with pytest.raises(ValueError, match=r"expected shape \(4,\) \(one label per sample\), got \(3,\)"):
        glassbox.LabeledData(x, np.zeros(3, dtype=np.int64))
    with pytest.raises(ValueError, match=r"\[2\]: label -1 is not a class \(labels are 0, 1, ...\)"):
        glassbox.LabeledData(x, np.array([0, 1, -1, 0]))
    with pytest.raises(ValueError, match="expected a numpy.ndarray, got list"):
        glassbox.LabeledData([[0.0]], np.zeros(1, dtype=np.int64))


def test_datasets_lists_the_sources():
    ds = glassbox.datasets()
    assert ds["synthetic"]["available"] is True
    assert ds["synthetic"]["sample_shape"] == (1, 28, 28)
    assert "fashion-mnist" in ds and "mnist-digits" in ds


def test_plugins_are_the_build_tree_ones():
    names = {p["name"] for p in glassbox.plugins()}
    assert {"glassbox-layers", "glassbox-optimizers", "glassbox-datasets"} <= names
    assert "dense" in glassbox.layers() and "adam" in glassbox.optimizers()


def test_a_file_that_is_no_plugin_raises_plugin_error(tmp_path):
    bad = tmp_path / "libbad.so"
    bad.write_bytes(b"not a shared library")
    with pytest.raises(glassbox.PluginError, match="libbad.so"):
        glassbox.load_plugin(str(bad))
