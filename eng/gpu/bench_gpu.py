#!/usr/bin/env python3
"""PyTorch peer of eng/gpu/GpuRunner/Benchmarks.cs: the same workloads, timed the same way, on the same GPU.

Prints one JSON object per workload: {"name", "median_us", "mean_us"}.
"""
import json
import statistics
import time

import torch


def time_it(name, fn, calls=50, rounds=15):
    for _ in range(20):
        fn()
    torch.cuda.synchronize()
    per_call = []
    for _ in range(rounds):
        t = time.perf_counter()
        for _ in range(calls):
            fn()
        torch.cuda.synchronize()
        per_call.append((time.perf_counter() - t) / calls * 1e6)
    return {"name": name, "median_us": statistics.median(per_call), "mean_us": statistics.mean(per_call)}


def main():
    dev = torch.device("cuda")
    g = torch.Generator().manual_seed(0)
    out = []
    fc1 = torch.nn.Linear(1024, 4096).to(dev)
    fc2 = torch.nn.Linear(4096, 1024).to(dev)
    opt = torch.optim.AdamW(list(fc1.parameters()) + list(fc2.parameters()), lr=1e-4)
    x = torch.randn(256, 1024, generator=g).to(dev)
    y = torch.randint(0, 1024, (256,), generator=g).to(dev)

    def step():
        loss = torch.nn.functional.cross_entropy(fc2(torch.relu(fc1(x))), y)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()

    out.append(time_it("MLP training step (eager)", step))

    inp = torch.randn(256, 1024, generator=g).to(dev)
    output = torch.zeros(256, 1024, device=dev)

    def forward():
        with torch.no_grad():
            output.copy_(fc2(torch.relu(fc1(inp))))

    out.append(time_it("MLP forward (eager)", forward))
    s = torch.cuda.Stream()
    s.wait_stream(torch.cuda.current_stream())
    with torch.cuda.stream(s):
        forward()
    torch.cuda.current_stream().wait_stream(s)
    graph = torch.cuda.CUDAGraph()
    with torch.cuda.graph(graph):
        forward()
    out.append(time_it("MLP forward (CUDA graph replay)", graph.replay))

    a = torch.randn(64, 512, generator=g).to(dev)
    o = torch.zeros(64, 512, device=dev)

    def chain():
        t = a
        for _ in range(10):
            t = torch.tanh(t * 0.5 + 1)
        o.copy_(t)

    out.append(time_it("20-op elementwise chain (eager)", chain))
    graph2 = torch.cuda.CUDAGraph()
    with torch.cuda.graph(graph2):
        chain()
    out.append(time_it("20-op elementwise chain (CUDA graph replay)", graph2.replay))

    q = torch.randn(8, 8, 256, 64, generator=g).to(dev).requires_grad_()
    k = torch.randn(8, 8, 256, 64, generator=g).to(dev).requires_grad_()
    v = torch.randn(8, 8, 256, 64, generator=g).to(dev).requires_grad_()

    def attn():
        with torch.autocast("cuda", dtype=torch.bfloat16):
            o2 = torch.nn.functional.scaled_dot_product_attention(q, k, v, is_causal=True)
            o2.float().sum().backward()
        q.grad = k.grad = v.grad = None

    out.append(time_it("causal SDPA fwd+bwd (bf16 autocast)", attn, calls=20))
    for r in out:
        r["torch"] = torch.__version__
        r["device"] = torch.cuda.get_device_name(0)
        print(json.dumps(r))


if __name__ == "__main__":
    main()
