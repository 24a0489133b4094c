#!/usr/bin/python3
"""Where a TRM's halting head is right and wrong: runs a Trm checkpoint (through the PyTorch peer in trm_torch_train.py)
on a dataset split for every ACT step and reports, per step, the exact accuracy, how many puzzles the halting head
would stop (q_halt > 0), the precision of that stop (exact among stopped) and the calibration of sigmoid(q_halt); then,
for a solver that stops at the first step whose sigmoid(q_halt) exceeds a threshold, the exact accuracy and mean steps.

Usage: /usr/bin/python3 benchmarks/trm_halting_analysis.py CHECKPOINT DATA [--split test] [--limit N] [--json OUT]
"""
import argparse
import json
import math
import os
import struct
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import trm_torch_train as peer  # noqa: E402


def load(checkpoint, meta):
    path = checkpoint if checkpoint.endswith(".safetensors") else os.path.join(checkpoint, "model.safetensors")
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
    a = json.loads(header["__metadata__"]["trm_config"])
    a.update(vocab_size=meta["vocab_size"], seq_len=meta["seq_len"])
    head = peer.ActLossHead(peer.ActModel(a, 0), "stablemax_cross_entropy")
    missing, unexpected = head.load_state_dict(peer.read_safetensors(path), strict=False)
    if missing or unexpected:
        sys.exit(f"{path}: weights do not fit: missing {missing}, unexpected {unexpected}")
    return head.eval(), a


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("checkpoint")
    ap.add_argument("data")
    ap.add_argument("--split", default="test")
    ap.add_argument("--limit", type=int)
    ap.add_argument("--json")
    args = ap.parse_args()
    data = peer.PuzzleData(args.data, args.split)
    head, a = load(args.checkpoint, data.meta)
    steps = a["halt_max_steps"]
    exact, qhalt = [], []  # per batch: [rows, steps]
    seen = 0
    with torch.no_grad():
        for batch in data.test_batches(256):
            labels = batch["labels"]
            has = (labels != peer.IGNORE).any(-1)
            carry = head.model.initial_carry(batch)
            ex, qs = [], []
            for _ in range(steps):
                carry, out = head.model(carry, batch)
                ex.append(((out["logits"].argmax(-1) == labels) | (labels == peer.IGNORE)).all(-1))
                qs.append(out["q_halt_logits"])
            exact.append(torch.stack(ex, 1)[has])
            qhalt.append(torch.stack(qs, 1)[has])
            seen += int(has.sum())
            if args.limit and seen >= args.limit:
                break
    exact, qhalt = torch.cat(exact).float(), torch.cat(qhalt)
    n = exact.shape[0]
    prob = torch.sigmoid(qhalt)
    report = {"checkpoint": args.checkpoint, "split": args.split, "puzzles": n, "per_step": [], "thresholds": []}
    print(f"{n} {args.split} puzzles, {steps} ACT steps")
    print("step  exact   q>0 (stop)  exact|stop  exact|no-stop  mean p   Brier")
    for k in range(steps):
        stop = qhalt[:, k] > 0
        row = {"step": k + 1, "exact": float(exact[:, k].mean()), "stop_rate": float(stop.float().mean()),
               "exact_given_stop": float(exact[stop, k].mean()) if stop.any() else math.nan,
               "exact_given_continue": float(exact[~stop, k].mean()) if (~stop).any() else math.nan,
               "mean_prob": float(prob[:, k].mean()), "brier": float(((prob[:, k] - exact[:, k]) ** 2).mean())}
        report["per_step"].append(row)
        print(f"{k + 1:4d}  {row['exact']:.4f}  {row['stop_rate']:.4f}      {row['exact_given_stop']:.4f}      {row['exact_given_continue']:.4f}"
              f"        {row['mean_prob']:.4f}  {row['brier']:.4f}")
    print("calibration over all steps (sigmoid(q_halt) bin: count, mean p, exact rate)")
    p, e = prob.flatten(), exact.flatten()
    report["calibration"] = []
    for lo in (0.0, 0.1, 0.3, 0.5, 0.7, 0.9, 0.99):
        hi = {0.0: 0.1, 0.1: 0.3, 0.3: 0.5, 0.5: 0.7, 0.7: 0.9, 0.9: 0.99, 0.99: 1.01}[lo]
        m = (p >= lo) & (p < hi)
        if m.any():
            report["calibration"].append({"bin": [lo, hi], "count": int(m.sum()), "mean_prob": float(p[m].mean()), "exact": float(e[m].mean())})
            print(f"  [{lo:.2f}, {min(hi, 1):.2f}): {int(m.sum()):6d}  p {float(p[m].mean()):.3f}  exact {float(e[m].mean()):.3f}")
    print("early stop at the first step with sigmoid(q_halt) > t (else the last step)")
    for t in (0.5, 0.7, 0.9, 0.95, 0.99, 0.999, 1.01):
        over = prob > t
        over[:, -1] = True
        first = over.float().argmax(1)
        acc = float(exact.gather(1, first.unsqueeze(1)).mean())
        row = {"threshold": t, "exact": acc, "mean_steps": float(first.float().mean() + 1)}
        report["thresholds"].append(row)
        print(f"  t = {t:<6}: exact {acc:.4f}, mean steps {row['mean_steps']:.2f}" + ("   (all steps)" if t > 1 else ""))
    if args.json:
        with open(args.json, "w") as f:
            json.dump(report, f, indent=1)


if __name__ == "__main__":
    main()
