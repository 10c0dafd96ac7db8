"""A small evaluator of ONNX graphs in PyTorch (torch.nn.functional, ONNX's operator
semantics), independent of glassbox: it checks that glassbox's exported files compute what
the glassbox model computes. Covers the operators glassbox's export writes."""
import json

import numpy as np
import torch
import torch.nn.functional as F
from onnx import numpy_helper


def _attrs(node):
    out = {}
    for a in node.attribute:
        out[a.name] = list(a.ints) if a.ints else (a.f if a.type == a.FLOAT else a.i)
    return out


def _conv_pads(pads):
    top, left, bottom, right = pads
    return (left, right, top, bottom)  # F.pad's order: last axis first


def run(model, x):
    """The graph's output for the batch x (float32 numpy)."""
    values = {t.name: torch.from_numpy(numpy_helper.to_array(t).copy()) for t in model.graph.initializer}
    values[model.graph.input[0].name] = torch.from_numpy(x)
    for node in model.graph.node:
        a = _attrs(node)
        ins = [values[n] for n in node.input]
        op = node.op_type
        if op == "Conv":
            y = F.conv2d(F.pad(ins[0], _conv_pads(a.get("pads", [0, 0, 0, 0]))), ins[1],
                         ins[2] if len(ins) > 2 else None, stride=a.get("strides", [1, 1]))
        elif op == "Gemm":
            y = ins[0] @ (ins[1].T if a.get("transB", 0) else ins[1])
            y = y + ins[2] if len(ins) > 2 else y
        elif op in ("MaxPool", "AveragePool"):
            pool = F.max_pool2d if op == "MaxPool" else F.avg_pool2d
            y = pool(ins[0], a["kernel_shape"], a.get("strides", a["kernel_shape"]))
        elif op == "GlobalAveragePool":
            y = ins[0].mean(dim=(2, 3), keepdim=True)
        elif op == "BatchNormalization":
            y = F.batch_norm(ins[0], ins[3], ins[4], ins[1], ins[2], False, 0.0, a.get("epsilon", 1e-5))
        elif op == "Flatten":
            y = torch.flatten(ins[0], a.get("axis", 1))
        elif op == "Reshape":
            shape = [ins[0].shape[i] if d == 0 else d for i, d in enumerate(ins[1].tolist())]
            y = ins[0].reshape(shape)
        elif op in ("Add", "Sum"):
            y = sum(ins[1:], ins[0])
        elif op == "Mean":
            y = sum(ins[1:], ins[0]) / len(ins)
        elif op == "Concat":
            y = torch.cat(ins, dim=a["axis"])
        else:
            y = {"Relu": torch.relu, "Sigmoid": torch.sigmoid, "Tanh": torch.tanh, "Identity": lambda t: t,
                 "Softmax": lambda t: torch.softmax(t, dim=-1),
                 "LeakyRelu": lambda t: F.leaky_relu(t, a.get("alpha", 0.01))}[op](ins[0])
        values[node.output[0]] = y
    return values[model.graph.output[0].name].numpy()


def metadata(model):
    return {p.key: p.value for p in model.metadata_props}


def class_names(model):
    text = metadata(model).get("classes")
    return json.loads(text) if text else None
