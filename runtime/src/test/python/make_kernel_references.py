#!/usr/bin/python3
"""Writes runtime/src/test/resources/kernels/: PyTorch's results for each kernel case, so the runtime's
kernels are tested against an outside reference without Python at test time.

cases.txt holds one case a line (the Java test reads the same numbers); cases.safetensors holds each
case's tensors as CASE.input, CASE.weight, CASE.bias, CASE.output.

Run from the repository root:  /usr/bin/python3 runtime/src/test/python/make_kernel_references.py
"""
import os
import sys

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.join("samples", "reference"))
import safetensors_io  # noqa: E402

OUT = os.path.join("runtime", "src", "test", "resources", "kernels")

# conv: name cin h w cout kh kw sh sw dh dw top bottom left right groups mode bias
CONV = [
    "conv_plain 3 7 9 4 3 3 1 1 1 1 0 0 0 0 1 zeros 1",
    "conv_stride_dilation 2 11 10 3 3 2 2 3 2 1 1 2 0 1 1 zeros 1",
    "conv_reflect 3 6 7 5 3 5 1 2 1 1 2 2 1 1 1 reflect 1",
    "conv_replicate 2 5 5 4 3 3 2 2 1 1 1 2 1 2 2 replicate 0",
    "conv_circular 4 6 5 6 3 3 1 1 2 1 2 2 1 1 2 circular 1",
    "conv_depthwise 6 8 8 12 3 3 1 1 1 1 1 1 1 1 6 zeros 1",
    "conv_1d_as_row 4 1 20 5 1 5 1 2 1 3 0 0 12 0 1 zeros 1",
    "conv_1d_reflect 3 1 9 2 1 3 1 1 1 1 0 0 2 2 1 reflect 1",
]
# pool: name kind c h w kh kw sh sw pt pl
POOL = [
    "max_plain max 3 8 8 2 2 2 2 0 0",
    "max_padded max 2 7 9 3 3 2 2 1 1",
    "max_rect max 2 6 7 2 3 1 2 1 1",
    "avg_plain avg 3 8 8 2 2 2 2 0 0",
    "avg_padded avg 2 7 9 3 3 2 2 1 1",
    "avg_1d avg 3 1 10 1 3 1 1 0 1",
]
ACTIVATIONS = ["relu", "relu6", "sigmoid", "tanh", "gelu", "silu", "hardswish", "leaky_relu", "elu"]


def main():
    torch.manual_seed(7)
    tensors, lines = {}, []
    for case in CONV:
        name, *rest = case.split()
        cin, h, w, cout, kh, kw, sh, sw, dh, dw, top, bottom, left, right, groups = map(int, rest[:15])
        mode, bias = rest[15], rest[16] == "1"
        x = torch.randn(1, cin, h, w)
        weight = torch.randn(cout, cin // groups, kh, kw)
        b = torch.randn(cout) if bias else None
        padded = F.pad(x, (left, right, top, bottom), mode="constant" if mode == "zeros" else mode)
        y = F.conv2d(padded, weight, b, stride=(sh, sw), dilation=(dh, dw), groups=groups)
        tensors.update({name + ".input": x[0], name + ".weight": weight, name + ".output": y[0]})
        if bias:
            tensors[name + ".bias"] = b
        lines.append("conv " + case + f" {y.shape[2]} {y.shape[3]}")
    for case in POOL:
        name, kind, *rest = case.split()
        c, h, w, kh, kw, sh, sw, pt, pl = map(int, rest)
        x = torch.randn(1, c, h, w)
        if kind == "max":
            y = F.max_pool2d(x, (kh, kw), (sh, sw), (pt, pl))
        else:
            y = F.avg_pool2d(x, (kh, kw), (sh, sw), (pt, pl), count_include_pad=True)
        tensors.update({name + ".input": x[0], name + ".output": y[0]})
        lines.append("pool " + case + f" {y.shape[2]} {y.shape[3]}")
    # Activations over a wide range, tails included, where naive formulas lose precision.
    x = torch.cat([torch.linspace(-12, 12, 241), torch.randn(200) * 3, torch.tensor([-30.0, -9.5, 0.0, 30.0])])
    tensors["activation.input"] = x
    for name in ACTIVATIONS:
        f = {"leaky_relu": lambda v: F.leaky_relu(v, 0.1), "elu": lambda v: F.elu(v, 0.7),
             "relu": F.relu, "relu6": F.relu6, "sigmoid": torch.sigmoid, "tanh": torch.tanh,
             "gelu": F.gelu, "silu": F.silu, "hardswish": F.hardswish}[name]
        tensors["activation." + name] = f(x)
        lines.append("activation " + name)
    s = torch.randn(5, 6) * 4
    tensors.update({"softmax.input": s, "softmax.output": torch.softmax(s, dim=0)})
    # Batch norm and dense.
    bn_x = torch.randn(1, 4, 3, 5)
    mean, var, gamma, beta = torch.randn(4), torch.rand(4) + 0.5, torch.randn(4), torch.randn(4)
    tensors.update({"batchnorm.input": bn_x[0], "batchnorm.mean": mean, "batchnorm.var": var,
                    "batchnorm.gamma": gamma, "batchnorm.beta": beta,
                    "batchnorm.output": F.batch_norm(bn_x, mean, var, gamma, beta, False, 0.0, 1e-3)[0]})
    dx, dw, db = torch.randn(37), torch.randn(11, 37), torch.randn(11)
    tensors.update({"dense.input": dx, "dense.weight": dw, "dense.bias": db, "dense.output": F.linear(dx, dw, db)})

    os.makedirs(OUT, exist_ok=True)
    safetensors_io.save(os.path.join(OUT, "cases.safetensors"), {k: v.contiguous().numpy() for k, v in tensors.items()})
    # The same values in half and bfloat16, for the loader's conversions.
    half = {"x": x.half().numpy()}
    safetensors_io.save(os.path.join(OUT, "half.safetensors"), half)
    with open(os.path.join(OUT, "cases.txt"), "w") as out:
        out.write("# written by runtime/src/test/python/make_kernel_references.py; the last two conv/pool numbers are PyTorch's output size\n")
        out.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
