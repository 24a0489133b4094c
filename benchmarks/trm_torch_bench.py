#!/usr/bin/env python3
"""PyTorch peer of eng/gpu/GpuRunner/TrmBench.cs: a TRM written here in plain PyTorch with the reference's structure
(token + puzzle embeddings, H_cycles x L_cycles latent recursion with only the last H cycle under grad, post-norm blocks
with RMSNorm, SwiGLU, RoPE attention or the token-mixing mlp_t variant, LM head + Q head) and the same workloads and
shapes: one training step (ACT step from a fresh carry, cross entropy, backward, AdamW) and one no-grad ACT step.

Prints one JSON object per workload and mode: {"name", "mode" (eager|compile|graph), "median_us", "mean_us", on CUDA
"peak_bytes" and "peak_reserved_bytes" over the timed calls}; on CUDA the eager model also runs both workloads captured with
torch.cuda.graph (mode "graph"). The names match
GpuRunner's. Usage: trm_torch_bench.py [--device cuda|cpu] [--small-only] [--no-compile]
"""
import argparse
import json
import math
import statistics
import time

import torch
import torch.nn.functional as F
from torch import nn


def rms_norm(x, eps=1e-5):
    dt = x.dtype
    x = x.float()
    return (x * torch.rsqrt(x.square().mean(-1, keepdim=True) + eps)).to(dt)


def sdpa(q, k, v):
    """Non-causal attention: torch's fused kernel from 2.0, else the formula (torch 1.13 on CPU dry runs)."""
    if hasattr(F, "scaled_dot_product_attention"):
        return F.scaled_dot_product_attention(q, k, v)
    w = torch.softmax((q @ k.transpose(-2, -1)).float() / math.sqrt(q.shape[-1]), dim=-1).to(q.dtype)
    return w @ v


def swiglu_width(hidden, expansion):
    inter = round(expansion * hidden * 2 / 3)
    return (inter + 255) // 256 * 256


class SwiGLU(nn.Module):
    def __init__(self, hidden, expansion):
        super().__init__()
        inter = swiglu_width(hidden, expansion)
        self.gate_up = nn.Linear(hidden, inter * 2, bias=False)
        self.down = nn.Linear(inter, hidden, bias=False)

    def forward(self, x):
        gate, up = self.gate_up(x).chunk(2, dim=-1)
        return self.down(F.silu(gate) * up)


def rope(x, cos, sin):  # x [B, S, H, D]
    x1, x2 = x.chunk(2, dim=-1)
    rot = torch.cat((-x2, x1), dim=-1)
    return (x * cos[None, :, None, :] + rot * sin[None, :, None, :]).to(x.dtype)


