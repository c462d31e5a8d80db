#!/usr/bin/python3
"""Exports sample networks to ONNX with torch.onnx, with exactly the weights of their committed PyTorch
references, for the ONNX import tests (generator/src/test/resources/onnx/). The import must give a .net
and weights that reproduce samples/networks/src/test/resources/reference/NAME.io.safetensors.

Branches is exported too: its reflect-padded convolution becomes an ONNX Pad that netspec cannot express,
which the tests use to check the importer's one message listing what it cannot express.

Run from the repository root:  /usr/bin/python3 samples/reference/export_onnx.py
"""
import os
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "bench"))
import make_references as refs  # noqa: E402
import safetensors_io  # noqa: E402
from export_models import pad_inside_conv  # noqa: E402

OUT = os.path.join("generator", "src", "test", "resources", "onnx")
EXPORTED = ["MnistNet", "Branches", "UNetSmall", "InceptionBlock", "Decoders", "Upsample1d"]


def rebuilt(name):
    """The model make_references.py built for name, with the same random weights (same seed, same draws)."""
    for index, (candidate, build) in enumerate(refs.NETWORKS.items()):
        if candidate == name:
            torch.manual_seed(1000 + index)
            model, input_shape = build()
            model.eval()
            refs.randomize_batch_norms(model)
            return model, input_shape
    raise KeyError(name)


def main():
    os.makedirs(OUT, exist_ok=True)
    for name in EXPORTED:
        model, input_shape = rebuilt(name)
        io = safetensors_io.load(os.path.join(refs.OUT, name + ".io.safetensors"))
        x = torch.from_numpy(io["input"])
        with torch.no_grad():
            y = model(x).reshape(x.shape[0], -1).numpy()
        assert np.allclose(y, io["output"], rtol=1e-5, atol=1e-6), name + " differs from its committed reference"
        pad_inside_conv(model)
        torch.onnx.export(model, x[:1], os.path.join(OUT, name + ".onnx"), input_names=["input"],
                          output_names=["output"], opset_version=13)
        print(f"{name}: {os.path.getsize(os.path.join(OUT, name + '.onnx'))} bytes")


if __name__ == "__main__":
    main()
