#!/usr/bin/python3
"""Writes the five benchmark networks for netspec and for ONNX Runtime, with the same weights.

For each network this builds it in PyTorch (the sample networks through make_references.py's builders,
ResNet-18 and MobileNetV2 from torchvision with weights=None), gives it random weights and random
batch-norm statistics, and writes to samples/bench/models/ (ignored by git: VggLike alone is 270 MB):

  NAME.safetensors     the state_dict, under the names the .net labels use
  NAME.onnx            torch.onnx.export of the same module, batch dimension dynamic
  NAME.io.safetensors  one random input and PyTorch's output for it, which the benchmark checks both
                       runtimes against before it times anything
  networks.properties  NAME.macs: multiply-adds per sample of every conv and linear layer, counted on the
                       module by forward hooks, for the GFLOP/s column

Run from the repository root:  /usr/bin/python3 samples/bench/export_models.py
Needs Debian's python3-torch, python3-torchvision and python3-onnx.
"""
import os
import sys

import torch
import torch.nn as nn
import torchvision

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "reference"))
import make_references as refs  # noqa: E402
import safetensors_io  # noqa: E402

OUT = os.path.join("samples", "bench", "models")


def vgg_like():
    """Seed 001's example 2 in full (make_references only counts its parameters, so it has no pooling)."""
    return refs.Sequential([
        ("conv1", refs.conv_same(2, 3, 64, 5, (64, 64))), ("r1", torch.relu),
        ("conv2", refs.conv_same(2, 64, 128, 3, (64, 64))), ("r2", torch.relu), ("p1", nn.MaxPool2d(2)),
        ("conv3", refs.conv_same(2, 128, 256, 3, (32, 32))), ("r3", torch.relu), ("p2", nn.MaxPool2d(2)),
        ("flat", nn.Flatten()),
        ("fc1", nn.Linear(65536, 1024)), ("r4", torch.relu),
        ("fc2", nn.Linear(1024, 10)), ("sm", refs.softmax_channels),
    ])


# name -> (module, input shape, state_dict as saved); the names are the generated classes'. torchvision's
# state_dicts are saved as they are: torchvision.net labels its layers with torchvision's module names.
NETWORKS = {
    "MnistNet": lambda: (refs.mnist()[0], (1, 28, 28), refs.flatten_state),
    "Seed000Convs": lambda: (refs.seed000()[0], (3, 64, 64), refs.flatten_state),
    "VggLike": lambda: (vgg_like(), (3, 64, 64), refs.flatten_state),
    "ResNet18": lambda: (torchvision.models.resnet18(), (3, 224, 224), safetensors_io.state_dict_arrays),
    "MobileNetV2": lambda: (torchvision.models.mobilenet_v2(), (3, 224, 224), safetensors_io.state_dict_arrays),
}


def pad_inside_conv(model):
    """Symmetric zero padding goes into nn.Conv2d itself, so ONNX gets one Conv node rather than Pad + Conv.
    The numbers are the same; this only keeps ONNX Runtime on its best path. Uneven padding (TensorFlow's
    'same' at stride 2) stays a Pad node, as PyTorch itself would need."""
    for module in model.modules():
        if isinstance(module, refs.Conv) and module.mode == "constant" and module.pads:
            left, right, top, bottom = module.pads
            if left == right and top == bottom:
                module.inner.padding = (top, left)
                module.pads = None


def count_macs(model, x):
    """Multiply-adds per sample of every Conv2d and Linear, from the shapes they actually produce."""
    total = [0]

    def hook(module, inputs, output):
        if isinstance(module, nn.Conv2d):
            per_output = module.in_channels // module.groups * module.kernel_size[0] * module.kernel_size[1]
            total[0] += output[0].numel() * per_output
        else:
            total[0] += module.in_features * module.out_features

    handles = [m.register_forward_hook(hook) for m in model.modules() if isinstance(m, (nn.Conv2d, nn.Linear))]
    with torch.no_grad():
        model(x[:1])
    for handle in handles:
        handle.remove()
    return total[0]


def main():
    os.makedirs(OUT, exist_ok=True)
    properties = ["# multiply-adds per sample of each benchmark network, counted by export_models.py"]
    for index, (name, build) in enumerate(NETWORKS.items()):
        torch.manual_seed(2000 + index)
        model, input_shape, state_of = build()
        model.eval()
        refs.randomize_batch_norms(model)
        pad_inside_conv(model)
        x = torch.randn(1, *input_shape)
        with torch.no_grad():
            y = model(x)
        safetensors_io.save(os.path.join(OUT, name + ".safetensors"), state_of(model))
        safetensors_io.save(os.path.join(OUT, name + ".io.safetensors"),
                            {"input": x.numpy(), "output": y.reshape(1, -1).numpy()})
        torch.onnx.export(model, x, os.path.join(OUT, name + ".onnx"), input_names=["input"],
                          output_names=["output"], dynamic_axes={"input": {0: "batch"}, "output": {0: "batch"}},
                          opset_version=13)
        macs = count_macs(model, x)
        properties.append(f"{name}.macs={macs}")
        print(f"{name}: {macs / 1e6:.1f} M multiply-adds per sample")
    with open(os.path.join(OUT, "networks.properties"), "w") as out:
        out.write("\n".join(properties) + "\n")


if __name__ == "__main__":
    main()
