#!/usr/bin/env bash
# Is the photograph folder's gap a matter of compute or of the method? Several seeds of the folder recipe
# (the `images` preset with the pair of levers `--bg-downsample 1 --seg-width 16`) and of two variants, trained one after
# another on one CUDA GPU, scored on the validation split after every round. From the repository root:
#
#   bash scripts/gpu_folder_study.sh OUTDIR [--quick]    # --quick: tiny settings on the CPU, checks the script end to end
#
# The photograph folder is runs/folders/photo (made from the bundled photographs if it is missing; a copy of them,
# named so that they sort in the bundled order, may sit in runs/photos). Variants, each seed a run:
#   base_s{0,1}      the recipe as it is: 3 rounds of 1,000 GAN steps
#   g3000_s{0,1,2}   3 rounds of 3,000 GAN steps (three times the GAN training; everything else the same)
#   mi2_s{0,1}       gamma_mi 2 (the paper's weight for Dogs and APC) instead of 1; only with MI2_SEEDS="0 1" in the
#                    environment (last in the order: a call of ten minutes does not reach them)
# Each run is published into OUTDIR/NAME (config, metrics with per-round validation scores, losses, samples) and its
# output, progress bar included (its rate shows how fast a run went, also when it is cut), goes to OUTDIR/NAME.log;
# OUTDIR/summary.json gathers the validation IoU per round (scripts/folder_summary.py).
# A run cut by its time limit leaves only its log. The runs go one at a time, in the order below, until DEADLINE seconds
# (default 560) have passed since the start. Side by side they do not fit: five of them at once on one H200 (no MPS)
# were all cut after about nine minutes, none finished (logs in data/bench/gpu_folder_side_by_side/), where one run
# of the built-in recipe alone took about two minutes on an H100 (data/bench/gpu/default).
#   order: base_s0, g3000_s0, base_s1, g3000_s1, g3000_s2, then mi2_s* if MI2_SEEDS is set
set -uo pipefail
OUT=${1:?usage: bash scripts/gpu_folder_study.sh OUTDIR [--quick]}
MI2_SEEDS=${MI2_SEEDS:-}; QUICK=""; [ "${2:-}" = --quick ] && QUICK=1
mkdir -p "$OUT" runs/gpu_folder
exec > >(tee -a "$OUT/log.txt") 2>&1
if command -v layered-gan >/dev/null; then LG=(layered-gan)
else export PYTHONPATH="$PWD${PYTHONPATH:+:$PYTHONPATH}"; LG=(python3 -c 'import sys; from layered_gan.cli import main; sys.exit(main())')
fi
DATA=runs/folders/photo; t0=$(date +%s)   # the deadline counts the making of the folder too
if [ -n "$QUICK" ]; then
  DATA=runs/gpu_folder/photo_quick; DEV="--device cpu --threads 1"; DEADLINE=${DEADLINE:-900}; G1=4; G3=8
  SMALL="--n-train 64 --seg-steps 2 --set self_train=2 --n-fid 50"
  [ -d $DATA ] || "${LG[@]}" make-folder photo --out $DATA --n-train 64 --n-val 32 --n-test 32 $([ -d runs/photos ] && echo --photos runs/photos)
else
  nvidia-smi --query-gpu=name,memory.total --format=csv,noheader
  DEV="--device cuda --threads 1"; DEADLINE=${DEADLINE:-560}; G1=1000; G3=3000; SMALL=""
  [ -d $DATA ] || "${LG[@]}" make-folder photo --out $DATA $([ -d runs/photos ] && echo --photos runs/photos)
fi
run() {  # run NAME SEED FLAGS...: one training run, published into OUTDIR/NAME_sSEED
  local name=$1_s$2 seed=$2; shift 2
  local left=$(( DEADLINE - ($(date +%s) - t0) ))
  if [ $left -lt 30 ]; then echo "== $name: not started (deadline)"; return 1; fi
  timeout "$left" "${LG[@]}" train --dataset folder --data-root $DATA --bg-downsample 1 --seg-width 16 --seed "$seed" \
      $SMALL "$@" $DEV --eval-rounds 500 --out "runs/gpu_folder/$name" --overwrite --no-plan \
      --ckpt-every 0 --sample-every 0 > "$OUT/$name.log" 2>&1 \
    && "${LG[@]}" publish "runs/gpu_folder/$name" "$OUT/$name" >> "$OUT/$name.log" 2>&1
  echo "== $name: exit $? after $(( $(date +%s) - t0 )) s"
}
run base 0 --gan-steps $G1; run g3000 0 --gan-steps $G3; run base 1 --gan-steps $G1
run g3000 1 --gan-steps $G3; run g3000 2 --gan-steps $G3
for s in $MI2_SEEDS; do run mi2 $s --gan-steps $G1 --gamma-mi 2; done
python3 scripts/folder_summary.py "$OUT"
