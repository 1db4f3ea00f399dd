"""Where a refinement curve's masks gain or lose: precision, recall and coverage of its kept U-Net weights, on validation.

`scripts/refine_curve.py` keeps the U-Net's weights of every scored step in RUN/refine_curve/<settings>/. This script
scores the U-Net before the refinement (from checkpoint_prev.pt) and each kept step on the validation split, pixel by
pixel over the split: foreground IoU, precision (the predicted foreground that is foreground), recall (the foreground
that is predicted) and the predicted and true coverage. It reads nothing from the test split.

    python scripts/refine_scores.py runs/texture/cand_s0 --set self_train_flip=false --out scores.json
"""
import argparse, json, sys
from pathlib import Path

import torch

from layered_gan.runs import load_checkpoint, load_split
from layered_gan.training import LayeredGANTrainer, config_from_dict, predict_masks


def scores(F_net, val) -> dict:
    p, m = predict_masks(F_net, val["images"]) > 0.5, val["masks"].float() > 0.5
    tp = (p & m).sum().item()
    return dict(fg_iou=tp / max((p | m).sum().item(), 1), precision=tp / max(p.sum().item(), 1),
                recall=tp / max(m.sum().item(), 1), pred_coverage=p.float().mean().item(), true_coverage=m.float().mean().item())


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("run", help="a run folder holding checkpoint_prev.pt and refine_curve/")
    ap.add_argument("--every", type=int, default=250, help="the curve's teacher renewal (its folder's name)")
    ap.add_argument("--set", action="append", default=[], metavar="FIELD=VALUE", help="the curve's --set, as given to it")
    ap.add_argument("--threads", type=int, default=None)
    ap.add_argument("--out", default=None, help="write the scores as JSON here")
    a = ap.parse_args(argv)
    if a.threads: torch.set_num_threads(a.threads)
    run = Path(a.run)
    keep = run / "refine_curve" / "_".join([f"every{a.every}", *sorted(a.set)])
    if not (run / "checkpoint_prev.pt").is_file(): sys.exit(f"{run}: no checkpoint_prev.pt (the state before the refinement)")
    steps = sorted(int(f.stem[4:]) for f in keep.glob("step*.pt")) if keep.is_dir() else []
    if not steps: sys.exit(f"{keep}: no kept weights; run scripts/refine_curve.py with these settings first")
    sd = load_checkpoint(run / "checkpoint_prev.pt")
    cfg = config_from_dict(sd["config"])
    val = load_split(cfg, "val")
    tr = LayeredGANTrainer(cfg, val["images"][:cfg.batch_size], "cpu")
    tr.load_state_dict(sd)
    rows = [dict(step=0, **scores(tr.F, val))]
    for n in steps:
        tr.F.load_state_dict(torch.load(keep / f"step{n}.pt"))
        rows.append(dict(step=n, **scores(tr.F, val)))
        print(json.dumps(rows[-1]), flush=True)
    res = dict(run=str(a.run), every=a.every, settings=sorted(a.set), rows=rows,
               command="python scripts/refine_scores.py " + " ".join(argv if argv is not None else sys.argv[1:]))
    if a.out: Path(a.out).write_text(json.dumps(res, indent=1))
    return 0


if __name__ == "__main__": sys.exit(main())
