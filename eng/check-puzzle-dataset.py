#!/usr/bin/python3
"""Opens puzzle dataset roots written by Trm.Sdk with NumPy the way the reference PuzzleDataset does, and checks them.

Usage: /usr/bin/python3 eng/check-puzzle-dataset.py DATASET_ROOT [DATASET_ROOT ...]
Checks: dataset.json has the reference fields; every <set>__*.npy loads with np.load (inputs/labels memory-mapped);
dtypes (uint8 tokens, int32 indices); shapes; monotone indices; identifiers in range; tokens inside the vocabulary.
"""
import json
import os
import sys

import numpy as np

FIELDS = ["pad_id", "ignore_label_id", "blank_identifier_id", "vocab_size", "seq_len", "num_puzzle_identifiers",
          "total_groups", "mean_puzzle_examples", "total_puzzles", "sets"]


def check_split(path):
    with open(os.path.join(path, "dataset.json")) as f:
        meta = json.load(f)
    assert list(meta.keys()) == FIELDS, meta.keys()
    for set_name in meta["sets"]:
        arrays = {}
        for field, mmap in [("inputs", "r"), ("labels", "r"), ("puzzle_identifiers", None), ("puzzle_indices", None), ("group_indices", None)]:
            arrays[field] = np.load(os.path.join(path, f"{set_name}__{field}.npy"), mmap_mode=mmap)
        inputs, labels = arrays["inputs"], arrays["labels"]
        assert inputs.dtype == np.uint8 and labels.dtype == np.uint8, (inputs.dtype, labels.dtype)
        assert inputs.ndim == 2 and inputs.shape[1] == meta["seq_len"] and labels.shape == inputs.shape
        for k in ["puzzle_identifiers", "puzzle_indices", "group_indices"]:
            assert arrays[k].dtype == np.int32 and arrays[k].ndim == 1, (k, arrays[k].dtype)
        pidx, gidx = arrays["puzzle_indices"], arrays["group_indices"]
        assert pidx[0] == 0 and pidx[-1] == len(inputs) and np.all(np.diff(pidx) > 0)
        assert gidx[0] == 0 and gidx[-1] == len(pidx) - 1 and np.all(np.diff(gidx) > 0)
        ids = arrays["puzzle_identifiers"]
        assert len(ids) == len(pidx) - 1
        assert len(ids) == 0 or (ids.min() >= 0 and ids.max() < meta["num_puzzle_identifiers"])
        assert len(inputs) == 0 or (inputs.max() < meta["vocab_size"] and labels.max() < meta["vocab_size"])
        print(f"  {path}/{set_name}: {len(inputs)} examples, {len(ids)} puzzles, {len(gidx) - 1} groups OK")
    return meta


for root in sys.argv[1:]:
    with open(os.path.join(root, "identifiers.json")) as f:
        names = json.load(f)
    assert names[0] == "<blank>"
    for split in ["train", "test"]:
        meta = check_split(os.path.join(root, split))
        assert meta["num_puzzle_identifiers"] == len(names)
    print(f"{root}: OK ({len(names)} identifiers)")
