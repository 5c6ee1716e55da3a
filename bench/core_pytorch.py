"""The PyTorch side of bench/core.js: the same workloads, printed as JSON {name: ms}."""
import json
import sys

import torch
import torch.nn.functional as F

from pytorch_timing import set_threads, time_it

threads = int(sys.argv[1])
set_threads(threads)


n = 4 << 20
a, b, out = torch.rand(n), torch.rand(n), torch.empty(n)
m, row = torch.rand(1000, 1000), torch.rand(1000)
one, hundred = torch.rand(1), torch.rand(100)
x5 = torch.rand(5, 5, requires_grad=True)
t34 = torch.rand(3, 4)
m44 = torch.rand(4, 4)
torch.manual_seed(0)
mlp = torch.nn.Sequential(torch.nn.Linear(784, 256), torch.nn.ReLU(), torch.nn.Linear(256, 128), torch.nn.ReLU(), torch.nn.Linear(128, 10))
opt = torch.optim.SGD(mlp.parameters(), lr=0.01)
xb, yb = torch.randn(64, 784), torch.randint(0, 10, (64,))
lenet = torch.nn.Sequential(
    torch.nn.Conv2d(1, 6, 5), torch.nn.ReLU(), torch.nn.MaxPool2d(2),
    torch.nn.Conv2d(6, 16, 5), torch.nn.ReLU(), torch.nn.MaxPool2d(2), torch.nn.Flatten(),
    torch.nn.Linear(256, 120), torch.nn.ReLU(), torch.nn.Linear(120, 84), torch.nn.ReLU(), torch.nn.Linear(84, 10))
lenet_opt = torch.optim.SGD(lenet.parameters(), lr=0.01)
images = torch.randn(64, 1, 28, 28)


def autograd_step():
    x5.grad = None
    ((x5 + 3) * (x5 + 4) * 0.5).sum().backward()


def mlp_step():
    opt.zero_grad()
    F.cross_entropy(mlp(xb), yb).backward()
    opt.step()


def lenet_step():
    lenet_opt.zero_grad()
    F.cross_entropy(lenet(images), yb).backward()
    lenet_opt.step()


def no_grad_fwd():
    with torch.no_grad():
        mlp(xb)


def inference_fwd():
    with torch.inference_mode():
        mlp(xb)


work = {
    "add 4M (new output)": lambda: a.add(b),
    "add 4M (out=)": lambda: torch.add(a, b, out=out),
    "relu 4M": lambda: a.relu(),
    "exp 4M": lambda: a.exp(),
    "mul_ 4M (in place)": lambda: out.mul_(1.0000001),
    "broadcast add (1000,1000)+(1000,)": lambda: m.add(row),
    "a+b, 1 element": lambda: one.add(one),
    "a+b, 100 elements": lambda: hundred.add(hundred),
    "4x4 matmul": lambda: m44.matmul(m44),
    "reshape + transpose (views)": lambda: t34.reshape(4, 3).transpose(0, 1),
    "autograd (x+3)*(x+4)*0.5 on 5x5, sum().backward()": autograd_step,
    "MLP 784-256-128-10 SGD step, batch 64": mlp_step,
    "LeNet SGD step, batch 64": lenet_step,
    "MLP forward batch 64, noGrad": no_grad_fwd,
    "MLP forward batch 64, inferenceMode": inference_fwd,
}
# Training steps time the steady state of a training loop: both sides run them 2 s first.
STEADY = {"MLP 784-256-128-10 SGD step, batch 64", "LeNet SGD step, batch 64"}
only = sys.argv[2:]  # names to time (core.js asks for the training steps again, in rounds)
print(json.dumps({k: time_it(f, warm_ms=2000 if k in STEADY else 0) for k, f in work.items() if not only or k in only}))
