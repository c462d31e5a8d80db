"""A minimal safetensors reader and writer (the format is an 8-byte length, a JSON header and raw data), so
the reference scripts need nothing beyond Debian's python3-torch."""
import json
import struct

import numpy as np

_DTYPES = {np.dtype("float32"): "F32", np.dtype("float16"): "F16", np.dtype("float64"): "F64", np.dtype("int64"): "I64"}


def save(path, tensors):
    header, chunks, offset = {}, [], 0
    for name in sorted(tensors):
        array = np.ascontiguousarray(tensors[name])
        data = array.astype(array.dtype.newbyteorder("<"), copy=False).tobytes()
        header[name] = {"dtype": _DTYPES[array.dtype], "shape": list(array.shape),
                        "data_offsets": [offset, offset + len(data)]}
        chunks.append(data)
        offset += len(data)
    encoded = json.dumps(header, separators=(",", ":")).encode("utf-8")
    encoded += b" " * (-len(encoded) % 8)  # the format aligns the data section to 8 bytes
    with open(path, "wb") as out:
        out.write(struct.pack("<Q", len(encoded)))
        out.write(encoded)
        for chunk in chunks:
            out.write(chunk)


def load(path):
    """Every tensor of a file, by name, as numpy arrays."""
    with open(path, "rb") as source:
        length = struct.unpack("<Q", source.read(8))[0]
        header = json.loads(source.read(length))
        data = source.read()
    by_name = {code: dtype for dtype, code in _DTYPES.items()}
    tensors = {}
    for name, entry in header.items():
        if name == "__metadata__":
            continue
        begin, end = entry["data_offsets"]
        array = np.frombuffer(data[begin:end], dtype=by_name[entry["dtype"]].newbyteorder("<"))
        tensors[name] = array.reshape(entry["shape"])
    return tensors


def state_dict_arrays(module):
    """A module's state_dict as float32 arrays, keeping the int64 batch-norm counters PyTorch saves."""
    return {k: v.detach().cpu().numpy() for k, v in module.state_dict().items()}
