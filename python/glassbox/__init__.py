"""glassbox from Python: Keras-like models, datasets, LRP and activation signatures.

The compiled part (``glassbox._glassbox``) binds the C++ library; the classes and
functions below are that library's, documented in docs/python.md.

    import glassbox
    data = glassbox.load_data("synthetic", num_classes=4, seed=1)
    model = glassbox.MyDeepLearning(seed=7)
    model.add("flatten")
    model.add("dense", units=4)
    model.compile(optimizer="adam", learning_rate=0.01)
    history = model.fit(data.train.x, data.train.y, epochs=3)
    relevance = glassbox.explain.lrp(model, data.test.x[:8])["relevance"]
"""
from ._glassbox import (
    ConfigError,
    Data,
    DataError,
    Error,
    History,
    LabeledData,
    Layer,
    MyDeepLearning,
    PluginError,
    Sequential,
    __version__,
    dataset_types,
    datasets,
    info,
    layers,
    load_data,
    load_plugin,
    load_plugins,
    optimizers,
    plugins,
    set_threads,
    threads,
)
from . import explain

__all__ = [
    "ConfigError", "Data", "DataError", "Error", "History", "LabeledData", "Layer",
    "MyDeepLearning", "PluginError", "Sequential", "dataset_types", "datasets", "explain",
    "info", "layers", "load_data", "load_plugin", "load_plugins", "optimizers", "plugins",
    "set_threads", "threads",
]
