"""Shared by the bench/*_pytorch.py scripts: thread setup and the timer, the Python twin of
bench/harness.js's timeIt (median of `repeats` samples, each long enough to time)."""
import ctypes
import time

import torch


def set_threads(threads):
    torch.set_num_threads(threads)
    try:  # torch's setting does not reach Debian's OpenBLAS pool (PERFORMANCE.md)
        ctypes.CDLL("libopenblas.so.0").openblas_set_num_threads(threads)
    except (OSError, AttributeError):
        pass


def time_it(fn, min_ms=200, repeats=5, clock=time.perf_counter, warm_ms=0):
    """Median ms per call; min_ms=0 times single calls (for workloads of many ms);
    warm_ms: run it this long first (the same warm-up harness.js gives that workload)."""
    for _ in range(3):
        fn()
    warm_until = clock() + warm_ms / 1e3
    while clock() < warm_until:
        fn()
    iters = 1
    while min_ms > 0:
        t0 = clock()
        for _ in range(iters):
            fn()
        if (clock() - t0) * 1e3 >= min_ms / repeats or iters > 1e7:
            break
        iters *= 2
    samples = []
    for _ in range(repeats):
        t0 = clock()
        for _ in range(iters):
            fn()
        samples.append((clock() - t0) * 1e3 / iters)
    return sorted(samples)[len(samples) // 2]
