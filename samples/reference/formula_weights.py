"""Weights and inputs that Java can make again bit for bit, so a network too large to commit (torchvision's
ResNet-18 is 45 MB) can still be checked against PyTorch: only PyTorch's outputs are committed.

Every value is a 24-bit fraction from a counter-based generator: SplitMix64 of (FNV-1a of the tensor's name)
plus the element's index, top 24 bits, minus one half, so u is exactly representable in float32. Then, in
float32, as samples/networks' FormulaWeights.java does:
  conv and linear weights  u * 2*sqrt(6/fan_in)   (He's uniform scale: activations keep their size)
  batch norm weight        1 + u/2,    running_var  1 + u,    every bias and running_mean  u/2
  the input                2u
"""
import math

import numpy as np

MASK = (1 << 64) - 1


def fnv1a64(text):
    h = 0xCBF29CE484222325
    for byte in text.encode("utf-8"):
        h = ((h ^ byte) * 0x100000001B3) & MASK
    return h


def uniform(name, count):
    """u in [-0.5, 0.5) for elements 0..count-1 of the tensor called name, as float32."""
    with np.errstate(over="ignore"):
        x = np.uint64(fnv1a64(name)) + np.arange(count, dtype=np.uint64) + np.uint64(0x9E3779B97F4A7C15)
        z = (x ^ (x >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        z = z ^ (z >> np.uint64(31))
    return ((z >> np.uint64(40)).astype(np.float32) * np.float32(2.0 ** -24)) - np.float32(0.5)


def tensor(name, shape):
    """The formula's value of one state_dict tensor."""
    u = uniform(name, int(np.prod(shape))).reshape(shape)
    if name.endswith(".running_var"):
        return np.float32(1) + u
    if len(shape) == 1 and name.endswith(".weight"):
        return np.float32(1) + u * np.float32(0.5)
    if len(shape) == 1:
        return u * np.float32(0.5)
    fan_in = int(np.prod(shape[1:]))
    return u * np.float32(2 * math.sqrt(6.0 / fan_in))


def input_batch(shape):
    return (uniform("input", int(np.prod(shape))) * np.float32(2)).reshape(shape)
