"""The images' score of a run kept with a moving average of its generator (`--ema`): the average and the raw generator.

A run trained with `ema` > 0 samples from the moving average of the generator's weights (its U-Net's pairs, its
sample grids, its scores), and its checkpoint keeps both the average and the generator itself. Both then come from
the same training, so their shapes-FID (FID elsewhere) on the same split and the same codes says what the average
itself does to the images, apart from the path the run took. It reads the validation split unless told otherwise.

    python scripts/sampler_fid.py runs/ema/ema99_s0 runs/ema/ema99_s1 runs/ema/ema99_s2 --threads 2 \\
        --out data/results/ema99_sampler_fid.json
"""
import argparse, json, sys
from pathlib import Path

import torch

from layered_gan.runs import CheckpointError, RunDirError, evaluate_networks, latest_checkpoint, load_split, networks_from_state


def sampler_fid(run:str, split:str="val", n_fid:int=1000) -> dict:
    "FID (its metric's name in `metric`) of a run's moving average (`ema_fid`) and of its raw generator (`raw_fid`) on `split`."
    if not Path(run).is_dir(): raise RunDirError(f"{run}: no such run folder")
    sd, _ = latest_checkpoint(run)
    if sd.get("G_ema") is None: raise ValueError(f"{run}: the run kept no moving average (trained with ema 0)")
    nets = {"ema": networks_from_state(sd, "cpu"), "raw": networks_from_state({**sd, "G_ema": None}, "cpu")}
    data = {**load_split(nets["ema"].cfg, split), "masks": None, "labels": None}   # images only: no U-Net or NMI scores
    scores = {k: evaluate_networks(n, data, n_fid=n_fid) for k, n in nets.items()}
    return dict(run=str(run), split=split, decay=nets["ema"].cfg.ema, metric=scores["ema"]["fid_metric"],
                ema_fid=scores["ema"]["fid"], raw_fid=scores["raw"]["fid"])


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("runs", nargs="+", help="finished runs trained with --ema")
    ap.add_argument("--split", default="val", choices=("val", "test"))
    ap.add_argument("--n-fid", type=int, default=1000, help="generated images per score")
    ap.add_argument("--threads", type=int, default=None)
    ap.add_argument("--out", default=None, help="write the scores as JSON here")
    a = ap.parse_args(argv)
    if a.n_fid < 2: ap.error("--n-fid must be at least 2")
    if a.threads is not None:
        if a.threads < 1: ap.error("--threads must be positive")
        torch.set_num_threads(a.threads)
    try: rows = [sampler_fid(r, a.split, a.n_fid) for r in a.runs]
    except (ValueError, FileNotFoundError, CheckpointError) as e:
        print(f"error: {e}", file=sys.stderr); return 2
    for r in rows: print(f"{r['run']}: {r['metric']} on {r['split']}: moving average {r['ema_fid']:.1f}, "
                         f"generator {r['raw_fid']:.1f}")
    out = dict(command="python scripts/sampler_fid.py " + " ".join(argv if argv is not None else sys.argv[1:]), rows=rows)
    if a.out: Path(a.out).write_text(json.dumps(out, indent=1) + "\n")
    return 0


if __name__ == "__main__": sys.exit(main())
