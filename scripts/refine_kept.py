"""How many real images the refinement's plausible-mask filter (`self_train_filter`) keeps, batch by batch.

For each finished run, loads the state before its refinement (`checkpoint_prev.pt`), replays the refinement with the
run's own settings and `self_train_filter` on, counts the images of each batch whose frozen-copy mask passes
`plausible_masks`, and checks that the replay ends at the run's own U-Net (`checkpoint.pt`) when the run itself had
the filter on. Prints one JSON line per run: mean fraction kept, fewest kept in a batch, batches with none kept.

    python scripts/refine_kept.py runs/filter/filter_s0 runs/filter/filter_s4 --threads 2
"""
import argparse, json, sys
from dataclasses import replace
from pathlib import Path

import torch

import layered_gan.training as T
from layered_gan.runs import load_checkpoint, load_split


def kept_counts(run:Path) -> dict:
    sd = load_checkpoint(run / "checkpoint_prev.pt")
    cfg0 = T.config_from_dict(sd["config"]); cfg = replace(cfg0, self_train_filter=True)
    kept, orig = [], T.plausible_masks
    def counting(m, *a, **k):
        r = orig(m, *a, **k); kept.append(int(r.sum())); return r
    T.plausible_masks = counting
    try:
        tr = T.LayeredGANTrainer(cfg, load_split(cfg, "train")["images"], "cpu"); tr.load_state_dict(sd)
        tr.round, tr.seg_step_n = cfg.rounds - 1, cfg.seg_steps
        for _ in range(cfg.self_train): tr.self_train_step()
    finally: T.plausible_masks = orig
    fin = load_checkpoint(run / "checkpoint.pt")["F"]
    same = all(torch.equal(v, fin[k]) for k, v in tr.F.state_dict().items()) if cfg0.self_train_filter else None
    return dict(run=str(run), batches=len(kept), batch=cfg.batch_size, kept_mean=sum(kept) / len(kept) / cfg.batch_size,
                min_kept=min(kept), empty=sum(k == 0 for k in kept), same_F_as_run=same)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("runs", nargs="+", help="finished runs' folders, each holding checkpoint_prev.pt and checkpoint.pt")
    ap.add_argument("--threads", type=int, default=None)
    a = ap.parse_args(argv)
    if a.threads: torch.set_num_threads(a.threads)
    for r in a.runs:
        for f in ("checkpoint_prev.pt", "checkpoint.pt"):
            if not (Path(r) / f).is_file(): sys.exit(f"{r}: no {f} (a finished run with self_train > 0 keeps both)")
    for r in a.runs: print(json.dumps(kept_counts(Path(r))), flush=True)
    return 0


if __name__ == "__main__": sys.exit(main())
