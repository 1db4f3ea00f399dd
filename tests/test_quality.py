"""A gate on quality: a short fixed-seed run of the built-in recipe (two rounds of 400 GAN steps at batch 16 and 150
U-Net steps; 2.7 minutes alone on one core) must segment held-out images. Its seed scores test IoU 0.627 on 500 test
images (torch 2.14 on x86_64, one thread), above the floor; without the perturbation 0.431, below it.
The run is reproducible bit for bit on one machine, so CI sees the same figure every time. Another machine rounds
differently and the GAN's training amplifies that into another run: emulated by kernels limited to other instruction
sets and by other thread counts (data/bench/gate_noise*.json), the gate's seed scores from 0.627 to 0.702 on six such
machines, without the perturbation from 0.000 to 0.431 (another torch release is outside this emulation). Other
initial weights are another matter: a run this short is still in the GAN's early lottery, and over five seeds the same
schedule scores from 0.000 to 0.627, without the perturbation from 0.000 to 0.451 (data/bench/gate_spread*.json). A change that alters the networks' initial weights
moves the gate as a new seed would: if the gate fails after such a change, run
`python scripts/gate_spread.py --seeds 0 1 2 3 4 --jobs 2` and compare with data/bench/gate_spread.json first.
The recipe is the `shapes` preset as it was when these files were measured, before its ten-minute settings (training
chapter): `BEFORE_TEN` pins those values, so the gate still runs the configuration its files describe.
To see it fail: LAYERED_GAN_GATE_EXTRA="--no-perturb" pytest tests/test_quality.py"""
import json, os, shlex, subprocess
import pytest

SCHEDULE = ["--rounds", "2", "--gan-steps", "400", "--seg-steps", "150", "--batch-size", "16", "--n-train", "2000",
            "--self-train", "0"]   # the GAN and the U-Net it teaches; no refinement on real images
BEFORE_TEN = ["--d-width", "16", "--no-channels-last", "--self-train-ema", "0", "--gamma-bg", "2"]   # SHAPES_BEFORE_TEN_MINUTES
FLOOR = 0.55      # all-foreground masks score about 0.27 on this split, empty ones 0

def command(seed:int=0) -> list[str]:
    "The gate's `layered-gan train` flags (less --out); scripts/gate_spread.py runs them over other seeds."
    return [*SCHEDULE, "--seed", str(seed), "--threads", "1", "--n-fid", "100", "--n-eval", "500", "--no-plan",
            "--no-progress", "--sample-every", "0", "--ckpt-every", "0", *BEFORE_TEN]

def test_a_short_run_segments_held_out_images(tmp_path):
    out = tmp_path / "gate"
    extra = shlex.split(os.environ.get("LAYERED_GAN_GATE_EXTRA", ""))   # to show the gate failing on a broken variant
    env = {**os.environ, "OMP_NUM_THREADS": "1", "MPLBACKEND": "Agg"}
    r = subprocess.run(["layered-gan", "train", "--out", str(out), *command(0), *extra],
                       capture_output=True, text=True, env=env, timeout=900)
    assert r.returncode == 0, r.stderr[-2000:]
    m = json.loads((out / "metrics.json").read_text())
    print({k: m[k] for k in ("fg_iou", "pred_coverage", "coverage", "wall_s")})
    assert m["fg_iou"] > FLOOR, f"the U-Net's IoU on the test split is {m['fg_iou']:.3f}, below the floor {FLOOR}"
    assert m["val"]["fg_iou"] > FLOOR, f"validation IoU {m['val']['fg_iou']:.3f} below the floor"
    # not a trivial decomposition: the generated masks and the U-Net's predictions cover part of the image, not none or all
    assert 0.1 < m["coverage"] < 0.6 and 0.1 < m["pred_coverage"] < 0.6, (m["coverage"], m["pred_coverage"])
