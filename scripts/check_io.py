#!/usr/bin/env python3
"""Checks files that tensorgrad wrote against NumPy and PyTorch (npm run test:parity).

Usage: check_io.py FILE...  Each FILE (.npy, .npz or .safetensors) has a sidecar
FILE.expected.json from scripts/io-parity.js: {name: {dtype, shape, values}} (a .npy's
single tensor under ""; a .safetensors file may add "__metadata__"). Values must match
exactly; .npy files must also equal np.save's bytes, and .safetensors files the bytes of
the reference writer in scripts/fixtures/io.py (the format spec's ordering and padding).
Prints one line per file and 'N passed, N failed'; exits non-zero on any failure.
"""
import importlib.util
import json
import math
import pathlib
import struct
import sys

import numpy as np
import torch

HERE = pathlib.Path(__file__).resolve().parent
ST_DTYPES = {
    "F64": np.float64, "F32": np.float32, "I64": np.int64, "I32": np.int32,
    "I16": np.int16, "I8": np.int8, "U8": np.uint8, "BOOL": np.bool_,
}
NP_NAMES = {
    np.dtype(np.float32): "float32", np.dtype(np.float64): "float64", np.dtype(np.int32): "int32",
    np.dtype(np.int64): "int64", np.dtype(np.int16): "int16", np.dtype(np.int8): "int8",
    np.dtype(np.uint8): "uint8", np.dtype(np.bool_): "bool",
}


def reference_writer():
    # scripts/fixtures/io.py shares its name with the stdlib module: load it under another.
    spec = importlib.util.spec_from_file_location("tensorgrad_io_fixtures", HERE / "fixtures" / "io.py")
    sys.path.insert(0, str(HERE / "fixtures"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.safetensors_bytes


def decode(v):
    if v == "nan":
        return math.nan
    if v == "inf":
        return math.inf
    if v == "-inf":
        return -math.inf
    return v


def check_array(name, arr, want):
    assert NP_NAMES[arr.dtype] == want["dtype"], f"{name}: dtype {arr.dtype} != {want['dtype']}"
    assert list(arr.shape) == want["shape"], f"{name}: shape {list(arr.shape)} != {want['shape']}"
    got = arr.reshape(-1).tolist()
    expected = [decode(v) for v in want["values"]]
    for i, (a, b) in enumerate(zip(got, expected)):
        same = (isinstance(b, float) and math.isnan(b) and math.isnan(a)) or a == b
        assert same, f"{name}[{i}]: {a} != {b}"
    assert len(got) == len(expected)


def read_safetensors(data):
    """A tiny reader following the spec, independent of tensorgrad's."""
    (n,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + n])
    metadata = header.pop("__metadata__", None)
    out = {}
    for name, info in header.items():
        begin, end = info["data_offsets"]
        arr = np.frombuffer(data[8 + n + begin:8 + n + end], dtype=ST_DTYPES[info["dtype"]]).reshape(info["shape"])
        out[name] = arr
        # PyTorch reads the same bytes too (torch.frombuffer needs a non-empty buffer).
        if arr.size:
            t = torch.frombuffer(bytearray(arr.tobytes()), dtype=torch.from_numpy(arr[:0].copy()).dtype).reshape(info["shape"])
            assert np.array_equal(t.numpy(), arr, equal_nan=arr.dtype.kind == "f"), f"{name}: torch disagrees"
    return out, metadata


def check(path, write_reference):
    expected = json.loads(pathlib.Path(str(path) + ".expected.json").read_text())
    data = path.read_bytes()
    if path.suffix == ".npy":
        arr = np.load(path)
        check_array(path.name, arr, expected[""])
        import io as stdio
        buf = stdio.BytesIO()
        np.save(buf, arr.copy(order="C"))  # ascontiguousarray would make a 0-d array 1-d
        assert buf.getvalue() == data, "bytes differ from np.save"
        back = torch.from_numpy(np.load(path)).numpy()
        assert np.array_equal(back, arr, equal_nan=arr.dtype.kind == "f"), "torch.from_numpy disagrees"
    elif path.suffix == ".npz":
        with np.load(path) as z:
            assert list(z.keys()) == list(expected), f"keys {list(z.keys())} != {list(expected)}"
            for k in z.keys():
                check_array(f"{path.name}:{k}", z[k], expected[k])
    elif path.suffix == ".safetensors":
        want_meta = expected.pop("__metadata__", None)
        arrays, metadata = read_safetensors(data)
        assert metadata == want_meta, f"metadata {metadata} != {want_meta}"
        assert sorted(arrays) == sorted(expected), f"names {sorted(arrays)} != {sorted(expected)}"
        for k, arr in arrays.items():
            check_array(f"{path.name}:{k}", arr, expected[k])
        tensors = {k: torch.from_numpy(a.copy()) for k, a in arrays.items()}
        assert write_reference(tensors, metadata) == data, "bytes differ from the reference writer"
    else:
        raise AssertionError(f"unknown extension {path.suffix}")


def main(paths):
    write_reference = reference_writer()
    passed = failed = 0
    for p in paths:
        try:
            check(pathlib.Path(p), write_reference)
            passed += 1
            print(f"ok   {p}")
        except Exception as e:  # noqa: BLE001 - report every file, then fail
            failed += 1
            print(f"FAIL {p}: {e}")
    print(f"{passed} passed, {failed} failed")
    return 1 if failed or not paths else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
