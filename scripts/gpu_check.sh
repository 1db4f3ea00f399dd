#!/usr/bin/env bash
# The GPU check of the performance chapter, for a machine with one CUDA GPU, from the repository root:
#
#   bash scripts/gpu_check.sh OUTDIR [PART]           # on the GPU; PART 1, 2 or all (default: all, about 8 minutes
#                                                     # on an H100; each part fits a 10-minute call)
#   bash scripts/gpu_check.sh OUTDIR [PART] --quick   # tiny settings on the CPU: checks that the script runs end to end
#
# Part 1 writes into OUTDIR:
#   bench_fp32.json, bench_bf16.json   `layered-gan bench` of the paper's model at 64 and 128 px (batch 32) in float32
#                                      and in bf16 autocast (images/s, fraction of the matmul ceiling, peak memory)
#   paper64/                           the paper's method (preset shapes-paper) at 64 px, its full schedule
#   train_fp32/, train_bf16/           a short run of the paper's model at 64 px on the built-in dataset, without and
#                                      with --bf16 (published: config, metrics, loss curves, samples)
# Part 2:
#   bench_bf16_growth.json             the paper's model at 128 px in bf16 at batch 32, 64, 128, 256
#   bench_bf16_cl.json                 the same in channels_last at batch 32 and 128; bench_bf16_cl_compile.json with
#                                      torch.compile as well
#   bench_fp32_growth.json             float32 at batch 128 and 256
#   default/                           `layered-gan train --no-seg-perturbed --no-self-train-filter --bg-texture 0 --d-width 16 --no-channels-last --self-train-ema 0 --gamma-bg 2` (the
#                                      built-in recipe, plain pairs, every image refined, no texture) on the GPU
#   train_cl_fp32/, train_cl_bf16/     the two short runs of part 1 in channels_last
# Both parts:
#   summary.json                       the figures the README and the performance chapter quote (made by
#                                      scripts/gpu_summary.py from the files above and the short runs' histories)
#   log.txt                            what the steps printed
#
# Each step has its own time limit and a failed or cut step does not stop the others; summary.json lists the steps
# that did not finish. Where the package is not installed (a bare machine that holds torch), the commands run from
# the source tree.
set -uo pipefail
OUT=${1:?usage: bash scripts/gpu_check.sh OUTDIR [1|2|all] [--quick]}
PART=all; QUICK=""
for a in "${@:2}"; do case $a in 1|2|all) PART=$a ;; --quick) QUICK=1 ;; *) echo "unknown argument $a" >&2; exit 2 ;; esac; done
mkdir -p "$OUT" runs/gpu
exec > >(tee -a "$OUT/log.txt") 2>&1
if command -v layered-gan >/dev/null; then LG=(layered-gan)
else export PYTHONPATH="$PWD${PYTHONPATH:+:$PYTHONPATH}"; LG=(python3 -c 'import sys; from layered_gan.cli import main; sys.exit(main())')
fi
if [ -n "$QUICK" ]; then
  DEV="--device cpu --threads 2"
  BENCH="--quick"; BENCH128="--quick"; B1="4"; B2="4 8"; B4="4 8"
  SMALL="--resolution 32 --g-width 8 --d-width 8 --epi-width 4 --seg-width 8 --n-res 0 --n-train 256 --n-fid 100"
  SHORT="$SMALL --rounds 1 --gan-steps 6 --seg-steps 2"
  PAPER="--resolution 32 --n-train 256 --rounds 1 --gan-steps 4 --seg-steps 2 --n-fid 100 --eval-rounds 100"
  DEFAULT="--n-train 256 --rounds 1 --gan-steps 4 --seg-steps 2 --set self_train=2 --n-fid 100 --eval-rounds 100"
else
  nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader
  python3 -c 'import torch; print("torch", torch.__version__)'
  DEV="--device cuda"
  BENCH="--models paper --resolutions 64 128"; BENCH128="--models paper --resolutions 128"; B1="32 128"; B2="128 256"
  B4="32 64 128 256"
  SHORT="--resolution 64 --rounds 1 --gan-steps 300 --seg-steps 100 --n-fid 1000"
  PAPER="--resolution 64 --eval-rounds 1000 --n-fid 1000"
  DEFAULT="--eval-rounds 1000 --no-seg-perturbed --no-self-train-filter --bg-texture 0 --d-width 16 --no-channels-last --self-train-ema 0 --gamma-bg 2"   # as data/bench/gpu/default ran
fi
t0=$(date +%s)
step() {  # step NAME LIMIT COMMAND...: run COMMAND for at most LIMIT seconds, say how it ended
  local name=$1 limit=$2; shift 2
  timeout "$limit" "$@"; local rc=$?
  echo "== $name: exit $rc after $(( $(date +%s) - t0 )) s" >&2
  return $rc
}
bench() {  # bench NAME LIMIT ARGS...: a benchmark into OUTDIR/NAME.json, kept only when it finishes
  local name=$1 limit=$2; shift 2
  if step "$name" "$limit" "${LG[@]}" bench "$@" $DEV --json > "$OUT/$name.json.part"
  then mv "$OUT/$name.json.part" "$OUT/$name.json"; else rm -f "$OUT/$name.json.part"; return 1; fi
}
short() {  # short NAME LIMIT FLAGS...: the short run of the paper's model, published into OUTDIR/NAME
  local name=$1 limit=$2; shift 2
  step "$name" "$limit" "${LG[@]}" train --preset cub --dataset shapes $SHORT "$@" $DEV --out "runs/gpu/$name" --no-progress \
    --no-plan --overwrite --sample-every 0 --ckpt-every 0 && "${LG[@]}" publish --overwrite "runs/gpu/$name" "$OUT/$name"
}
if [ "$PART" != 2 ]; then
  bench bench_fp32 100 $BENCH --precision fp32
  bench bench_bf16 100 $BENCH --precision bf16
  step paper64 180 "${LG[@]}" train --preset shapes-paper $PAPER $DEV --out runs/gpu/paper64 --no-progress --no-plan \
    --overwrite && "${LG[@]}" publish --overwrite runs/gpu/paper64 "$OUT/paper64"
  short train_fp32 70
  short train_bf16 70 --bf16
fi
if [ "$PART" != 1 ]; then
  bench bench_bf16_growth 100 $BENCH128 --precision bf16 --batch $B4
  bench bench_bf16_cl 70 $BENCH128 --precision bf16 --batch $B1 --channels-last
  bench bench_bf16_cl_compile 150 $BENCH128 --precision bf16 --batch $B1 --channels-last --compile
  bench bench_fp32_growth 50 $BENCH128 --precision fp32 --batch $B2
  step default 150 "${LG[@]}" train $DEFAULT $DEV --out runs/gpu/default --no-progress --no-plan --overwrite \
    && "${LG[@]}" publish --overwrite runs/gpu/default "$OUT/default"
  short train_cl_fp32 55 --channels-last
  short train_cl_bf16 55 --channels-last --bf16
fi
python3 scripts/gpu_summary.py "$OUT" runs/gpu
