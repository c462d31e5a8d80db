#!/usr/bin/python3
"""Trains the digits CNN of samples/digits/src/main/net/digits.net in PyTorch on scikit-learn's 8x8
digits and writes what the Java sample needs to reproduce PyTorch's accuracy exactly:

  samples/digits/data/digits.safetensors       the trained state_dict
  samples/digits/data/digits-test.safetensors  the held-out split: 'images' [N, 1, 8, 8], 'labels' [N],
                                               and PyTorch's 'probabilities' [N, 10] on it

Run from the repository root:  /usr/bin/python3 samples/reference/train_digits.py
Needs Debian's python3-torch and python3-sklearn.
"""
import os
import sys

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

sys.path.insert(0, os.path.dirname(__file__))
import safetensors_io  # noqa: E402

OUT = os.path.join("samples", "digits", "data")


class DigitsNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 16, 3, padding=1)   # padding=same at stride 1
        self.bn1 = nn.BatchNorm2d(16)
        self.conv2 = nn.Conv2d(16, 32, 3, padding=1)
        self.drop = nn.Dropout(0.2)
        self.fc = nn.Linear(128, 10)

    def forward(self, x):
        x = F.max_pool2d(self.bn1(F.relu(self.conv1(x))), 2)
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        return self.fc(self.drop(torch.flatten(x, 1)))   # logits; softmax is applied at inference


def main():
    torch.manual_seed(0)
    digits = load_digits()
    images = (digits.images / 16.0).astype(np.float32)[:, None, :, :]
    labels = digits.target.astype(np.int64)
    x_train, x_test, y_train, y_test = train_test_split(
        images, labels, test_size=0.2, random_state=0, stratify=labels)

    model = DigitsNet()
    optimizer = torch.optim.Adam(model.parameters(), lr=3e-3)
    x_train_t, y_train_t = torch.from_numpy(x_train), torch.from_numpy(y_train)
    for epoch in range(40):
        model.train()
        order = torch.randperm(len(x_train_t))
        for start in range(0, len(order), 64):
            batch = order[start:start + 64]
            optimizer.zero_grad()
            loss = F.cross_entropy(model(x_train_t[batch]), y_train_t[batch])
            loss.backward()
            optimizer.step()

    model.eval()
    with torch.no_grad():
        probabilities = torch.softmax(model(torch.from_numpy(x_test)), dim=1).numpy()
    accuracy = float((probabilities.argmax(1) == y_test).mean())
    print(f"PyTorch test accuracy: {accuracy:.4f} ({int((probabilities.argmax(1) == y_test).sum())}/{len(y_test)})")

    os.makedirs(OUT, exist_ok=True)
    state = {k: v for k, v in safetensors_io.state_dict_arrays(model).items()}
    safetensors_io.save(os.path.join(OUT, "digits.safetensors"), state)
    safetensors_io.save(os.path.join(OUT, "digits-test.safetensors"), {
        "images": x_test, "labels": y_test.astype(np.float32), "probabilities": probabilities})


if __name__ == "__main__":
    main()
