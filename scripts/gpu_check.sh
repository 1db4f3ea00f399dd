#!/usr/bin/env bash
# The GPU check of the performance chapter, for a machine with one CUDA GPU (a few minutes), from the repository root:
#
#   bash scripts/gpu_check.sh OUTDIR           # on the GPU
#   bash scripts/gpu_check.sh OUTDIR --quick   # tiny settings on the CPU: checks that the script runs end to end
#
# It writes into OUTDIR:
#   bench_fp32.json, bench_bf16.json   `layered-gan bench` of the paper's model at 64 and 128 px in float32 and in
#                                      bf16 autocast (images/s, fraction of the matmul ceiling, peak memory)
#   train_fp32/, train_bf16/           a short run of the paper's model at 64 px on the built-in dataset, without and
#                                      with --bf16 (published: config, metrics, loss curves, samples)
#   paper64/                           the paper's method (preset shapes-paper) at 64 px, its full schedule
#   summary.json                       the figures the README and the performance chapter quote (made by
#                                      scripts/gpu_summary.py from the files above and the two short runs' histories)
set -euo pipefail
OUT=${1:?usage: bash scripts/gpu_check.sh OUTDIR [--quick]}
QUICK=${2:-}
mkdir -p "$OUT" runs/gpu
if [ "$QUICK" = "--quick" ]; then
  DEV="--device cpu --threads 2"
  BENCH="--quick"
  SMALL="--resolution 32 --g-width 8 --d-width 8 --epi-width 4 --seg-width 8 --n-res 0 --n-train 256 --n-fid 100"
  SHORT="$SMALL --rounds 1 --gan-steps 6 --seg-steps 2"
  PAPER="--resolution 32 --n-train 256 --rounds 1 --gan-steps 4 --seg-steps 2 --n-fid 100 --eval-rounds 100"
else
  nvidia-smi --query-gpu=name,memory.total --format=csv,noheader
  DEV="--device cuda"
  BENCH="--models paper --resolutions 64 128"
  SHORT="--resolution 64 --rounds 1 --gan-steps 300 --seg-steps 100 --n-fid 1000"
  PAPER="--resolution 64 --eval-rounds 1000 --n-fid 1000"
fi
t0=$(date +%s)
for p in fp32 bf16; do
  layered-gan bench $BENCH $DEV --precision $p --json > "$OUT/bench_$p.json"
  echo "bench $p done ($(( $(date +%s) - t0 )) s)"
done
for p in fp32 bf16; do
  flag=""; [ "$p" = bf16 ] && flag="--bf16"
  layered-gan train --preset cub --dataset shapes $SHORT $flag $DEV --out runs/gpu/train_$p --no-progress --no-plan \
    --overwrite --sample-every 0 --ckpt-every 0
  layered-gan publish runs/gpu/train_$p "$OUT/train_$p"
  echo "train $p done ($(( $(date +%s) - t0 )) s)"
done
layered-gan train --preset shapes-paper $PAPER $DEV --out runs/gpu/paper64 --no-progress --no-plan --overwrite
layered-gan publish runs/gpu/paper64 "$OUT/paper64"
echo "paper64 done ($(( $(date +%s) - t0 )) s)"
python scripts/gpu_summary.py "$OUT" runs/gpu
