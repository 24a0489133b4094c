"""Peer for TrmForwardBenchmarks (CPU part): the same TRM step in PyTorch eager on the same libtorch.

A compact re-statement of the reference TRM (post-norm blocks, shared L stack, H_cycles-1 no-grad cycles,
stablemax loss) with the benchmark's CPU configuration: hidden 128, 4 heads, 2 layers, H=3, L=6, batch 8,
81 tokens + 16 puzzle positions, vocabulary 11, float32. Run with Debian's python3-torch:
    /usr/bin/python3 benchmarks/Trm.Benchmarks/peers/trm_forward_peer.py [runs]     # CPU and wall time
    /usr/bin/python3 benchmarks/Trm.Benchmarks/peers/trm_forward_peer.py --ops      # op counts of one call
Prints the minimum and median process CPU time and wall time of 'RecursiveStepNoGrad' and 'TrainingStep' for the
attention and mlp_t variants (TRM_BENCH_THREADS sets the intra-op thread count, as on the .NET side).
"""
import ctypes
import math
import os
import statistics
import sys
import time

import torch
import torch.nn.functional as F

HIDDEN, HEADS, LAYERS, H_CYCLES, L_CYCLES = 128, 4, 2, 3, 6
BATCH, SEQ, PREFIX, VOCAB, EXPANSION = 8, 81, 16, 11, 4
TOTAL = SEQ + PREFIX


