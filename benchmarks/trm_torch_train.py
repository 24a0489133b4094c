#!/usr/bin/python3
"""PyTorch peer of Trm.Training's Trainer: the reference TRM training loop (SamsungSAILMontreal/TinyRecursiveModels,
pretrain.py semantics) written here in plain PyTorch, to compare learning curves with our trainer step by step.

What it reproduces (an independent re-implementation of the reference's documented behaviour, not its code):
  * data: the reference's PuzzleDataset over a dataset folder (train: one pass = epochs_per_iter group permutations
    from a NumPy Philox generator seeded seed + pass number (1, 2, ...), one random puzzle per group, its examples drawn
    without replacement, last partial batch dropped; test: every example once, in order, padded). With
    --order trm the training order is Trm.Data's instead (xoshiro256** seeded (seed, pass)), so that both trainers see
    the same batches and their losses can be compared step by step.
  * model: TinyRecursiveReasoningModel_ACTV1 (token + puzzle embeddings, H_cycles x L_cycles recursion with only the last
    H cycle under grad, post-norm blocks, SwiGLU, RoPE attention or mlp_t), ACT with halting exploration (its draws from
    a CPU generator seeded seed + 1, as Trm.Training does), Q-learning continue target when no_ACT_continue is false.
  * loss: ACTLossHead (stablemax or softmax cross entropy per example / labelled tokens, BCE halting loss,
    lm + 0.5 (q_halt + q_continue)); backward of loss / global_batch_size; the ACT carry persists across batches.
  * optimisers: AdamATan2 with the reference kernel's formula (decoupled weight decay, lerp moments,
    p -= lr * atan2(m / bc1, sqrt(v) / sqrt(bc2))), sign-SGD on the rows of the sparse puzzle embedding, both with the
    reference's warm-up + cosine schedule (total steps = epochs * total_groups * mean_puzzle_examples / batch);
    EMA of the weights (evaluation and checkpoint use it).
  * evaluation: every ACT step until all halt (all halt_max_steps in eval mode); metrics of the last step summed over
    the test set / count, plus where a solver that stops at the first positive halting logit (halt_*) or at the first
    halting probability above 0.9 (early_stop_*) would stop, as Trm.Training's evaluator reports them.

Initial weights come from a Trm checkpoint (model.safetensors, e.g. the step_0 folder `trm train --save-initial`
writes), so both trainers start from the same point. Writes metrics.jsonl with the same record layout as
Trm.Training's MetricsJsonlWriter ({"step", "split", <metric>: value}).

Usage:
  /usr/bin/python3 benchmarks/trm_torch_train.py --config RUN/step_0/trainer.json --data DATA --init RUN/step_0
      --out OUT [--order reference|trm] [--max-steps N] [--eval-every N] [--threads N] [--seed N]
"""
import argparse
import json
import math
import os
import struct
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

IGNORE = -100
EARLY_STOP = 0.9  # halting probability of the early_stop_* metrics (trm solve --act-early-stop's default)

# ---------------------------------------------------------------------------------------------------------------- data


class Xoshiro:
    """Trm.Data's DeterministicRandom (xoshiro256** seeded through SplitMix64), for --order trm."""

    M = (1 << 64) - 1

    @staticmethod
    def _mix(z):
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & Xoshiro.M
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & Xoshiro.M
        return z ^ (z >> 31)

    def __init__(self, *seeds):
        x = 0x9E3779B97F4A7C15
        for s in seeds:
            x = self._mix(x ^ (s & self.M))
        state = []
        for _ in range(4):
            x = (x + 0x9E3779B97F4A7C15) & self.M
            state.append(self._mix(x))
        self.s = state

    @staticmethod
    def _rotl(v, k):
        return ((v << k) | (v >> (64 - k))) & Xoshiro.M

    def next_u64(self):
        s0, s1, s2, s3 = self.s
        result = (self._rotl((s1 * 5) & self.M, 7) * 9) & self.M
        t = (s1 << 17) & self.M
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = self._rotl(s3, 45)
        self.s = [s0, s1, s2, s3]
        return result

    def next(self, bound):
        limit = self.M - self.M % bound
        while True:
            r = self.next_u64()
            if r < limit:
                return r % bound

    def permutation(self, n):
        p = list(range(n))
        for i in range(n - 1, 0, -1):
            j = self.next(i + 1)
            p[i], p[j] = p[j], p[i]
        return p