class Block(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.cfg = cfg
        h = cfg["hidden"]
        if cfg["mlp_t"]:
            self.token_mlp = SwiGLU(cfg["total_seq"], cfg["expansion"])
        else:
            self.qkv = nn.Linear(h, 3 * h, bias=False)
            self.o = nn.Linear(h, h, bias=False)
        self.mlp = SwiGLU(h, cfg["expansion"])

    def forward(self, x, cos, sin):
        if self.cfg["mlp_t"]:
            x = rms_norm(x + self.token_mlp(x.transpose(1, 2)).transpose(1, 2))
        else:
            b, s, h = x.shape
            nh = self.cfg["heads"]
            q, k, v = self.qkv(x).view(b, s, 3, nh, h // nh).unbind(2)
            q, k = rope(q, cos, sin), rope(k, cos, sin)
            att = sdpa(q.transpose(1, 2), k.transpose(1, 2), v.transpose(1, 2))
            x = rms_norm(x + self.o(att.transpose(1, 2).reshape(b, s, h)))
        return rms_norm(x + self.mlp(x))


class Trm(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.cfg = cfg
        h = cfg["hidden"]
        self.embed = nn.Embedding(cfg["vocab"], h)
        self.puzzle_emb = nn.Parameter(torch.zeros(1, cfg["puzzle_len"] * h))
        self.layers = nn.ModuleList(Block(cfg) for _ in range(cfg["layers"]))
        self.lm_head = nn.Linear(h, cfg["vocab"], bias=False)
        self.q_head = nn.Linear(h, 2)
        self.z_h0 = nn.Parameter(torch.randn(h) * 0.02, requires_grad=False)
        self.z_l0 = nn.Parameter(torch.randn(h) * 0.02, requires_grad=False)
        d = h // cfg["heads"]
        inv = 1.0 / (10000.0 ** (torch.arange(0, d, 2).float() / d))
        f = torch.outer(torch.arange(cfg["total_seq"]).float(), inv)
        emb = torch.cat((f, f), dim=-1)
        self.register_buffer("cos", emb.cos(), persistent=False)
        self.register_buffer("sin", emb.sin(), persistent=False)

    def level(self, z, injection):
        z = z + injection
        for layer in self.layers:
            z = layer(z, self.cos, self.sin)
        return z

    def forward(self, inputs, puzzle_ids):
        cfg = self.cfg
        dt = cfg["dtype"]
        tok = self.embed(inputs) * math.sqrt(cfg["hidden"])
        pz = self.puzzle_emb[puzzle_ids].view(inputs.shape[0], cfg["puzzle_len"], cfg["hidden"])
        x = torch.cat((pz, tok), dim=1).to(dt)
        z_h = self.z_h0.to(dt).expand_as(x)
        z_l = self.z_l0.to(dt).expand_as(x)
        with torch.no_grad():
            for _ in range(cfg["h_cycles"] - 1):
                for _ in range(cfg["l_cycles"]):
                    z_l = self.level(z_l, z_h + x)
                z_h = self.level(z_h, z_l)
        for _ in range(cfg["l_cycles"]):
            z_l = self.level(z_l, z_h + x)
        z_h = self.level(z_h, z_l)
        logits = self.lm_head(z_h[:, cfg["puzzle_len"]:])
        q = self.q_head(z_h[:, 0]).float()
        return logits, q[:, 0], q[:, 1]


def config(small, mlp_t, device):
    cfg = dict(vocab=11, seq=81, puzzle_len=16, expansion=4.0, mlp_t=mlp_t, layers=2,
               dtype=torch.bfloat16 if device.type == "cuda" else torch.float32)
    cfg.update(dict(hidden=64, heads=2, h_cycles=2, l_cycles=2, batch=16) if small else
               dict(hidden=512, heads=8, h_cycles=3, l_cycles=6, batch=768))
    cfg["total_seq"] = cfg["seq"] + cfg["puzzle_len"]
    return cfg


def time_it(fn, device, warmup, rounds):
    """Median and mean microseconds per call; on CUDA also the allocator's peaks over the timed calls (reset after warm-up)."""
    for _ in range(warmup):
        fn()
    cuda = device.type == "cuda"
    if cuda:
        torch.cuda.synchronize()
        torch.cuda.reset_peak_memory_stats()
    per_call = []
    for _ in range(rounds):
        if cuda:
            torch.cuda.synchronize()
        t = time.perf_counter()
        fn()
        if cuda:
            torch.cuda.synchronize()
        per_call.append((time.perf_counter() - t) * 1e6)
    peaks = (torch.cuda.max_memory_allocated(), torch.cuda.max_memory_reserved()) if cuda else (None, None)
    return statistics.median(per_call), statistics.mean(per_call), peaks


def emit(name, mode, timed):
    med, mean, (peak, reserved) = timed
    rec = {"name": name, "mode": mode, "median_us": med, "mean_us": mean}
    if peak is not None:
        rec["peak_bytes"] = peak
        rec["peak_reserved_bytes"] = reserved
    print(json.dumps(rec), flush=True)


def graphed(label, cfg, device, model, opt, inputs, labels, pids, warmup, rounds):
    """The same two workloads with torch.cuda.graph: the no-grad step replayed whole, and the training step's forward +
    backward replayed (gradients in the graph's pool, set_to_none before capture) followed by an eager AdamW step."""
    side = torch.cuda.Stream()
    side.wait_stream(torch.cuda.current_stream())
    with torch.cuda.stream(side), torch.no_grad():
        for _ in range(3):
            model(inputs, pids)
    torch.cuda.current_stream().wait_stream(side)
    g = torch.cuda.CUDAGraph()
    with torch.no_grad(), torch.cuda.graph(g):
        model(inputs, pids)
    emit(f"TRM {label} no-grad ACT step (CUDA graph)", "graph", time_it(g.replay, device, warmup, rounds))
    del g

    def fwd_bwd():
        logits, _, _ = model(inputs, pids)
        F.cross_entropy(logits.float().reshape(-1, cfg["vocab"]), labels.reshape(-1)).backward()

    side.wait_stream(torch.cuda.current_stream())
    with torch.cuda.stream(side):
        for _ in range(3):
            opt.zero_grad(set_to_none=True)
            fwd_bwd()
    torch.cuda.current_stream().wait_stream(side)
    opt.zero_grad(set_to_none=True)
    g = torch.cuda.CUDAGraph()
    with torch.cuda.graph(g):
        fwd_bwd()

    def step():
        g.replay()
        opt.step()

    emit(f"TRM {label} training step (CUDA graph fwd+bwd, eager AdamW)", "graph", time_it(step, device, warmup, rounds))
    del g
    opt.zero_grad(set_to_none=True)


def run(label, cfg, device, modes, warmup, rounds):
    g = torch.Generator().manual_seed(0)
    inputs = torch.randint(1, cfg["vocab"], (cfg["batch"], cfg["seq"]), generator=g).to(device)
    labels = torch.randint(1, cfg["vocab"], (cfg["batch"], cfg["seq"]), generator=g).to(device)
    pids = torch.zeros(cfg["batch"], dtype=torch.long, device=device)
    for mode in modes:
        torch.manual_seed(0)
        model = Trm(cfg).to(device)
        opt = torch.optim.AdamW([p for p in model.parameters() if p.requires_grad], lr=1e-4, weight_decay=0.1)
        fwd = torch.compile(model) if mode == "compile" else model

        def train():
            logits, _, _ = fwd(inputs, pids)
            loss = F.cross_entropy(logits.float().reshape(-1, cfg["vocab"]), labels.reshape(-1))
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()

        def infer():
            with torch.no_grad():
                fwd(inputs, pids)

        for kind, fn in (("training step", train), ("no-grad ACT step", infer)):
            emit(f"TRM {label} {kind}", mode, time_it(fn, device, warmup, rounds))
        if device.type == "cuda" and mode == "eager":
            try:
                graphed(label, cfg, device, model, opt, inputs, labels, pids, warmup, rounds)
            except Exception as e:  # keep the eager numbers if capture fails on this torch
                print(json.dumps({"name": f"TRM {label} CUDA graph capture", "mode": "graph", "error": str(e).splitlines()[0]}), flush=True)
        del model, opt, fwd
        if device.type == "cuda":
            torch.cuda.empty_cache()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--device", default="cuda")
    ap.add_argument("--small-only", action="store_true")
    ap.add_argument("--no-compile", action="store_true")
    a = ap.parse_args()
    device = torch.device(a.device)
    modes = ["eager"] if a.no_compile or device.type == "cpu" or not hasattr(torch, "compile") else ["eager", "compile"]
    cuda = device.type == "cuda"
    # The reference Sudoku configs first (eager + compile), so that they are in when run.sh's 300 s cap cuts the run;
    # the small configs eager only (torch.compile's compile time would not fit the 8-minute round).
    if not a.small_only:
        for mlp_t in (False, True):
            name = "mlp_t" if mlp_t else "attention"
            run(f"sudoku {name}", config(False, mlp_t, device), device, modes, 3, 10)
    for mlp_t in (False, True):
        name = "mlp_t" if mlp_t else "attention"
        run(f"small {name}", config(True, mlp_t, device), device, ["eager"], 5 if cuda else 1, 20 if cuda else 3)


if __name__ == "__main__":
    main()
