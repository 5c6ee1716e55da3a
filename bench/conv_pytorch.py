"""The PyTorch side of bench/conv.js: the same conv2d workloads, printed as JSON {name: ms}.
Usage: conv_pytorch.py THREADS"""
import json
import sys

import torch
import torch.nn.functional as F

from pytorch_timing import set_threads, time_it

threads = int(sys.argv[1])
set_threads(threads)
torch.manual_seed(0)

# name: (input shape, weight shape, padding, input needs grad); mirrors bench/conv.js
WORKLOADS = {
    "A (32,64,56,56)*(64,64,3,3) p1": ((32, 64, 56, 56), (64, 64, 3, 3), 1, True),
    "B (32,128,28,28)*(128,128,3,3) p1": ((32, 128, 28, 28), (128, 128, 3, 3), 1, True),
    "C (32,256,14,14)*(256,256,1,1)": ((32, 256, 14, 14), (256, 256, 1, 1), 0, True),
    "D (64,1,28,28)*(32,1,5,5)": ((64, 1, 28, 28), (32, 1, 5, 5), 0, False),
}


WARM_MS = 1500  # as bench/conv.js: the steady state of a training loop

results = {}
for name, (xs, ws, pad, input_grad) in WORKLOADS.items():
    big = xs[1] >= 64 and xs[2] >= 28
    repeats = 3 if big else 15
    for layout in ("NCHW", "channels_last"):
        fmt = torch.channels_last if layout == "channels_last" else torch.contiguous_format
        x = torch.randn(*xs).contiguous(memory_format=fmt)
        w = torch.randn(*ws).contiguous(memory_format=fmt)
        b = torch.randn(ws[0])
        results[f"{name} {layout} fwd"] = time_it(lambda: F.conv2d(x, w, b, padding=pad), min_ms=0, repeats=repeats, warm_ms=WARM_MS)
        xg = x.clone().requires_grad_(input_grad)
        wg, bg = w.clone().requires_grad_(), b.clone().requires_grad_()
        g = torch.randn_like(F.conv2d(x, w, b, padding=pad))

        def step():
            xg.grad = wg.grad = bg.grad = None
            F.conv2d(xg, wg, bg, padding=pad).backward(g)

        results[f"{name} {layout} fwd+bwd"] = time_it(step, min_ms=0, repeats=repeats, warm_ms=WARM_MS)
print(json.dumps(results))
