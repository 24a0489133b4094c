#!/usr/bin/python3
"""Writes the NumPy-made fixtures of tests/Trm.Data.Tests (run with /usr/bin/python3; needs numpy).

- Data/npy/<dtype>.npy: small arrays of every supported dtype, with known values (see NpyFixtureTests).
- Data/npy/v2.npy, v3.npy: the same int32 array saved with format versions 2.0 and 3.0.
- Data/npy/fortran.npy, bigendian.npy: files the reader must refuse.
- Data/puzzles/numpy-small: a tiny dataset root in the TRM puzzle layout written with numpy exactly as the
  reference builders do (uint8 tokens, int32 indices).
"""
import json
import os

import numpy as np
from numpy.lib import format as npf

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "Trm.Data.Tests", "Data")
NPY = os.path.join(ROOT, "npy")
os.makedirs(NPY, exist_ok=True)

# Values 0..11 shaped (3, 4), shifted by -5 for the signed types so negatives are covered.
for name in ["uint8", "int8", "int16", "uint16", "int32", "uint32", "int64", "uint64", "float32", "float64"]:
    dtype = np.dtype(name)
    base = np.arange(12).reshape(3, 4)
    if dtype.kind == "i" or dtype.kind == "f":
        base = base - 5
    arr = base.astype(dtype)
    if dtype.kind == "f":
        arr = arr / 4
    np.save(os.path.join(NPY, f"{name}.npy"), arr)
np.save(os.path.join(NPY, "bool.npy"), np.array([True, False, True, True, False]))
np.save(os.path.join(NPY, "scalar.npy"), np.array(7, dtype=np.int64))
np.save(os.path.join(NPY, "empty.npy"), np.zeros((0, 81), dtype=np.uint8))

arr = np.arange(6, dtype=np.int32).reshape(2, 3)
for version in [(2, 0), (3, 0)]:
    with open(os.path.join(NPY, f"v{version[0]}.npy"), "wb") as f:
        npf.write_array(f, arr, version=version)
np.save(os.path.join(NPY, "fortran.npy"), np.asfortranarray(np.arange(6, dtype=np.int32).reshape(2, 3)))
np.save(os.path.join(NPY, "bigendian.npy"), np.arange(4, dtype=">i4"))

# A tiny puzzle dataset: 3 groups; group 0 has 2 puzzles (2 and 1 examples), groups 1 and 2 one puzzle of 3 and 1 examples.
split_root = os.path.join(ROOT, "puzzles", "numpy-small")
for split, groups in [("train", [[2, 1], [3], [1]]), ("test", [[1], [2]])]:
    d = os.path.join(split_root, split)
    os.makedirs(d, exist_ok=True)
    inputs, labels, ids, pidx, gidx = [], [], [], [0], [0]
    example = 0
    puzzle = 0
    for g in groups:
        for size in g:
            for _ in range(size):
                inputs.append(np.full(4, 1 + example % 5, dtype=np.uint8))
                labels.append(np.array([0, 2, 3, 1 + example % 5], dtype=np.uint8))
                example += 1
            pidx.append(example)
            ids.append(1 + puzzle % 2)
            puzzle += 1
        gidx.append(puzzle)
    np.save(os.path.join(d, "all__inputs.npy"), np.stack(inputs))
    np.save(os.path.join(d, "all__labels.npy"), np.stack(labels))
    np.save(os.path.join(d, "all__puzzle_identifiers.npy"), np.array(ids, dtype=np.int32))
    np.save(os.path.join(d, "all__puzzle_indices.npy"), np.array(pidx, dtype=np.int32))
    np.save(os.path.join(d, "all__group_indices.npy"), np.array(gidx, dtype=np.int32))
    meta = dict(pad_id=0, ignore_label_id=0, blank_identifier_id=0, vocab_size=6, seq_len=4,
                num_puzzle_identifiers=3, total_groups=len(groups), mean_puzzle_examples=example / puzzle,
                total_puzzles=puzzle, sets=["all"])
    with open(os.path.join(d, "dataset.json"), "w") as f:
        json.dump(meta, f)
with open(os.path.join(split_root, "identifiers.json"), "w") as f:
    json.dump(["<blank>", "a", "b"], f)
print("fixtures written under", ROOT)
