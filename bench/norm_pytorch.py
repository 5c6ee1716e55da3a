"""PyTorch side of bench/norm.js: same workloads, prints {name: median ms} as JSON."""
import json
import sys

import torch
import torch.nn.functional as F

from pytorch_timing import set_threads, time_it

threads = int(sys.argv[1])
set_threads(threads)


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
            g = torch.randn(x.shape).contiguous(memory_format=torch.channels_last if layout == "channels_last" else torch.contiguous_format)  # as a channels_last network passes it

            def fn():
                y = F.batch_norm(x, rm, rv, w, b, True)
                torch.autograd.grad(y, [x, w, b], g)
        results[name] = time_it(fn, min_ms=300)
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
    results[name] = time_it(fn, min_ms=300)
print(json.dumps(results))