class PuzzleData:
    """One split of a dataset folder (the reference layout: <split>/dataset.json and <set>__<field>.npy)."""

    def __init__(self, root, split):
        folder = os.path.join(root, split)
        with open(os.path.join(folder, "dataset.json")) as f:
            self.meta = json.load(f)
        self.sets = {}
        for name in self.meta["sets"]:
            self.sets[name] = {k: np.load(os.path.join(folder, f"{name}__{k}.npy"), mmap_mode="r" if k in ("inputs", "labels") else None)
                               for k in ("inputs", "labels", "puzzle_identifiers", "puzzle_indices", "group_indices")}

    def collate(self, inputs, labels, ids, size):
        inputs = np.asarray(inputs, dtype=np.int32).copy()
        labels = np.asarray(labels, dtype=np.int32).copy()
        if self.meta.get("ignore_label_id") is not None:
            labels[labels == self.meta["ignore_label_id"]] = IGNORE
        ids = np.asarray(ids, dtype=np.int32)
        pad = size - len(ids)
        if pad > 0:
            inputs = np.pad(inputs, ((0, pad), (0, 0)), constant_values=self.meta["pad_id"])
            labels = np.pad(labels, ((0, pad), (0, 0)), constant_values=IGNORE)
            ids = np.pad(ids, (0, pad), constant_values=self.meta["blank_identifier_id"])
        return {"inputs": torch.from_numpy(inputs), "labels": torch.from_numpy(labels), "puzzle_identifiers": torch.from_numpy(ids)}

    def train_passes(self, seed, batch, epochs_per_iter, order):
        """Yields batches forever, pass after pass (the reference's persistent iterator)."""
        passes = 0
        while True:
            for d in self.sets.values():
                passes += 1
                groups = d["group_indices"].size - 1
                gidx, pidx = d["group_indices"], d["puzzle_indices"]
                if order == "reference":
                    rng = np.random.Generator(np.random.Philox(seed=seed + passes))
                    group_order = np.concatenate([rng.permutation(groups) for _ in range(epochs_per_iter)])
                    pick = lambda lo, hi: int(rng.integers(lo, hi))
                    sample = lambda count, take: np.random.choice(count, take, replace=False)
                else:
                    rng = Xoshiro(seed, passes)
                    group_order = [g for _ in range(epochs_per_iter) for g in rng.permutation(groups)]
                    pick = lambda lo, hi: lo + rng.next(hi - lo)

                    def sample(count, take):
                        idx = list(range(count))
                        for i in range(take):
                            j = i + rng.next(count - i)
                            idx[i], idx[j] = idx[j], idx[i]
                        return np.array(idx[:take])
                pos = 0
                while True:
                    rows, puzzles, size = [], [], 0
                    while pos < len(group_order) and size < batch:
                        g = int(group_order[pos])
                        pos += 1
                        p = pick(int(gidx[g]), int(gidx[g + 1]))
                        count = int(pidx[p + 1] - pidx[p])
                        take = min(count, batch - size)
                        rows.append(int(pidx[p]) + sample(count, take))
                        puzzles.append(np.full(take, p))
                        size += take
                    if size < batch:
                        break
                    rows, puzzles = np.concatenate(rows), np.concatenate(puzzles)
                    yield self.collate(d["inputs"][rows], d["labels"][rows], d["puzzle_identifiers"][puzzles], batch)
            yield None  # end of a pass (an iteration of eval_interval epochs)

    def test_batches(self, batch):
        for d in self.sets.values():
            n = len(d["inputs"])
            for start in range(0, n, batch):
                end = min(n, start + batch)
                p = np.searchsorted(d["puzzle_indices"], np.arange(start, end), side="right") - 1
                yield self.collate(d["inputs"][start:end], d["labels"][start:end], d["puzzle_identifiers"][p], batch)


