"""The U-Net's refinement on real images (`self_train`), continued past a run's schedule, scored on validation.

A finished run keeps `checkpoint_prev.pt`: the networks after the last round's U-Net phase, just before the refinement
(when the run had `self_train` > 0; a run with `self_train` 0 ends in that state, in `checkpoint.pt`). This script
loads it, runs `--steps` refinement updates with the run's own settings (teacher renewed every `self_train_every`
updates, unless `--every` says otherwise; `--set` changes other fields of the refinement, as `train --set` does) and
scores the U-Net on the validation split every `--score-every` updates, keeping the U-Net's weights of each scored step in
RUN/refine_curve/. It reads nothing from the test split, unless asked once, after a length was chosen on
validation: `--test-at N` scores the kept weights of step N on the test split.

    python scripts/refine_curve.py runs/explore/photo_bgfull_seg16_s2 --steps 6000 --score-every 500 --out curve.json
    python scripts/refine_curve.py runs/explore/photo_bgfull_seg16_s2 --test-at 4000 --out test.json
    python scripts/refine_curve.py runs/study/default_s1 --steps 3000 --set self_train_flip=true --out flip.json
"""
import argparse, json, sys, time
from dataclasses import replace
from pathlib import Path

import torch

from layered_gan.runs import has_val_split, load_checkpoint, load_split, unet_scores
from layered_gan.training import LayeredGANTrainer, apply_settings, config_from_dict


def iou(tr, split) -> float: return float(unet_scores(tr.F, split)["fg_iou"])


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("run", help="a finished run's folder holding checkpoint_prev.pt (or, with self_train 0, checkpoint.pt)")
    ap.add_argument("--steps", type=int, default=6000, help="refinement updates in all")
    ap.add_argument("--score-every", type=int, default=500, help="score on validation every this many updates")
    ap.add_argument("--every", type=int, default=None, help="renew the teacher every this many updates (default: the run's)")
    ap.add_argument("--set", action="append", default=[], metavar="FIELD=VALUE",
                    help="change a field of the run's config for the refinement (e.g. self_train_flip=true)")
    ap.add_argument("--threads", type=int, default=None)
    ap.add_argument("--test-at", type=int, default=None, help="score the kept weights of this step on the test split, once")
    ap.add_argument("--out", default=None, help="write the curve (or the test score) as JSON here")
    a = ap.parse_args(argv)
    for name, v in (("--steps", a.steps), ("--score-every", a.score_every), ("--every", a.every), ("--threads", a.threads),
                    ("--test-at", a.test_at)):
        if v is not None and v < 1: ap.error(f"{name} must be positive, got {v}")
    if a.threads: torch.set_num_threads(a.threads)
    def before(sd, c):    # the last round's U-Net phase done, the refinement not begun (or, with self_train 0, the run over)
        p = sd["position"]
        return (p["round"], p["seg_step"]) == (c.rounds - 1, c.seg_steps) or (c.self_train == 0 and p["round"] == c.rounds)
    for name in ("checkpoint_prev.pt", "checkpoint.pt"):      # the state before the refinement
        path = Path(a.run) / name
        if not path.is_file(): continue
        sd = load_checkpoint(path)
        cfg = config_from_dict(sd["config"])
        if before(sd, cfg): break
    else: sys.exit(f"{a.run}: no checkpoint_prev.pt or checkpoint.pt holds the state before the refinement "
                   "(a finished run with self_train > 0 keeps it in checkpoint_prev.pt)")
    for s in a.set:
        if s.startswith("model."): ap.error(f"--set {s}: the refinement continues the run's networks, whose shape cannot change")
    try: cfg = apply_settings(cfg, a.set).validate()
    except (ValueError, TypeError) as e: ap.error(f"--set: {e}")
    if not has_val_split(cfg): sys.exit(f"{a.run}: its dataset has no validation split")
    cfg = replace(cfg, self_train=a.steps, self_train_every=a.every or cfg.self_train_every)
    keep = Path(a.run) / "refine_curve" / "_".join([f"every{cfg.self_train_every}", *sorted(a.set)])
    train = load_split(cfg, "train")
    tr = LayeredGANTrainer(cfg, train["images"], "cpu")
    tr.load_state_dict(sd)
    tr.round, tr.seg_step_n = cfg.rounds - 1, cfg.seg_steps     # the teacher is renewed counting from here
    if a.test_at is not None:
        w = keep / f"step{a.test_at}.pt"
        if not w.is_file(): sys.exit(f"{w}: not found; run the curve first, scoring at step {a.test_at}")
        tr.F.load_state_dict(torch.load(w))
        res = dict(run=str(a.run), every=cfg.self_train_every, settings=sorted(a.set), step=a.test_at,
                   test_fg_iou=iou(tr, load_split(cfg, "test")))
    else:
        val = load_split(cfg, "val")
        keep.mkdir(parents=True, exist_ok=True)
        curve, t0 = [dict(step=0, val_fg_iou=iou(tr, val))], time.time()
        print(json.dumps(curve[-1]), flush=True)
        for i in range(1, a.steps + 1):
            tr.self_train_step()
            if i % a.score_every == 0:
                curve.append(dict(step=i, val_fg_iou=iou(tr, val), wall_s=time.time() - t0))
                torch.save(tr.F.state_dict(), keep / f"step{i}.pt")
                print(json.dumps(curve[-1]), flush=True)
        res = dict(run=str(a.run), every=cfg.self_train_every, settings=sorted(a.set), steps=a.steps, curve=curve)
    res["command"] = "python scripts/refine_curve.py " + " ".join(argv if argv is not None else sys.argv[1:])
    print(json.dumps({k: v for k, v in res.items() if k != "curve"}), flush=True)
    if a.out: Path(a.out).write_text(json.dumps(res, indent=1))
    return 0


if __name__ == "__main__": sys.exit(main())
