"""PyTorch side of bench/norm.js: same workloads, prints {name: median ms} as JSON."""
import ctypes
import json
import sys
import time

import torch
import torch.nn.functional as F

threads = int(sys.argv[1])
torch.set_num_threads(threads)
try:  # torch's setting does not reach OpenBLAS (PERFORMANCE.md)
    ctypes.CDLL("libopenblas.so.0").openblas_set_num_threads(threads)
except OSError:
    pass


def time_it(fn, min_ms=300, repeats=5):
    for _ in range(3):
        fn()
    iters = 1
    while True:
        t0 = time.perf_counter()
        for _ in range(iters):
            fn()
        if (time.perf_counter() - t0) * 1e3 >= min_ms / repeats or iters > 1e7:
            break
        iters *= 2
    samples = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        for _ in range(iters):
            fn()
        samples.append((time.perf_counter() - t0) * 1e3 / iters)
    return sorted(samples)[len(samples) // 2]


results = {}
for layout in ["NCHW", "channels_last"]:
    for pas in ["fwd", "fwd+bwd"]:
        x = torch.randn(64, 32, 24, 24)
        if layout == "channels_last":
            x = x.contiguous(memory_format=torch.channels_last)
        w = torch.ones(32, requires_grad=True)
        b = torch.zeros(32, requires_grad=True)
        rm, rv = torch.zeros(32), torch.ones(32)
        name = f"batchNorm2d (64,32,24,24) {layout} {pas}"
        if pas == "fwd":
            def fn():
                with torch.no_grad():
                    F.batch_norm(x, rm, rv, w, b, True)
        else:
            x.requires_grad_(True)
            g = torch.randn(x.shape)

            def fn():
                y = F.batch_norm(x, rm, rv, w, b, True)
                torch.autograd.grad(y, [x, w, b], g)
        results[name] = time_it(fn)
for pas in ["fwd", "fwd+bwd"]:
    x = torch.randn(64, 128, 256)
    w = torch.ones(256, requires_grad=True)
    b = torch.zeros(256, requires_grad=True)
    name = f"layerNorm (64,128,256) over 256 {pas}"
    if pas == "fwd":
        def fn():
            with torch.no_grad():
                F.layer_norm(x, [256], w, b)
    else:
        x.requires_grad_(True)
        g = torch.randn(x.shape)

        def fn():
            y = F.layer_norm(x, [256], w, b)
            torch.autograd.grad(y, [x, w, b], g)
    results[name] = time_it(fn)
print(json.dumps(results))