# --------------------------------------------------------------------------------------------------------------- model


def rms_norm(x, eps):
    dt = x.dtype
    x = x.float()
    return (x * torch.rsqrt(x.square().mean(-1, keepdim=True) + eps)).to(dt)


class CastedLinear(nn.Module):
    def __init__(self, fan_in, fan_out, bias):
        super().__init__()
        self.weight = nn.Parameter(torch.zeros(fan_out, fan_in))
        self.bias = nn.Parameter(torch.zeros(fan_out)) if bias else None

    def forward(self, x):
        return F.linear(x, self.weight.to(x.dtype), None if self.bias is None else self.bias.to(x.dtype))


class CastedEmbedding(nn.Module):
    def __init__(self, n, dim, dtype):
        super().__init__()
        self.embedding_weight = nn.Parameter(torch.zeros(n, dim))
        self.dtype = dtype

    def forward(self, ids):
        return F.embedding(ids, self.embedding_weight.to(self.dtype))


class CastedSparseEmbedding(nn.Module):
    """Puzzle embeddings: a buffer table; in training the batch's rows are copied into a leaf tensor that gets the grad."""

    def __init__(self, n, dim, batch, dtype):
        super().__init__()
        self.register_buffer("weights", torch.zeros(n, dim))
        self.local_weights = torch.zeros(batch, dim, requires_grad=True)
        self.local_ids = torch.zeros(batch, dtype=torch.int64)
        self.dtype = dtype

    def forward(self, ids):
        if not self.training:
            return self.weights[ids].to(self.dtype)
        with torch.no_grad():
            self.local_weights.copy_(self.weights[ids])
            self.local_ids.copy_(ids)
        return self.local_weights.to(self.dtype)


class SwiGLU(nn.Module):
    def __init__(self, width, expansion):
        super().__init__()
        inter = round(expansion * width * 2 / 3)
        inter = (inter + 255) // 256 * 256
        self.gate_up_proj = CastedLinear(width, inter * 2, False)
        self.down_proj = CastedLinear(inter, width, False)

    def forward(self, x):
        gate, up = self.gate_up_proj(x).chunk(2, dim=-1)
        return self.down_proj(F.silu(gate) * up)


def rotate_half(x):
    a, b = x.chunk(2, dim=-1)
    return torch.cat((-b, a), dim=-1)


class Attention(nn.Module):
    def __init__(self, hidden, heads):
        super().__init__()
        self.heads, self.head_dim = heads, hidden // heads
        self.qkv_proj = CastedLinear(hidden, 3 * hidden, False)
        self.o_proj = CastedLinear(hidden, hidden, False)

    def forward(self, x, cos_sin):
        b, s, _ = x.shape
        q, k, v = self.qkv_proj(x).view(b, s, 3, self.heads, self.head_dim).unbind(2)
        if cos_sin is not None:
            cos, sin = cos_sin
            q = q * cos[None, :, None, :] + rotate_half(q) * sin[None, :, None, :]
            k = k * cos[None, :, None, :] + rotate_half(k) * sin[None, :, None, :]
        q, k, v = (t.transpose(1, 2) for t in (q, k, v))
        w = torch.softmax((q @ k.transpose(-2, -1)) / math.sqrt(self.head_dim), dim=-1)
        return self.o_proj((w @ v).transpose(1, 2).reshape(b, s, -1))


class Block(nn.Module):
    def __init__(self, a, total_seq):
        super().__init__()
        self.mlp_t_mode, self.eps = a["mlp_t"], a["rms_norm_eps"]
        if self.mlp_t_mode:
            self.mlp_t = SwiGLU(total_seq, a["expansion"])
        else:
            self.self_attn = Attention(a["hidden_size"], a["num_heads"])
        self.mlp = SwiGLU(a["hidden_size"], a["expansion"])

    def forward(self, h, cos_sin):
        if self.mlp_t_mode:
            t = h.transpose(1, 2)
            h = rms_norm(t + self.mlp_t(t), self.eps).transpose(1, 2)
        else:
            h = rms_norm(h + self.self_attn(h, cos_sin), self.eps)
        return rms_norm(h + self.mlp(h), self.eps)


