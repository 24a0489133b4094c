"""Peer for ChatTrainingStepBenchmarks: the chat TRM's language-model training step in PyTorch eager.

The causal TRM of Trm.Model (TrmModel.LmForward) restated directly in PyTorch: token embedding scaled by sqrt(hidden),
latents y and z started from fixed vectors, post-norm blocks (causal attention with RoPE, SwiGLU, weightless
RMSNorm) in one shared stack, the recursion z = f(z, y + x) L times then y = f(y, z), H cycles of which the first H-1
run without gradients, then the LM head; masked cross-entropy (ignore_index -100), backward and torch.optim.AdamW
(lr 3e-4, betas (0.9, 0.95), weight decay 0.1). Same shapes as the .NET benchmark: hidden 128, 4 heads, 4 layers,
expansion 4, batch 8, 128 tokens, float32; setups "chat" (H=1, L=1) and "chat-recursive" (H=3, L=4), vocabularies
65 and 50257. Run with Debian's python3-torch (the libtorch our shim binds):
    /usr/bin/python3 benchmarks/Trm.Benchmarks/peers/chat_trm_peer.py [runs] [setup] [vocab]
    /usr/bin/python3 benchmarks/Trm.Benchmarks/peers/chat_trm_peer.py --ops [setup] [vocab]
Prints the minimum and median process CPU time and wall time of one training step (TRM_BENCH_THREADS sets the
intra-op and OpenBLAS thread counts, as on the .NET side; default 1).
"""
import math
import os
import sys

import torch
import torch.nn.functional as F

from trm_forward_peer import bench, count_ops, inner_width, openblas, param  # EXPANSION 4 there too

HIDDEN, HEADS, LAYERS = 128, 4, 4
BATCH, SEQ, IGNORE = 8, 128, -100
CYCLES = {"chat": (1, 1), "chat-recursive": (3, 4)}


class ChatTrm:
    def __init__(self, vocab, h_cycles, l_cycles):
        self.h_cycles, self.l_cycles = h_cycles, l_cycles
        self.p = {"embed": param(vocab, HIDDEN, std=HIDDEN ** -0.5), "lm": param(vocab, HIDDEN, std=HIDDEN ** -0.5),
                  "q_w": torch.zeros(2, HIDDEN, requires_grad=True), "q_b": torch.full((2,), -5.0, requires_grad=True)}
        w = inner_width(HIDDEN)
        for i in range(LAYERS):
            self.p[f"{i}.qkv"] = param(3 * HIDDEN, HIDDEN, std=HIDDEN ** -0.5)
            self.p[f"{i}.o"] = param(HIDDEN, HIDDEN, std=HIDDEN ** -0.5)
            self.p[f"{i}.gu"] = param(2 * w, HIDDEN, std=HIDDEN ** -0.5)
            self.p[f"{i}.d"] = param(HIDDEN, w, std=w ** -0.5)
        self.h_init, self.l_init = torch.randn(HIDDEN), torch.randn(HIDDEN)
        hd = HIDDEN // HEADS
        inv = 1.0 / (10000.0 ** (torch.arange(0, hd, 2, dtype=torch.float32) / hd))
        emb = torch.cat((torch.outer(torch.arange(SEQ, dtype=torch.float32), inv),) * 2, -1)
        self.cos, self.sin = emb.cos()[:, None, :], emb.sin()[:, None, :]  # [T, 1, hd]
        self.future = torch.ones(SEQ, SEQ, dtype=torch.bool).triu(1)  # keys after the query

    @staticmethod
    def rms(x):
        return x * torch.rsqrt(x.square().mean(-1, keepdim=True) + 1e-5)

    def rope(self, x):
        x1, x2 = x.chunk(2, -1)
        return x * self.cos + torch.cat((-x2, x1), -1) * self.sin

    def attention(self, x, i):
        b, s, _ = x.shape
        hd = HIDDEN // HEADS
        qkv = F.linear(x, self.p[f"{i}.qkv"]).view(b, s, 3 * HEADS, hd)
        q, k, v = qkv.narrow(2, 0, HEADS), qkv.narrow(2, HEADS, HEADS), qkv.narrow(2, 2 * HEADS, HEADS)
        q, k = self.rope(q), self.rope(k)
        q, k, v = (t.transpose(1, 2) for t in (q, k, v))
        scores = (q @ k.transpose(-1, -2) / math.sqrt(hd)).masked_fill(self.future, float("-inf"))
        a = torch.softmax(scores, -1) @ v
        return F.linear(a.transpose(1, 2).reshape(b, s, HIDDEN), self.p[f"{i}.o"])

    def swiglu(self, x, i):
        g, u = F.linear(x, self.p[f"{i}.gu"]).chunk(2, -1)
        return F.linear(F.silu(g) * u, self.p[f"{i}.d"])

    def f(self, h, injection):
        h = h + injection
        for i in range(LAYERS):
            h = self.rms(h + self.attention(h, i))
            h = self.rms(h + self.swiglu(h, i))
        return h

    def cycle(self, y, z, x):
        for _ in range(self.l_cycles):
            z = self.f(z, y + x)
        return self.f(y, z), z

    def forward(self, inputs):
        x = math.sqrt(HIDDEN) * F.embedding(inputs, self.p["embed"])
        y = self.h_init.expand(*inputs.shape, HIDDEN)
        z = self.l_init.expand(*inputs.shape, HIDDEN)
        with torch.no_grad():
            for _ in range(self.h_cycles - 1):
                y, z = self.cycle(y, z, x)
        y, z = self.cycle(y, z, x)
        return F.linear(y, self.p["lm"])


def case(setup, vocab):
    torch.manual_seed(0)
    model = ChatTrm(vocab, *CYCLES[setup])
    optimizer = torch.optim.AdamW(list(model.p.values()), lr=3e-4, betas=(0.9, 0.95), eps=1e-8, weight_decay=0.1)
    inputs = torch.randint(0, vocab, (BATCH, SEQ))
    targets = torch.randint(0, vocab, (BATCH, SEQ))
    for b in range(BATCH):
        targets[b, :16 * (1 + b % 4)] = IGNORE  # 16, 32, 48, 64 masked positions, as the .NET side

    def step():
        optimizer.zero_grad(set_to_none=True)
        logits = model.forward(inputs)
        loss = F.cross_entropy(logits.view(-1, vocab), targets.view(-1), ignore_index=IGNORE)
        loss.backward()
        optimizer.step()

    return step


def main():
    args = sys.argv[1:]
    ops = args[:1] == ["--ops"]
    if ops:
        args = args[1:]
    runs = 10
    if args and not ops:
        runs, args = int(args[0]), args[1:]
    setups = [args[0]] if args else ["chat", "chat-recursive"]
    vocabs = [int(args[1])] if len(args) > 1 else [65, 50257]
    threads = int(os.environ.get("TRM_BENCH_THREADS") or 1)
    torch.set_num_threads(threads)
    blas = openblas()
    if blas is not None:
        blas.openblas_set_num_threads(threads)
    print(f"PyTorch: torch {torch.__version__}, {torch.get_num_threads()} intra-op threads, "
          f"{torch.get_num_interop_threads()} inter-op threads, "
          f"{blas.openblas_get_num_threads() if blas is not None else 0} OpenBLAS threads")
    for vocab in vocabs:
        for setup in setups:
            step = case(setup, vocab)
            if ops:
                count_ops(f"{setup}-{vocab}", "TrainingStep", step)
            else:
                print(f"{setup} vocab {vocab}: TrainingStep {bench(step, runs=runs)}")


if __name__ == "__main__":
    main()
