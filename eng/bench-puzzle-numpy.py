#!/usr/bin/python3
"""Peer measurement for benchmarks/Trm.Benchmarks/PuzzleDatasetBenchmarks: the same training and test passes done
the way the Python reference's PuzzleDataset does them (NumPy Philox generator per pass, memory-mapped npy inputs,
per-group puzzle draw and without-replacement example sampling, int32 collation with -100 labels, torch.from_numpy).
This is an independent NumPy re-implementation of those semantics, not the reference's code.

Usage: /usr/bin/python3 eng/bench-puzzle-numpy.py DATASET_ROOT [global_batch_size=768]
"""
import os
import sys
import time

import numpy as np
import torch

root = sys.argv[1]
global_batch = int(sys.argv[2]) if len(sys.argv) > 2 else 768


def load(split):
    d = os.path.join(root, split)
    data = {k: np.load(os.path.join(d, f"all__{k}.npy"), mmap_mode="r" if k in ("inputs", "labels") else None)
            for k in ("inputs", "labels", "puzzle_identifiers", "puzzle_indices", "group_indices")}
    return data


def collate(inputs, labels, ids, size):
    inputs = inputs.astype(np.int32)
    labels = labels.astype(np.int32)
    labels[labels == 0] = -100
    ids = ids.astype(np.int32)
    if len(ids) < size:
        pad = size - len(ids)
        inputs = np.pad(inputs, ((0, pad), (0, 0)), constant_values=0)
        labels = np.pad(labels, ((0, pad), (0, 0)), constant_values=-100)
        ids = np.pad(ids, (0, pad), constant_values=0)
    return torch.from_numpy(inputs), torch.from_numpy(labels), torch.from_numpy(ids)


def train_pass(data, seed):
    rng = np.random.Generator(np.random.Philox(seed=seed))
    order = rng.permutation(data["group_indices"].size - 1)
    pidx, gidx = data["puzzle_indices"], data["group_indices"]
    pos, total = 0, 0
    while pos < order.size:
        rows, puzzles, size = [], [], 0
        while pos < order.size and size < global_batch:
            g = order[pos]
            pos += 1
            p = rng.integers(gidx[g], gidx[g + 1])
            start, count = pidx[p], pidx[p + 1] - pidx[p]
            take = min(count, global_batch - size)
            rows.append(start + rng.choice(count, take, replace=False))
            puzzles.append(np.full(take, p, dtype=np.int32))
            size += take
        if size < global_batch:
            break
        rows, puzzles = np.concatenate(rows), np.concatenate(puzzles)
        batch = collate(data["inputs"][rows], data["labels"][rows], data["puzzle_identifiers"][puzzles], global_batch)
        total += int(batch[0][0, 0])
    return total


def test_pass(data):
    n = len(data["inputs"])
    total = 0
    for start in range(0, n, global_batch):
        end = min(n, start + global_batch)
        p = np.searchsorted(data["puzzle_indices"], np.arange(start, end), side="right") - 1
        batch = collate(data["inputs"][start:end], data["labels"][start:end], data["puzzle_identifiers"][p], global_batch)
        total += int(batch[1][0, 0])
    return total


def timeit(name, fn, repeat=30):
    fn()
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    times.sort()
    print(f"{name}: median {times[len(times) // 2] * 1e3:.2f} ms, min {times[0] * 1e3:.2f} ms")


train, test = load("train"), load("test")
seed = iter(range(10**9))
timeit("TrainPass (numpy/torch)", lambda: train_pass(train, next(seed)))
timeit("TestPass (numpy/torch)", lambda: test_pass(test))
