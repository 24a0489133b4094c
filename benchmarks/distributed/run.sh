#!/usr/bin/env bash
# Data-parallel throughput on this machine: the quickstart model (Sudoku, hidden 64, mlp_t, batch 32) for STEPS steps as
# 1 process x 2 threads (and x 1 thread, for reference) and as 2 processes x 1 thread (trm train --nproc-per-node 2). Prints examples/s (mean over the steps
# after the first 5, from metrics.jsonl) and the all-reduce time per step. Usage: benchmarks/distributed/run.sh [steps]
set -euo pipefail
STEPS=${1:-40}
ROOT=$(mktemp -d)
trap 'rm -rf "$ROOT"' EXIT
TRM=(dotnet "$(dirname "$0")/../../src/Trm.Cli/bin/${CONFIGURATION:-Debug}/net10.0/trm.dll")
"${TRM[@]}" data build-sudoku -o "$ROOT/data" --train-size 2048 --test-size 32 --clues 50 > /dev/null
ARGS=(data_paths="[$ROOT/data]" global_batch_size=32 epochs=100 eval_interval=100 max_steps="$STEPS" eval_max_examples=32
      lr=1e-3 lr_warmup_steps=100 lr_min_ratio=0.1 weight_decay=0.1 ema=False device=cpu seed=0
      arch.hidden_size=64 arch.num_heads=4 arch.expansion=2 arch.L_layers=1 arch.H_cycles=2 arch.L_cycles=2
      arch.mlp_t=True arch.pos_encodings=none arch.puzzle_emb_ndim=0 arch.halt_max_steps=4 --verbose)
rate() { python3 -c "import json,sys; r=[json.loads(l) for l in open(sys.argv[1]) if '\"train\"' in l][5:]; t=sum(x['step_seconds'] for x in r); print('%.1f examples/s, %.0f ms/step' % (sum(x['examples_per_second']*x['step_seconds'] for x in r)/t, 1000*t/len(r)))" "$1"; }
OMP_NUM_THREADS=2 "${TRM[@]}" train "${ARGS[@]}" checkpoint_path="$ROOT/one" > "$ROOT/one.log"
echo "1 process x 2 threads:   $(rate "$ROOT/one/metrics.jsonl")"
OMP_NUM_THREADS=1 "${TRM[@]}" train "${ARGS[@]}" checkpoint_path="$ROOT/single" > "$ROOT/single.log"
echo "1 process x 1 thread:    $(rate "$ROOT/single/metrics.jsonl")"
"${TRM[@]}" train "${ARGS[@]}" checkpoint_path="$ROOT/two" --nproc-per-node 2 > "$ROOT/two.log"
echo "2 processes x 1 thread:  $(rate "$ROOT/two/metrics.jsonl"); $(grep -o 'all-reduce [0-9.]* ms/step' "$ROOT/two.log" | head -1) (rank 0)"