def inner_width(width):
    target = round(EXPANSION * width * 2 / 3)
    return -(target // -256) * 256


def param(*shape, std):
    return (torch.randn(*shape) * std).requires_grad_(True)


class Peer:
    def __init__(self, mlp_t):
        self.mlp_t = mlp_t
        self.p = {"embed": param(VOCAB, HIDDEN, std=HIDDEN ** -0.5), "lm": param(VOCAB, HIDDEN, std=HIDDEN ** -0.5),
                  "q_w": torch.zeros(2, HIDDEN, requires_grad=True), "q_b": torch.full((2,), -5.0, requires_grad=True)}
        for i in range(LAYERS):
            if mlp_t:
                w = inner_width(TOTAL)
                self.p[f"{i}.t_gu"] = param(2 * w, TOTAL, std=TOTAL ** -0.5)
                self.p[f"{i}.t_d"] = param(TOTAL, w, std=w ** -0.5)
            else:
                self.p[f"{i}.qkv"] = param(3 * HIDDEN, HIDDEN, std=HIDDEN ** -0.5)
                self.p[f"{i}.o"] = param(HIDDEN, HIDDEN, std=HIDDEN ** -0.5)
            w = inner_width(HIDDEN)
            self.p[f"{i}.gu"] = param(2 * w, HIDDEN, std=HIDDEN ** -0.5)
            self.p[f"{i}.d"] = param(HIDDEN, w, std=w ** -0.5)
        self.local = torch.zeros(BATCH, HIDDEN, requires_grad=True)
        self.h_init, self.l_init = torch.randn(HIDDEN), torch.randn(HIDDEN)
        hd = HIDDEN // HEADS
        inv = 1.0 / (10000.0 ** (torch.arange(0, hd, 2, dtype=torch.float32) / hd))
        freqs = torch.outer(torch.arange(TOTAL, dtype=torch.float32), inv)
        emb = torch.cat((freqs, freqs), -1)
        self.cos, self.sin = emb.cos(), emb.sin()

    @staticmethod
    def rms(x):
        return x * torch.rsqrt(x.square().mean(-1, keepdim=True) + 1e-5)

    @staticmethod
    def swiglu(x, gu, d):
        g, u = F.linear(x, gu).chunk(2, -1)
        return F.linear(F.silu(g) * u, d)

    def rope(self, x):
        x1, x2 = x.chunk(2, -1)
        return x * self.cos.unsqueeze(-2) + torch.cat((-x2, x1), -1) * self.sin.unsqueeze(-2)

    def attention(self, x, i):
        b, s, _ = x.shape
        hd = HIDDEN // HEADS
        qkv = F.linear(x, self.p[f"{i}.qkv"]).view(b, s, 3 * HEADS, hd)
        q, k, v = qkv.narrow(2, 0, HEADS), qkv.narrow(2, HEADS, HEADS), qkv.narrow(2, 2 * HEADS, HEADS)
        q, k = self.rope(q), self.rope(k)
        q, k, v = (t.transpose(1, 2) for t in (q, k, v))
        a = torch.softmax(q @ k.transpose(-1, -2) / math.sqrt(hd), -1) @ v
        return F.linear(a.transpose(1, 2).reshape(b, s, HIDDEN), self.p[f"{i}.o"])

    def f(self, h, injection):
        h = h + injection
        for i in range(LAYERS):
            if self.mlp_t:
                t = h.transpose(1, 2)
                h = self.rms(t + self.swiglu(t, self.p[f"{i}.t_gu"], self.p[f"{i}.t_d"])).transpose(1, 2)
            else:
                h = self.rms(h + self.attention(h, i))
            h = self.rms(h + self.swiglu(h, self.p[f"{i}.gu"], self.p[f"{i}.d"]))
        return h

    def step(self, inputs):
        x = F.embedding(inputs, self.p["embed"])
        puzzle = F.pad(self.local, (0, PREFIX * HIDDEN - HIDDEN)).view(-1, PREFIX, HIDDEN)
        x = math.sqrt(HIDDEN) * torch.cat((puzzle, x), -2)
        y = self.h_init.expand(BATCH, TOTAL, HIDDEN)
        z = self.l_init.expand(BATCH, TOTAL, HIDDEN)
        with torch.no_grad():
            for _ in range(H_CYCLES - 1):
                for _ in range(L_CYCLES):
                    z = self.f(z, y + x)
                y = self.f(y, z)
        for _ in range(L_CYCLES):
            z = self.f(z, y + x)
        y = self.f(y, z)
        logits = F.linear(y, self.p["lm"])[:, PREFIX:]
        q = F.linear(y[:, 0], self.p["q_w"], self.p["q_b"])
        return logits, q[:, 0]

    def loss(self, logits, q_halt, labels):
        x = logits.double()
        s = torch.where(x < 0, 1 / (1 - x + 1e-30), x + 1)
        logp = torch.log(s / s.sum(-1, keepdim=True))
        lm = -torch.gather(logp, -1, labels.unsqueeze(-1)).squeeze(-1).mean(-1).sum()
        correct = (logits.argmax(-1) == labels).all(-1).float()
        return lm + 0.5 * F.binary_cross_entropy_with_logits(q_halt, correct, reduction="sum")


def bench(fn, warmup=3, runs=10):
    """Process CPU time (time.process_time, as the .NET side's CLOCK_PROCESS_CPUTIME_ID) and wall time per call."""
    for _ in range(warmup):
        fn()
    cpu, wall = [], []
    for _ in range(runs):
        c0, w0 = time.process_time(), time.perf_counter()
        fn()
        wall.append((time.perf_counter() - w0) * 1000)
        cpu.append((time.process_time() - c0) * 1000)
    return (f"cpu min {min(cpu):.1f} / median {statistics.median(cpu):.1f} ms, "
            f"wall min {min(wall):.1f} / median {statistics.median(wall):.1f} ms")


def openblas():
    """The OpenBLAS that libtorch loaded (dlopen of a loaded soname returns it), or None."""
    try:
        return ctypes.CDLL("libopenblas.so.0", mode=os.RTLD_NOLOAD)
    except OSError:
        return None


def count_ops(setup, step, fn):
    """Prints "setup step op count inclusive-µs" for the ATen ops and backward functions of one call (nested ops included)."""
    fn()
    with torch.autograd.profiler.profile() as prof:
        start = time.perf_counter()
        fn()
        step_us = (time.perf_counter() - start) * 1e6
    print(f"{setup} {step} *step 1 {step_us:.0f}")
    counts, times = {"*outermost": 0}, {"*outermost": 0.0}
    for event in prof.function_events:
        if event.cpu_parent is None:  # time inside libtorch, as the .NET side's "*outermost"
            counts["*outermost"] += 1
            times["*outermost"] += event.cpu_time_total
        if not event.name.startswith("autograd::engine"):
            counts[event.name] = counts.get(event.name, 0) + 1
            times[event.name] = times.get(event.name, 0) + event.cpu_time_total
    for op in sorted(counts):
        print(f"{setup} {step} {op} {counts[op]} {times[op]:.0f}")


def main():
    ops = sys.argv[1:2] == ["--ops"]
    runs = int(sys.argv[1]) if len(sys.argv) > 1 and not ops else 10
    # The same thread counts as the .NET side: TRM_BENCH_THREADS, else 1, for libtorch and for OpenBLAS's own pool
    # (torch.set_num_threads does not size OpenBLAS's; Trm.Torch's SetNumThreads does).
    threads = int(os.environ.get("TRM_BENCH_THREADS") or 1)
    torch.set_num_threads(threads)
    blas = openblas()
    if blas is not None:
        blas.openblas_set_num_threads(threads)
    torch.manual_seed(0)
    print(f"PyTorch: torch {torch.__version__}, {torch.get_num_threads()} intra-op threads, "
          f"{torch.get_num_interop_threads()} inter-op threads, "
          f"{blas.openblas_get_num_threads() if blas is not None else 0} OpenBLAS threads")
    inputs = torch.randint(0, VOCAB, (BATCH, SEQ))
    labels = torch.randint(1, VOCAB, (BATCH, SEQ))
    for name, mlp_t in (("cpu-attn", False), ("cpu-mlp_t", True)):
        peer = Peer(mlp_t)

        def no_grad():
            with torch.no_grad():
                peer.step(inputs)

        def train():
            logits, q = peer.step(inputs)
            (peer.loss(logits, q, labels) / BATCH).backward()
            for p in list(peer.p.values()) + [peer.local]:
                p.grad = None

        if ops:
            count_ops(name, "RecursiveStepNoGrad", no_grad)
            count_ops(name, "TrainingStep", train)
            continue
        print(f"{name}: RecursiveStepNoGrad {bench(no_grad, runs=runs)}; TrainingStep {bench(train, runs=runs)}")

if __name__ == "__main__":
    main()