class ReasoningModule(nn.Module):
    def __init__(self, a, total_seq):
        super().__init__()
        self.layers = nn.ModuleList([Block(a, total_seq) for _ in range(a["L_layers"])])

    def forward(self, h, injection, cos_sin):
        h = h + injection
        for layer in self.layers:
            h = layer(h, cos_sin)
        return h


class Inner(nn.Module):
    def __init__(self, a):
        super().__init__()
        self.a = a
        self.dtype = {"float32": torch.float32, "bfloat16": torch.bfloat16}[a["forward_dtype"]]
        h = a["hidden_size"]
        ndim = a["hidden_size"] if a.get("puzzle_emb_ndim") is None else a["puzzle_emb_ndim"]
        self.emb_len = (0 if ndim == 0 else (-(ndim // -h) if a["puzzle_emb_len"] == 0 else a["puzzle_emb_len"]))
        self.total_seq = a["seq_len"] + self.emb_len
        self.embed_scale = math.sqrt(h)
        self.embed_tokens = CastedEmbedding(a["vocab_size"], h, self.dtype)
        self.lm_head = CastedLinear(h, a["vocab_size"], False)
        self.q_head = CastedLinear(h, 2, True)
        if ndim > 0:
            self.puzzle_emb = CastedSparseEmbedding(a["num_puzzle_identifiers"], ndim, a["batch_size"], self.dtype)
        self.cos_sin = None
        if a["pos_encodings"] == "rope" and not a["mlp_t"]:
            d = h // a["num_heads"]
            inv = 1.0 / (a["rope_theta"] ** (torch.arange(0, d, 2, dtype=torch.float32) / d))
            freqs = torch.outer(torch.arange(self.total_seq, dtype=torch.float32), inv)
            emb = torch.cat((freqs, freqs), dim=-1)
            self.cos_sin = (emb.cos(), emb.sin())
        elif a["pos_encodings"] == "learned":
            self.embed_pos = CastedEmbedding(self.total_seq, h, self.dtype)
        self.L_level = ReasoningModule(a, self.total_seq)
        self.register_buffer("H_init", torch.zeros(h))
        self.register_buffer("L_init", torch.zeros(h))

    def embeddings(self, inputs, ids):
        e = self.embed_tokens(inputs)
        if self.emb_len > 0:
            p = self.puzzle_emb(ids)
            pad = self.emb_len * self.a["hidden_size"] - p.shape[-1]
            if pad > 0:
                p = F.pad(p, (0, pad))
            e = torch.cat((p.view(-1, self.emb_len, self.a["hidden_size"]), e), dim=-2)
        if self.a["pos_encodings"] == "learned":
            e = 0.707106781 * (e + self.embed_pos.embedding_weight.to(self.dtype))
        return self.embed_scale * e

    def forward(self, z_h, z_l, batch):
        x = self.embeddings(batch["inputs"].long(), batch["puzzle_identifiers"].long())
        with torch.no_grad():
            for _ in range(self.a["H_cycles"] - 1):
                for _ in range(self.a["L_cycles"]):
                    z_l = self.L_level(z_l, z_h + x, self.cos_sin)
                z_h = self.L_level(z_h, z_l, self.cos_sin)
        for _ in range(self.a["L_cycles"]):
            z_l = self.L_level(z_l, z_h + x, self.cos_sin)
        z_h = self.L_level(z_h, z_l, self.cos_sin)
        logits = self.lm_head(z_h)[:, self.emb_len:]
        q = self.q_head(z_h[:, 0]).to(torch.float32)
        return (z_h.detach(), z_l.detach()), logits, q[..., 0], q[..., 1]


class ActModel(nn.Module):
    def __init__(self, a, exploration_seed):
        super().__init__()
        self.a = a
        self.inner = Inner(a)
        self.generator = torch.Generator().manual_seed(exploration_seed)

    def initial_carry(self, batch):
        b = batch["inputs"].shape[0]
        shape = (b, self.inner.total_seq, self.a["hidden_size"])
        z = torch.zeros(shape, dtype=self.inner.dtype)
        return {"z_h": z, "z_l": z.clone(), "steps": torch.zeros(b, dtype=torch.int32), "halted": torch.ones(b, dtype=torch.bool),
                "data": {k: torch.zeros_like(v) for k, v in batch.items()}}

    def forward(self, carry, batch):
        halted = carry["halted"]
        rows = halted.view(-1, 1, 1)
        z_h = torch.where(rows, self.inner.H_init, carry["z_h"])
        z_l = torch.where(rows, self.inner.L_init, carry["z_l"])
        steps = torch.where(halted, torch.zeros_like(carry["steps"]), carry["steps"])
        data = {k: torch.where(halted.view((-1,) + (1,) * (v.dim() - 1)), batch[k], v) for k, v in carry["data"].items()}
        (z_h, z_l), logits, q_halt, q_cont = self.inner(z_h, z_l, data)
        out = {"logits": logits, "q_halt_logits": q_halt, "q_continue_logits": q_cont}
        with torch.no_grad():
            steps = steps + 1
            last = steps >= self.a["halt_max_steps"]
            halted = last
            if self.training and self.a["halt_max_steps"] > 1:
                halted = halted | ((q_halt > 0) if self.a["no_ACT_continue"] else (q_halt > q_cont))
                if self.a["halt_exploration_prob"] > 0:
                    n = q_halt.shape[0]
                    explore = torch.rand([n], generator=self.generator) < self.a["halt_exploration_prob"]
                    min_steps = torch.randint(2, self.a["halt_max_steps"] + 1, [n], generator=self.generator)
                    min_steps = torch.where(explore, min_steps, torch.zeros_like(min_steps)).to(steps.dtype)
                    halted = halted & (steps >= min_steps)
                if not self.a["no_ACT_continue"]:
                    _, _, nh, nc = self.inner(z_h, z_l, data)
                    out["target_q_continue"] = torch.sigmoid(torch.where(last, nh, torch.maximum(nh, nc)))
        return {"z_h": z_h, "z_l": z_l, "steps": steps, "halted": halted, "data": data}, out


def stablemax_ce(logits, labels):
    x = logits.to(torch.float64)
    s = torch.where(x < 0, 1 / (1 - x + 1e-30), x + 1)
    logp = torch.log(s / s.sum(-1, keepdim=True))
    valid = labels != IGNORE
    picked = torch.gather(logp, -1, torch.where(valid, labels, 0).long().unsqueeze(-1)).squeeze(-1)
    return -torch.where(valid, picked, torch.zeros_like(picked))


def softmax_ce(logits, labels):
    return F.cross_entropy(logits.float().reshape(-1, logits.shape[-1]), labels.long().reshape(-1), ignore_index=IGNORE,
                           reduction="none").view(labels.shape)


class ActLossHead(nn.Module):
    def __init__(self, model, loss_type):
        super().__init__()
        self.model = model
        self.loss_fn = stablemax_ce if loss_type == "stablemax_cross_entropy" else softmax_ce

    def forward(self, carry, batch):
        carry, out = self.model(carry, batch)
        labels = carry["data"]["labels"]
        with torch.no_grad():
            mask = labels != IGNORE
            counts = mask.sum(-1)
            divisor = counts.clamp_min(1).unsqueeze(-1)
            correct = mask & (out["logits"].argmax(-1) == labels)
            seq_correct = correct.sum(-1) == counts
            valid = carry["halted"] & (counts > 0)
            metrics = {
                "count": valid.sum(),
                "accuracy": torch.where(valid, (correct.to(torch.float32) / divisor).sum(-1), 0).sum(),
                "exact_accuracy": (valid & seq_correct).sum(),
                "q_halt_accuracy": (valid & ((out["q_halt_logits"] >= 0) == seq_correct)).sum(),
                "steps": torch.where(valid, carry["steps"], 0).sum(),
            }
        lm_loss = (self.loss_fn(out["logits"], labels) / divisor).sum()
        q_halt_loss = F.binary_cross_entropy_with_logits(out["q_halt_logits"], seq_correct.to(out["q_halt_logits"].dtype), reduction="sum")
        metrics["lm_loss"] = lm_loss.detach()
        metrics["q_halt_loss"] = q_halt_loss.detach()
        q_loss = q_halt_loss
        if "target_q_continue" in out:
            q_cont_loss = F.binary_cross_entropy_with_logits(out["q_continue_logits"], out["target_q_continue"], reduction="sum")
            metrics["q_continue_loss"] = q_cont_loss.detach()
            q_loss = q_loss + q_cont_loss
        return carry, lm_loss + 0.5 * q_loss, metrics, out, bool(carry["halted"].all())


# ---------------------------------------------------------------------------------------------------------- optimisers


class AdamATan2:
    """The reference kernel's update, per element: p *= 1 - lr*wd; m = lerp(m, g, 1-b1); v = lerp(v, g*g, 1-b2);
    p -= lr * atan2(m / (1 - b1^t), sqrt(v) / sqrt(1 - b2^t))."""

    def __init__(self, params, betas, weight_decay):
        self.params = [p for p in params if p.requires_grad]
        self.b1, self.b2 = betas
        self.wd = weight_decay
        self.m = [torch.zeros_like(p) for p in self.params]
        self.v = [torch.zeros_like(p) for p in self.params]
        self.t = 0

    @torch.no_grad()
    def step(self, lr):
        self.t += 1
        bc1 = 1 - self.b1 ** self.t
        bc2_sqrt = math.sqrt(1 - self.b2 ** self.t)
        for p, m, v in zip(self.params, self.m, self.v):
            if p.grad is None:
                continue
            g = p.grad
            p.mul_(1 - lr * self.wd)
            m.lerp_(g, 1 - self.b1)
            v.lerp_(g * g, 1 - self.b2)
            p.sub_(lr * torch.atan2(m * (1 / bc1), v.sqrt() / bc2_sqrt))
            p.grad = None


@torch.no_grad()
def sparse_sign_sgd(emb, lr, wd):
    grad = emb.local_weights.grad
    if grad is None:
        return
    ids, inverse = emb.local_ids.unique(return_inverse=True)
    summed = torch.zeros(ids.shape[0], grad.shape[1], dtype=grad.dtype).scatter_add_(0, inverse.unsqueeze(-1).expand(-1, grad.shape[1]), grad)
    rows = emb.weights[ids]
    rows.mul_(1 - lr * wd).add_(summed.sign(), alpha=-lr)
    emb.weights[ids] = rows
    emb.local_weights.grad = None


def cosine_lr(step, base, warmup, total, min_ratio):
    if step < warmup:
        return base * step / max(1, warmup)
    progress = (step - warmup) / max(1, total - warmup)
    return base * (min_ratio + max(0.0, (1 - min_ratio) * 0.5 * (1.0 + math.cos(math.pi * progress))))


class Ema:
    def __init__(self, module, rate):
        self.rate = rate
        self.shadow = {n: p.detach().clone() for n, p in module.named_parameters() if p.requires_grad}

    @torch.no_grad()
    def update(self, module):
        for n, p in module.named_parameters():
            if n in self.shadow:
                self.shadow[n].mul_(self.rate).add_(p, alpha=1 - self.rate)

    @torch.no_grad()
    def swap(self, module):
        for n, p in module.named_parameters():
            if n in self.shadow:
                tmp = p.detach().clone()
                p.copy_(self.shadow[n])
                self.shadow[n] = tmp


# --------------------------------------------------------------------------------------------------------------- setup


def read_safetensors(path):
    dtypes = {"F32": torch.float32, "F64": torch.float64, "BF16": torch.bfloat16, "F16": torch.float16, "I64": torch.int64, "I32": torch.int32}
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
        data = f.read()
    out = {}
    for k, v in header.items():
        if k == "__metadata__":
            continue
        a, b = v["data_offsets"]
        buf = bytearray(data[a:b])
        out[k] = (torch.frombuffer(buf, dtype=dtypes[v["dtype"]]) if b > a else torch.empty(0, dtype=dtypes[v["dtype"]])).reshape(v["shape"]).clone()
    return out


def evaluate(head, test, batch_size):
    head.eval()
    sums, halt_step_sum, halt_exact_sum, early_step_sum, early_exact_sum = {}, 0.0, 0.0, 0.0, 0.0
    early_logit = math.log(EARLY_STOP / (1 - EARLY_STOP))
    with torch.no_grad():
        for batch in test.test_batches(batch_size):
            carry = head.model.initial_carry(batch)
            rows = batch["inputs"].shape[0]
            labels = batch["labels"]
            has_labels = (labels != IGNORE).any(-1)
            halt_step = torch.zeros(rows, dtype=torch.int64)
            halt_exact = torch.zeros(rows, dtype=torch.bool)
            early_step = torch.zeros(rows, dtype=torch.int64)
            early_exact = torch.zeros(rows, dtype=torch.bool)
            act = 0
            while True:
                act += 1
                carry, _, metrics, out, all_halted = head(carry, batch)
                exact = ((out["logits"].argmax(-1) == labels) | (labels == IGNORE)).all(-1) & has_labels
                stop = (halt_step == 0) & ((out["q_halt_logits"] > 0) | all_halted)
                halt_step = torch.where(stop, act, halt_step)
                halt_exact = torch.where(stop, exact, halt_exact)
                stop = (early_step == 0) & ((out["q_halt_logits"] > early_logit) | all_halted)
                early_step = torch.where(stop, act, early_step)
                early_exact = torch.where(stop, exact, early_exact)
                if all_halted:
                    break
            for k, v in metrics.items():
                sums[k] = sums.get(k, 0.0) + float(v)
            halt_step_sum += float(halt_step[has_labels].sum())
            halt_exact_sum += float(halt_exact[has_labels].sum())
            early_step_sum += float(early_step[has_labels].sum())
            early_exact_sum += float(early_exact[has_labels].sum())
    head.train()
    count = max(sums.get("count", 0.0), 1.0)
    values = {k: v / count for k, v in sums.items() if k != "count"}
    values.update(halt_step=halt_step_sum / count, halt_exact_accuracy=halt_exact_sum / count,
                  early_stop_step=early_step_sum / count, early_stop_exact_accuracy=early_exact_sum / count, count=sums.get("count", 0.0))
    return values


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--config", required=True, help="Trm training config JSON, or a checkpoint's trainer.json (its 'config')")
    ap.add_argument("--data", help="dataset folder (default: the config's first data path)")
    ap.add_argument("--init", required=True, help="Trm checkpoint folder or model.safetensors with the initial weights")
    ap.add_argument("--out", required=True, help="output folder (metrics.jsonl)")
    ap.add_argument("--order", choices=("reference", "trm"), default="reference", help="training data order")
    ap.add_argument("--max-steps", type=int)
    ap.add_argument("--eval-every", type=int)
    ap.add_argument("--threads", type=int)
    ap.add_argument("--seed", type=int, help="overrides the configuration's seed (as trm train seed=N)")
    args = ap.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)

    with open(args.config) as f:
        cfg = json.load(f)
    cfg = cfg.get("config", cfg)
    if args.seed is not None:
        cfg["seed"] = args.seed
    data_root = args.data or cfg["data_paths"][0]
    train = PuzzleData(data_root, "train")
    test = PuzzleData(data_root, "test") if os.path.isdir(os.path.join(data_root, "test")) else None
    meta = train.meta
    batch_size = cfg["global_batch_size"]
    a = dict(cfg["arch"])
    a.update(vocab_size=meta["vocab_size"], seq_len=meta["seq_len"], num_puzzle_identifiers=meta["num_puzzle_identifiers"], batch_size=batch_size)
    a.setdefault("forward_dtype", "float32")
    torch.manual_seed(cfg["seed"])
    head = ActLossHead(ActModel(a, cfg["seed"] + 1), a.get("loss", {}).get("loss_type", "stablemax_cross_entropy"))

    init = args.init if args.init.endswith(".safetensors") else os.path.join(args.init, "model.safetensors")
    state = read_safetensors(init)
    missing, unexpected = head.load_state_dict(state, strict=False)
    if missing or unexpected:
        sys.exit(f"{init}: weights do not fit the model: missing {missing}, unexpected {unexpected}")
    head.train()

    epochs = cfg["epochs"]
    epochs_per_iter = cfg.get("eval_interval") or epochs
    total_steps = int(epochs * meta["total_groups"] * meta["mean_puzzle_examples"] / batch_size)
    limit = min(total_steps, args.max_steps or cfg.get("max_steps") or total_steps)
    eval_every = args.eval_every or cfg.get("eval_every_steps")
    optimizer = AdamATan2(head.parameters(), (cfg["beta1"], cfg["beta2"]), cfg["weight_decay"])
    emb = getattr(head.model.inner, "puzzle_emb", None)
    ema = Ema(head, cfg["ema_rate"]) if cfg.get("ema") else None

    os.makedirs(args.out, exist_ok=True)
    metrics_file = open(os.path.join(args.out, "metrics.jsonl"), "w")

    def write(step, split, values):
        metrics_file.write(json.dumps({"step": step, "split": split, **values}) + "\n")
        metrics_file.flush()

    def run_eval(step):
        if test is None:
            return
        started = time.perf_counter()
        if ema:
            ema.swap(head)
        values = evaluate(head, test, batch_size)
        if ema:
            ema.swap(head)
        values["eval_seconds"] = time.perf_counter() - started
        write(step, "eval", values)
        print(f"eval step {step}: exact {values['exact_accuracy']:.4f} acc {values['accuracy']:.4f} halt_exact {values['halt_exact_accuracy']:.4f}"
              f" halt_step {values['halt_step']:.2f} lm_loss {values['lm_loss']:.4f}", flush=True)

    batches = train.train_passes(cfg["seed"], batch_size, epochs_per_iter, args.order)
    carry = None
    step = 0
    iterations = epochs // epochs_per_iter
    iteration = 0
    while step < limit and iteration < iterations:
        batch = next(batches)
        if batch is None:
            iteration += 1
            if step < limit and iteration < iterations and test is not None and not eval_every:
                run_eval(step)
            continue
        started = time.perf_counter()
        step += 1
        if carry is None:
            carry = head.model.initial_carry(batch)
        carry, loss, metrics, _, _ = head(carry, batch)
        ((1 / batch_size) * loss).backward()
        lr = cosine_lr(step, cfg["lr"], cfg["lr_warmup_steps"], total_steps, cfg["lr_min_ratio"])
        if emb is not None:
            sparse_sign_sgd(emb, cosine_lr(step, cfg["puzzle_emb_lr"], cfg["lr_warmup_steps"], total_steps, cfg["lr_min_ratio"]), cfg["puzzle_emb_weight_decay"])
        optimizer.step(lr)
        if ema:
            ema.update(head)
        values = {k: float(v) for k, v in metrics.items()}
        count = max(values["count"], 1.0)
        reported = {k: (v if k == "count" else v / (batch_size if k.endswith("loss") else count)) for k, v in values.items()}
        reported["lr"] = lr
        reported["step_seconds"] = time.perf_counter() - started
        write(step, "train", reported)
        if step % 50 == 0 or step == 1:
            print(f"step {step}/{limit} lm_loss {reported['lm_loss']:.4f} exact {reported['exact_accuracy']:.3f} lr {lr:.2e}", flush=True)
        if eval_every and step % eval_every == 0 and step < limit:
            run_eval(step)
    run_eval(step)
    metrics_file.close()


if __name__ == "__main__":
    main()
