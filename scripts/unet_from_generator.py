"""A fresh U-Net trained on a finished run's generator, scored on validation: what the U-Net step makes of its pairs.

The run's final generator (its moving average if it kept one) is frozen; a new U-Net, initialised from the run's seed,
takes `--steps` updates of Algorithm 1's U-Net step (default: the run's rounds x seg_steps) with the run's own settings,
changed by `--set` as `train --set` does (e.g. `seg_perturbed=true`: the perturbed composites the discriminator sees,
with T(pi)). The U-Net is scored on the validation split every `--score-every` updates; the test split is never read.
With the same run and steps, two settings see the same generator and start from the same U-Net: a paired comparison
of the U-Net's training pairs alone (in a full run the U-Net also feeds back into the GAN through L_bg).

    python scripts/unet_from_generator.py runs/study/photo_s1 --out plain.json
    python scripts/unet_from_generator.py runs/study/photo_s1 --set seg_perturbed=true --out perturbed.json
"""
import argparse, json, sys, time
from pathlib import Path

import torch

from layered_gan.runs import CheckpointError, has_val_split, latest_checkpoint, load_split, unet_scores
from layered_gan.training import LayeredGANTrainer, apply_settings, config_from_dict


def scores(tr, split) -> dict:
    s = unet_scores(tr.F, split)
    return dict(val_fg_iou=float(s["fg_iou"]), val_pred_coverage=s["pred_coverage"])


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("run", help="a finished run's folder")
    ap.add_argument("--steps", type=int, default=None, help="U-Net updates (default: the run's rounds x seg_steps)")
    ap.add_argument("--score-every", type=int, default=250, help="score on validation every this many updates")
    ap.add_argument("--set", action="append", default=[], metavar="FIELD=VALUE",
                    help="change a field of the run's config for the U-Net's training (e.g. seg_perturbed=true)")
    ap.add_argument("--threads", type=int, default=None)
    ap.add_argument("--out", default=None, help="write the curve as JSON here")
    a = ap.parse_args(argv)
    for name, v in (("--steps", a.steps), ("--score-every", a.score_every), ("--threads", a.threads)):
        if v is not None and v < 1: ap.error(f"{name} must be positive, got {v}")
    for s in a.set:
        if s.startswith("model."): ap.error(f"--set {s}: the generator is the run's, whose shape cannot change")
    if a.threads: torch.set_num_threads(a.threads)
    if not Path(a.run).is_dir(): sys.exit(f"{a.run}: no such run folder")
    try: sd, path = latest_checkpoint(a.run)
    except CheckpointError as e: sys.exit(str(e))
    try: cfg = apply_settings(config_from_dict(sd["config"]), a.set).validate()
    except (ValueError, TypeError) as e: ap.error(f"--set: {e}")
    if not has_val_split(cfg): sys.exit(f"{a.run}: its dataset has no validation split")
    steps = a.steps or cfg.rounds * cfg.seg_steps
    tr = LayeredGANTrainer(cfg, load_split(cfg, "train")["images"], "cpu")   # a fresh U-Net, from the run's seed
    tr.G.load_state_dict(sd["G"])
    if tr.G_ema is not None and sd.get("G_ema") is not None: tr.G_ema.load_state_dict(sd["G_ema"])
    val = load_split(cfg, "val")
    curve, t0, cov = [], time.time(), []
    for i in range(1, steps + 1):
        tr.seg_step()
        if i % a.score_every == 0 or i == steps:
            curve.append(dict(step=i, **scores(tr, val), wall_s=time.time() - t0))
            print(json.dumps(curve[-1]), flush=True)
    with torch.no_grad():   # the masks the U-Net learnt from, on average (with the run's filter, as it saw them)
        x, pi = tr.recipe.seg_pairs(lambda k: tr.recipe.seg_composite(*tr.synthetic_layers(k), tr.g_codes), 1000)
    res = dict(run=str(a.run), checkpoint=path.name, settings=sorted(a.set), steps=steps, pair_coverage=float(pi.mean()),
               val_true_coverage=float(val["masks"].float().mean()), curve=curve,
               command="python scripts/unet_from_generator.py " + " ".join(argv if argv is not None else sys.argv[1:]))
    print(json.dumps({k: v for k, v in res.items() if k != "curve"}), flush=True)
    if a.out: Path(a.out).write_text(json.dumps(res, indent=1))
    return 0


if __name__ == "__main__": sys.exit(main())
