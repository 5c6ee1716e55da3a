"""The PyTorch side of bench/autograd.js: the same workloads, printed as JSON {name: ms}."""
import json
import sys
import time

import torch

from pytorch_timing import set_threads, time_it

threads = int(sys.argv[1])
set_threads(threads)
# 'cpu': process CPU time instead of wall time (see bench/autograd.js).
clock = time.process_time if len(sys.argv) > 2 and sys.argv[2] == "cpu" else time.perf_counter


x = torch.rand(5, 5, requires_grad=True)
torch.manual_seed(0)
mlp = torch.nn.Sequential(torch.nn.Linear(784, 256), torch.nn.ReLU(), torch.nn.Linear(256, 128), torch.nn.ReLU(), torch.nn.Linear(128, 10))
xb = torch.randn(64, 784)


def course():
    x.grad = None
    ((x + 3) * (x + 4) * 0.5).sum().backward()


def inference_course():
    with torch.inference_mode():
        ((x + 3) * (x + 4) * 0.5).sum()


def inference_fwd():
    with torch.inference_mode():
        mlp(xb)


def no_grad_fwd():
    with torch.no_grad():
        mlp(xb)


work = {
    "course (x+3)*(x+4)*0.5 on 5x5, sum().backward()": course,
    "course, forward only (graph recorded)": lambda: ((x + 3) * (x + 4) * 0.5).sum(),
    "course, forward only, inferenceMode": inference_course,
    "MLP forward batch 64, grad mode": lambda: mlp(xb),
    "MLP forward batch 64, inferenceMode": inference_fwd,
    "MLP forward batch 64, noGrad": no_grad_fwd,
}
for f in work.values():  # the same warm-up as the tensorgrad side
    until = time.perf_counter() + 0.5
    while time.perf_counter() < until:
        f()
print(json.dumps({k: time_it(f, clock=clock) for k, f in work.items()}))
