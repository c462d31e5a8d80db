#!/usr/bin/python3
"""Writes the PyTorch reference data the Java tests compare against.

For every sample network in samples/networks/src/main/net, this builds the same network independently
in PyTorch, gives it random weights (batch-norm statistics included), runs it on random inputs, and
writes samples/networks/src/test/resources/reference/NAME.safetensors (the state_dict) and
NAME.io.safetensors (tensors 'input' and 'output', batch first). Networks whose weights are too large
to commit get only their parameter count.

Run from the repository root:  /usr/bin/python3 samples/reference/make_references.py
Needs Debian's python3-torch. Deterministic: the same torch version writes the same files.
"""
import math
import os
import sys

import torch
import torch.nn as nn
import torch.nn.functional as F
import torchvision

sys.path.insert(0, os.path.dirname(__file__))
import formula_weights  # noqa: E402
import safetensors_io  # noqa: E402

OUT = os.path.join("samples", "networks", "src", "test", "resources", "reference")


# ---- padding the way the .net language defines it (PyTorch has no TF-style 'same' for stride > 1) ----

def same_pads(size, kernel, stride, dilation):
    out = -(-size // stride)
    total = max((out - 1) * stride + (kernel - 1) * dilation + 1 - size, 0)
    return total // 2, total - total // 2


class Conv(nn.Module):
    """nn.Conv1d/2d with padding given per side (before, after) and any padding_mode, applied by F.pad."""

    def __init__(self, dims, cin, cout, kernel, stride=1, dilation=1, pads=None, mode="zeros", groups=1, bias=True):
        super().__init__()
        conv = nn.Conv2d if dims == 2 else nn.Conv1d
        self.inner = conv(cin, cout, kernel, stride=stride, dilation=dilation, groups=groups, bias=bias)
        self.pads = pads  # F.pad order: (left, right[, top, bottom])
        self.mode = "constant" if mode == "zeros" else mode

    def forward(self, x):
        if self.pads and any(self.pads):
            x = F.pad(x, self.pads, mode=self.mode)
        return self.inner(x)


def conv_same(dims, cin, cout, kernel, size, stride=1, dilation=1, mode="zeros", groups=1, bias=True):
    """A convolution with the language's padding=same for an input of spatial size `size` (h, w) or (l,)."""
    kernels = (kernel,) * dims if isinstance(kernel, int) else kernel
    strides = (stride,) * dims if isinstance(stride, int) else stride
    dilations = (dilation,) * dims if isinstance(dilation, int) else dilation
    per_axis = [same_pads(s, k, st, d) for s, k, st, d in zip(size, kernels, strides, dilations)]
    pads = tuple(p for axis in reversed(per_axis) for p in axis)  # last axis first, as F.pad wants
    return Conv(dims, cin, cout, kernel, stride, dilation, pads, mode, groups, bias)


def conv_sym(dims, cin, cout, kernel, padding, stride=1, dilation=1, mode="zeros", groups=1, bias=True):
    paddings = (padding,) * dims if isinstance(padding, int) else padding
    pads = tuple(p for axis in reversed(paddings) for p in (axis, axis))
    return Conv(dims, cin, cout, kernel, stride, dilation, pads, mode, groups, bias)


class Separable(nn.Module):
    def __init__(self, depthwise, pointwise):
        super().__init__()
        self.depthwise = depthwise
        self.pointwise = pointwise

    def forward(self, x):
        return self.pointwise(self.depthwise(x))


class Sequential(nn.Module):
    """Runs named steps in order; labelled modules are attributes, so state_dict names are the labels."""

    def __init__(self, steps):
        super().__init__()
        self.steps = []
        for name, step in steps:
            if isinstance(step, nn.Module):
                setattr(self, name, step)
            self.steps.append((name, step))

    def forward(self, x):
        for _, step in self.steps:
            x = step(x)
        return x


def softmax_channels(x):
    return torch.softmax(x, dim=1)


# ---- the sample networks, written independently of netspec ----

def seed000():
    return Sequential([
        ("conv1", conv_same(2, 3, 32, 3, (64, 64))),
        ("conv2", conv_same(2, 32, 64, 5, (64, 64), stride=2)),
        ("conv3", conv_same(2, 64, 128, 3, (32, 32), dilation=2)),
    ]), (3, 64, 64)


def mnist():
    return Sequential([
        ("conv1", conv_same(2, 1, 32, 3, (28, 28))), ("r", F.relu),
        ("pool", nn.MaxPool2d(2)), ("flat", nn.Flatten()),
        ("fc", nn.Linear(6272, 10)), ("sm", softmax_channels),
    ]), (1, 28, 28)


def vgg_like():
    return Sequential([
        ("conv1", conv_same(2, 3, 64, 5, (64, 64))), ("conv2", conv_same(2, 64, 128, 3, (64, 64))),
        ("conv3", conv_same(2, 128, 256, 3, (32, 32))),
        ("fc1", nn.Linear(65536, 1024)), ("fc2", nn.Linear(1024, 10)),
    ]), None


def strided_bn():
    return Sequential([
        ("conv1", conv_same(2, 3, 32, 3, (128, 128), stride=2)), ("conv2", conv_same(2, 32, 64, 3, (64, 64))),
        ("bn", nn.BatchNorm2d(64)), ("conv3", conv_same(2, 64, 128, 3, (64, 64))),
        ("fc1", nn.Linear(131072, 512)), ("fc2", nn.Linear(512, 10)),
    ]), None


def seed002_padded():
    return Sequential([("conv_layer", nn.Conv2d(3, 16, 3, stride=1, padding=1))]), (3, 64, 64)


def seed002_strided():
    return Sequential([
        ("conv_layer_1", nn.Conv2d(3, 16, 3, stride=2, padding=0)),
        ("conv_layer_2", nn.Conv2d(16, 32, 3, stride=1, padding=1)),
    ]), (3, 64, 64)


def seed002_separable():
    # The seed's own DepthwiseSeparableConv2d, attribute names and all.
    block = Separable(nn.Conv2d(32, 32, 3, 1, 1, groups=32), nn.Conv2d(32, 64, kernel_size=1))
    return Sequential([("dws_conv", block)]), (32, 64, 64)


def seed003(stride2, pad1):
    return Sequential([
        ("conv1", nn.Conv2d(1, 16, 3, stride=1, padding=pad1)),
        ("conv2", nn.Conv2d(16, 32, 3, stride=stride2, padding=1)),
    ]), (1, 28, 28)


def coverage_2d():
    act = {"relu6": F.relu6, "tanh": torch.tanh, "sigmoid": torch.sigmoid, "gelu": F.gelu, "silu": F.silu}
    sep = Separable(conv_same(2, 12, 12, 3, (3, 5), stride=2, groups=12), nn.Conv2d(12, 10, 1))
    return Sequential([
        ("c1", Conv(2, 3, 8, (3, 5), stride=(2, 1), dilation=(1, 2), pads=(2, 2, 1, 1), mode="reflect")),
        ("a1", act["relu6"]),
        ("c2", conv_same(2, 8, 8, 3, (6, 9), stride=2, mode="replicate")), ("a2", torch.tanh),
        ("c3", conv_sym(2, 8, 6, 3, 1, groups=2, mode="circular", bias=False)), ("a3", torch.sigmoid),
        ("dw", conv_same(2, 6, 12, 3, (3, 5), groups=6)), ("a4", F.gelu),
        ("sep", sep), ("a5", F.silu),
        ("bn", nn.BatchNorm2d(10, eps=0.001)), ("a6", F.hardswish),
        ("p1", nn.AvgPool2d(3, stride=1, padding=1)), ("a7", lambda x: F.leaky_relu(x, 0.2)),
        ("p2", nn.MaxPool2d(2, padding=1)), ("a8", lambda x: F.elu(x, 0.5)),
        ("a9", F.gelu), ("a10", F.silu), ("a11", torch.sigmoid), ("a12", torch.tanh), ("a13", F.relu),
        ("gap", nn.AdaptiveAvgPool2d(1)), ("flat", nn.Flatten()),
        ("fc1", nn.Linear(10, 7)), ("a14", F.elu), ("drop", nn.Dropout(0.3)),
        ("fc2", nn.Linear(7, 5, bias=False)), ("a15", F.leaky_relu), ("sm", softmax_channels),
    ]), (3, 11, 13)


class Branches(nn.Module):
    def __init__(self):
        super().__init__()
        self.a = nn.Conv2d(4, 6, 3, padding=1)
        self.conv2d_2 = nn.Conv2d(6, 6, 1)
        self.b = nn.Conv2d(4, 6, 3, padding=1)
        self.conv2d_4 = nn.Conv2d(4, 6, 3, stride=2, padding=0, padding_mode="reflect")
        self.batchnorm_1 = nn.BatchNorm2d(18)
        self.c = nn.Conv2d(18, 5, 3, padding=1)

    def forward(self, x):
        a = F.relu(self.a(x))
        self.conv2d_2(a)  # computed and discarded, as in the spec (the branch restarts from x)
        s = F.relu(F.hardswish(self.b(x)) + a)
        m = F.max_pool2d(self.conv2d_4(x), 2, stride=1)
        p = F.avg_pool2d(s, 3, stride=3)
        y = self.batchnorm_1(torch.cat([p, m, p], dim=1))
        y = torch.softmax(self.c(y), dim=1)
        return F.adaptive_max_pool2d(y, 1)


def sequence_1d():
    return Sequential([
        ("c1", Conv(1, 4, 8, 5, dilation=2, pads=(8, 0))), ("a1", F.relu),
        ("c2", conv_same(1, 8, 8, 3, (50,), stride=2, mode="reflect")),
        ("p1", nn.MaxPool1d(2)), ("p2", nn.AvgPool1d(3, stride=1, padding=1)),
        ("bn", nn.BatchNorm1d(8)),
        ("c3", conv_sym(1, 8, 6, 4, 2, stride=3, mode="circular", groups=2)), ("a3", F.gelu),
        ("sm", softmax_channels), ("gmp", nn.AdaptiveMaxPool1d(1)), ("flat", nn.Flatten()),
        ("fc", nn.Linear(6, 3)), ("a4", torch.tanh),
    ]), (4, 50)


class Flat(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1, self.bn, self.fc2 = nn.Linear(20, 16), nn.BatchNorm1d(16), nn.Linear(16, 8)
        self.fc3, self.fc4 = nn.Linear(8, 8), nn.Linear(8, 4)

    def forward(self, x):
        h = F.hardswish(self.fc2(self.bn(F.relu6(self.fc1(x)))))
        return torch.sigmoid(self.fc4(F.silu(self.fc3(h) + h)))


class UNetSmall(nn.Module):
    def __init__(self):
        super().__init__()
        self.enc1_0, self.enc1 = nn.Conv2d(3, 8, 3, padding=1), nn.Conv2d(8, 8, 3, padding=1)
        self.enc2_0, self.enc2 = nn.Conv2d(8, 16, 3, padding=1), nn.Conv2d(16, 16, 3, padding=1)
        self.bottom = nn.Conv2d(16, 32, 3, padding=1)
        self.up2 = nn.ConvTranspose2d(32, 16, 2, stride=2)
        self.dec2 = nn.Conv2d(32, 16, 3, padding=1)
        self.up = nn.Upsample(scale_factor=2, mode="bilinear")
        self.up1 = nn.Conv2d(16, 8, 1)
        self.dec1 = nn.Conv2d(16, 8, 3, padding=1)
        self.head = nn.Conv2d(8, 2, 1)

    def forward(self, x):
        e1 = F.relu(self.enc1(F.relu(self.enc1_0(x))))
        e2 = F.relu(self.enc2(F.relu(self.enc2_0(F.max_pool2d(e1, 2)))))
        b = F.relu(self.bottom(F.max_pool2d(e2, 2)))
        d2 = F.relu(self.dec2(torch.cat([self.up2(b), e2], dim=1)))
        d1 = F.relu(self.dec1(torch.cat([self.up1(self.up(d2)), e1], dim=1)))
        return self.head(d1)


class InceptionBlock(nn.Module):
    def __init__(self):
        super().__init__()
        self.b1 = nn.Conv2d(16, 8, 1)
        self.b2_reduce, self.b2 = nn.Conv2d(16, 6, 1), nn.Conv2d(6, 8, 3, padding=1)
        self.b3_reduce, self.b3 = nn.Conv2d(16, 4, 1), nn.Conv2d(4, 4, 5, padding=2)
        self.b4 = nn.Conv2d(16, 4, 1)
        self.fc = nn.Linear(24, 10)

    def forward(self, x):
        b1 = F.relu(self.b1(x))
        b2 = F.relu(self.b2(F.relu(self.b2_reduce(x))))
        b3 = F.relu(self.b3(F.relu(self.b3_reduce(x))))
        b4 = F.relu(self.b4(F.max_pool2d(x, 3, stride=1, padding=1)))
        y = torch.cat([b1, b2, b3, b4], dim=1)
        return self.fc(torch.flatten(F.adaptive_avg_pool2d(y, 1), 1))


class Decoders(nn.Module):
    def __init__(self):
        super().__init__()
        self.t1 = nn.ConvTranspose2d(4, 6, 3, stride=3, padding=1, output_padding=2, dilation=2, groups=2)
        self.t2 = nn.ConvTranspose2d(6, 3, (2, 3), stride=(2, 1), padding=(0, 1), bias=False)

    def forward(self, x):
        y = self.t1(x)
        y = F.interpolate(y, scale_factor=2, mode="bilinear", align_corners=True)
        y = torch.sigmoid(self.t2(y))
        y = F.max_pool2d(y, 4, padding=(0, 1))
        y = F.interpolate(y, scale_factor=(1, 2), mode="nearest")
        return F.interpolate(y, scale_factor=3, mode="bilinear")


class Upsample1d(nn.Module):
    def __init__(self):
        super().__init__()
        self.c = nn.Conv1d(3, 2, 3)

    def forward(self, x):
        return self.c(F.interpolate(x, scale_factor=3, mode="nearest"))


NETWORKS = {
    "Seed000Convs": seed000,
    "MnistNet": mnist,
    "VggLike": vgg_like,
    "StridedBnNet": strided_bn,
    "Seed002Padded": seed002_padded,
    "Seed002Strided": seed002_strided,
    "Seed002Separable": seed002_separable,
    "Seed003NoPadding": lambda: seed003(1, 0),
    "Seed003Strided": lambda: seed003(2, 1),
    "Seed003Same": lambda: seed003(1, 1),
    "Coverage2d": coverage_2d,
    "Branches": lambda: (Branches(), (4, 9, 9)),
    "Sequence1d": sequence_1d,
    "Flat": lambda: (Flat(), (20,)),
    "UNetSmall": lambda: (UNetSmall(), (3, 32, 32)),
    "InceptionBlock": lambda: (InceptionBlock(), (16, 12, 12)),
    "Decoders": lambda: (Decoders(), (4, 5, 7)),
    "Upsample1d": lambda: (Upsample1d(), (3, 10)),
    # torchvision's own modules; far too large to commit, so only their parameter counts are checked here.
    # samples/bench/export_models.py runs them against netspec through ONNX Runtime.
    "ResNet18": lambda: (torchvision.models.resnet18(), None),
    "MobileNetV2": lambda: (torchvision.models.mobilenet_v2(), None),
}


def randomize_batch_norms(model):
    """Fresh batch norms are the identity; random statistics make the test mean something."""
    for module in model.modules():
        if isinstance(module, (nn.BatchNorm1d, nn.BatchNorm2d)):
            module.weight.data.uniform_(0.5, 1.5)
            module.bias.data.uniform_(-0.5, 0.5)
            module.running_mean.uniform_(-0.5, 0.5)
            module.running_var.uniform_(0.5, 2.0)


def flatten_state(model):
    """state_dict with the Conv wrapper's '.inner' removed, so names are the labels PyTorch users write."""
    return {k.replace(".inner.", "."): v for k, v in safetensors_io.state_dict_arrays(model).items()}


# The inputs the torchvision models are counted on; their .net files declare the same. VggLike and
# StridedBnNet above list only the layers with parameters, so they cannot run and have no MAC count.
COUNT_ONLY_INPUTS = {"ResNet18": (3, 224, 224), "MobileNetV2": (3, 224, 224)}


def count_macs(model, input_shape):
    """Multiply-accumulates per sample of every convolution and linear layer, from the shapes PyTorch
    produces: each output value of a convolution costs in_channels/groups * kernel area, of a linear layer
    in_features. Biases, pooling and element-wise layers are not counted, as torchinfo and fvcore do not."""
    total = [0]

    def hook(module, inputs, output):
        if isinstance(module, (nn.Conv1d, nn.Conv2d)):
            total[0] += output[0].numel() * module.in_channels // module.groups * math.prod(module.kernel_size)
        elif isinstance(module, nn.ConvTranspose2d):
            # every input value meets each tap of its group's output channels once
            total[0] += inputs[0][0].numel() * module.out_channels // module.groups * math.prod(module.kernel_size)
        else:
            total[0] += output[0].numel() * module.in_features

    layers = [m for m in model.modules() if isinstance(m, (nn.Conv1d, nn.Conv2d, nn.ConvTranspose2d, nn.Linear))]
    handles = [m.register_forward_hook(hook) for m in layers]
    with torch.no_grad():
        model(torch.zeros(1, *input_shape))
    for handle in handles:
        handle.remove()
    return total[0]


def main():
    os.makedirs(OUT, exist_ok=True)
    counts = []
    for index, (name, build) in enumerate(NETWORKS.items()):
        torch.manual_seed(1000 + index)
        model, input_shape = build()
        model.eval()
        runnable_shape = input_shape or COUNT_ONLY_INPUTS.get(name)
        macs = count_macs(model, runnable_shape) if runnable_shape else "-"
        counts.append(f"{name} {sum(p.numel() for p in model.parameters())} {macs}")
        if input_shape is None:
            continue  # weights of hundreds of megabytes: only the counts are checked
        randomize_batch_norms(model)
        x = torch.randn(3, *input_shape)
        with torch.no_grad():
            y = model(x)
        samples = 1 if x[0].numel() + y[0].numel() > 40000 else 3  # keeps the committed files small
        x, y = x[:samples], y[:samples]
        safetensors_io.save(os.path.join(OUT, name + ".safetensors"), flatten_state(model))
        safetensors_io.save(os.path.join(OUT, name + ".io.safetensors"),
                            {"input": x.numpy(), "output": y.reshape(samples, -1).numpy()})
        print(f"{name}: input {list(x.shape)} output {list(y.shape)}")
    torchvision_outputs = {}
    for name, build in (("ResNet18", torchvision.models.resnet18), ("MobileNetV2", torchvision.models.mobilenet_v2)):
        model = build().eval()
        model.load_state_dict({key: torch.from_numpy(formula_weights.tensor(key, tuple(value.shape)))
                               for key, value in model.state_dict().items() if not key.endswith("num_batches_tracked")},
                              strict=False)
        with torch.no_grad():
            torchvision_outputs[name] = model(torch.from_numpy(formula_weights.input_batch((1, 3, 224, 224)))).numpy()
        print(f"{name}: formula weights, output {list(torchvision_outputs[name].shape)}")
    safetensors_io.save(os.path.join(OUT, "torchvision_outputs.safetensors"), torchvision_outputs)
    with open(os.path.join(OUT, "torchvision_state_dicts.txt"), "w") as out:
        out.write("# network, then each state_dict tensor of torchvision's module: name and shape\n")
        for name, build in (("ResNet18", torchvision.models.resnet18), ("MobileNetV2", torchvision.models.mobilenet_v2)):
            for key, tensor in build().state_dict().items():
                out.write(f"{name} {key} {list(tensor.shape)}\n".replace(", ", ","))
    with open(os.path.join(OUT, "parameter_counts.txt"), "w") as out:
        out.write("# network, sum(p.numel() for p in model.parameters()), then multiply-accumulates per sample"
                  " (count_macs; - where the model cannot run), in PyTorch\n")
        out.write("\n".join(counts) + "\n")


if __name__ == "__main__":
    main()
