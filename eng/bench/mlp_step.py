#!/usr/bin/python3
"""PyTorch eager peer of benchmarks/Trm.Benchmarks (MlpTrainingStepBenchmarks, TensorOpOverheadBenchmarks).

Same model, sizes, optimizer and thread count; prints one JSON object per measurement:
{"name": ..., "mean_us": ..., "median_us": ...}. Run with Debian's PyTorch (same libtorch as the shim):
    /usr/bin/python3 eng/bench/mlp_step.py --threads 1
"""
import argparse
import json
import statistics
import time

import torch

SIZES = {"tiny": (32, 32, 64, 10), "small": (128, 256, 512, 10)}


def measure(fn, target_seconds=0.25, rounds=10):
    """Mean and median microseconds per call over `rounds` rounds, each about target_seconds long (after warm-up)."""
    for _ in range(20):
        fn()
    n = 1
    while True:  # calibrate calls per round
        t = time.perf_counter()
        for _ in range(n):
            fn()
        dt = time.perf_counter() - t
        if dt > target_seconds / 4:
            break
        n *= 2
    n = max(1, int(n * target_seconds / dt))
    per_call = []
    for _ in range(rounds):
        t = time.perf_counter()
        for _ in range(n):
            fn()
        per_call.append((time.perf_counter() - t) / n * 1e6)
    return statistics.mean(per_call), statistics.median(per_call)


def mlp_step(size):
    batch, n_in, hidden, n_out = SIZES[size]
    g = torch.Generator().manual_seed(0)
    fc1 = torch.nn.Linear(n_in, hidden)
    fc2 = torch.nn.Linear(hidden, n_out)
    params = list(fc1.parameters()) + list(fc2.parameters())
    opt = torch.optim.AdamW(params, lr=1e-3)
    x = torch.randn(batch, n_in, generator=g)
    y = torch.randint(0, n_out, (batch,), generator=g)

    def step():
        loss = torch.nn.functional.cross_entropy(fc2(torch.relu(fc1(x))), y)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()

    return step


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--rounds", type=int, default=10)
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    results = []
    for size in SIZES:
        mean, median = measure(mlp_step(size), rounds=args.rounds)
        results.append({"name": f"MLP training step ({size})", "mean_us": mean, "median_us": median})
    a = torch.ones(4)
    b = torch.ones(4)
    m = torch.ones(4, 4)
    ops = {
        "add [4]+[4]": lambda: a + b,
        "matmul [4,4]x[4,4]": lambda: m.matmul(m),
        "sum [4] -> item": lambda: a.sum().item(),
        "3 ops in a dispose scope": lambda: (a + b) * a - b,
    }
    for name, fn in ops.items():
        mean, median = measure(fn, target_seconds=0.1, rounds=args.rounds)
        results.append({"name": name, "mean_us": mean, "median_us": median})
    for r in results:
        r["torch"] = torch.__version__
        r["threads"] = torch.get_num_threads()
        print(json.dumps(r))


if __name__ == "__main__":
    main()
