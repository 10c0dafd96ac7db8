"""Explanations of a model's decisions, as NumPy arrays and dicts.

Every function takes the model and a float32 batch ``x`` of its inputs (or a
LabeledData), and ``target``: "predicted" (default), "all", a class number, or (lrp
only) one class per row. The explained score is always the logit (docs/lrp.md).
"""
from ._glassbox import explain as _native

lrp = _native.lrp
attribute = _native.attribute
perturbation = _native.perturbation
signatures = _native.signatures
signature_study = _native.signature_study
methods = _native.methods
composites = _native.composites
rules = _native.rules


def gradient(model, x, target="predicted"):
    """d logit / dx (Simonyan et al. 2014)."""
    return attribute(model, x, "gradient", target=target)


def gradient_x_input(model, x, target="predicted"):
    """x * d logit / dx (Shrikumar et al. 2016)."""
    return attribute(model, x, "gradient_x_input", target=target)


def integrated_gradients(model, x, target="predicted", steps=32, baseline=0.0):
    """(x - x') times the mean gradient on the straight path from the constant image x'."""
    return attribute(model, x, "integrated_gradients", target=target, steps=steps, baseline=baseline)


def smoothgrad(model, x, target="predicted", samples=16, noise=0.15, seed=0):
    """The mean gradient over noisy copies of x (Smilkov et al. 2017)."""
    return attribute(model, x, "smoothgrad", target=target, samples=samples, noise=noise, seed=seed)


def occlusion(model, x, target="predicted", patch=4, stride=2, value=0.0):
    """The logit drop when a patch is set to `value`, averaged over the patches covering a pixel."""
    return attribute(model, x, "occlusion", target=target, patch=patch, stride=stride, value=value)


def study(model, data, **options):
    """signature_study on a Data from load_data: fit on its train split, probe its test split
    and its unseen classes, as `glassbox run` does for an experiment's signatures section."""
    return signature_study(model, data.train, data.test, data.unseen if len(data.unseen) else None,
                           data.source_class_names, **options)


__all__ = ["lrp", "attribute", "perturbation", "signatures", "signature_study", "study", "methods",
           "composites", "rules", "gradient", "gradient_x_input", "integrated_gradients",
           "smoothgrad", "occlusion"]
