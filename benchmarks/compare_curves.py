#!/usr/bin/python3
"""Compares two or more metrics.jsonl files (Trm.Training's trainer, the PyTorch peer benchmarks/trm_torch_train.py):
the first step where the training loss differs by more than a relative tolerance, the largest gap of the windowed mean
training loss and exact accuracy, and every evaluation side by side with the largest gaps.

Usage: compare_curves.py NAME=metrics.jsonl NAME=metrics.jsonl [...] [--window 100] [--tolerance 1e-5] [--markdown]
"""
import argparse
import json


def load(path):
    train, evals = {}, {}
    with open(path) as f:
        for line in f:
            r = json.loads(line)
            (train if r["split"] == "train" else evals)[r["step"]] = r
    return train, evals


def window_means(train, key, window):
    steps = sorted(train)
    out = {}
    for end in range(window, len(steps) + 1, window):
        chunk = [train[s] for s in steps[end - window:end]]
        if key == "exact_accuracy":  # per halted example: weight by count
            n = sum(r["count"] for r in chunk)
            out[steps[end - 1]] = sum(r[key] * r["count"] for r in chunk) / n if n else float("nan")
        else:
            out[steps[end - 1]] = sum(r[key] for r in chunk) / window
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("runs", nargs="+")
    ap.add_argument("--window", type=int, default=100)
    ap.add_argument("--tolerance", type=float, default=1e-5)
    ap.add_argument("--markdown", action="store_true")
    args = ap.parse_args()
    runs = [(r.split("=", 1)[0], load(r.split("=", 1)[1])) for r in args.runs]
    (base_name, (base_train, base_eval)) = runs[0]
    for name, (train, evals) in runs[1:]:
        common = sorted(set(base_train) & set(train))
        onset = next((s for s in common if abs(base_train[s]["lm_loss"] - train[s]["lm_loss"]) > args.tolerance * abs(base_train[s]["lm_loss"])), None)
        exact_steps = [s for s in common if s <= (onset or common[-1])]
        print(f"## {base_name} vs {name}: {len(common)} common training steps")
        print(f"first step with training lm_loss differing by more than {args.tolerance:g} relative: {onset}"
              f" (steps 1..{(onset or common[-1]) - (1 if onset else 0)} agree: largest relative gap"
              f" {max(abs(base_train[s]['lm_loss'] - train[s]['lm_loss']) / abs(base_train[s]['lm_loss']) for s in exact_steps[:max(1, len(exact_steps) - (1 if onset else 0))]):.2e})")
        for key in ("lm_loss", "exact_accuracy"):
            a, b = window_means(base_train, key, args.window), window_means(train, key, args.window)
            gaps = [(abs(a[s] - b[s]), s) for s in a if s in b]
            if gaps:
                g, s = max(gaps)
                print(f"training {key}, mean of {args.window} steps: largest gap {g:.4f} (window ending at step {s}: {a[s]:.4f} vs {b[s]:.4f})")
        steps = sorted(set(base_eval) & set(evals))
        if not steps:
            continue
        keys = ("lm_loss", "accuracy", "exact_accuracy", "halt_exact_accuracy", "halt_step")
        if args.markdown:
            print("| step | " + " | ".join(f"{k} {base_name} / {name}" for k in keys) + " |")
            print("|" + " --- |" * (len(keys) + 1))
        for s in steps:
            cells = [f"{base_eval[s].get(k, float('nan')):.4f} / {evals[s].get(k, float('nan')):.4f}" for k in keys]
            print(("| " + str(s) + " | " + " | ".join(cells) + " |") if args.markdown else f"eval {s}: " + "  ".join(f"{k} {c}" for k, c in zip(keys, cells)))
        for key in ("lm_loss", "exact_accuracy", "halt_exact_accuracy"):
            g, s = max((abs(base_eval[s][key] - evals[s][key]), s) for s in steps)
            print(f"largest eval gap in {key}: {g:.4f} at step {s}")
        print()


if __name__ == "__main__":
    main()
