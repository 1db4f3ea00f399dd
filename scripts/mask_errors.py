"""Where a finished run's U-Net errs on the validation split: the share of its errors at the object's edge and away
from it, the images it misses, and the score by object size.

A pixel the U-Net calls foreground where there is none is a *false positive*; it lies at the edge when it is within
`--band` pixels of the object (a one-pixel error of the outline), and away otherwise: a spill onto the background.
A missed object pixel is a *false negative*, at the edge or inside (more than `--band` pixels from the background).
Each count is a fraction of the object pixels, so that the four add up to the errors one IoU point costs. An image
is *missed* when its IoU is below 0.3. Reads the validation split only.

    python scripts/mask_errors.py runs/segpert/photo_pert_s0 --out data/mask_errors/photo_s0.json --grid spills.png

`--grid` draws the validation images with the most spilled pixels: each image, its true mask, the U-Net's mask.
"""
import argparse, json, sys
from pathlib import Path

import torch
import torch.nn.functional as F

from layered_gan.runs import has_val_split, load_networks, load_split, predict_masks


def grow(m: torch.Tensor, k: int) -> torch.Tensor:
    "The mask grown by `k` pixels (square neighbourhood)."
    return F.max_pool2d(m, 2 * k + 1, stride=1, padding=k) if k else m


def mask_errors(pred: torch.Tensor, true: torch.Tensor, band: int = 1) -> dict:
    "Error shares of binary masks `pred`, `true` (N, 1, H, W), as fractions of the object pixels."
    pred, true = pred.float(), true.float()
    edge_out = grow(true, band) - true                    # background within `band` px of the object
    inside = 1 - grow(1 - true, band)                      # object more than `band` px from the background
    fp, fn, n_obj = pred * (1 - true), (1 - pred) * true, true.sum()
    inter, union = (pred * true).flatten(1).sum(1), ((pred + true) > 0).float().flatten(1).sum(1)
    iou = torch.where(union > 0, inter / union.clamp(min=1), torch.ones_like(union))
    size = true.flatten(1).mean(1)
    third = torch.quantile(size, torch.tensor([1 / 3, 2 / 3]))
    by_size = {name: float(iou[sel].mean()) for name, sel in
               (("small", size <= third[0]), ("middle", (size > third[0]) & (size <= third[1])), ("large", size > third[1]))}
    return dict(fg_iou=float((pred * true).sum() / ((pred + true) > 0).float().sum()),
                fp_edge=float((fp * edge_out).sum() / n_obj), fp_away=float((fp * (1 - edge_out)).sum() / n_obj),
                fn_edge=float((fn * (1 - inside)).sum() / n_obj), fn_inside=float((fn * inside).sum() / n_obj),
                missed=float((iou < 0.3).float().mean()), empty=float((pred.flatten(1).mean(1) < 0.01).float().mean()),
                iou_by_size=by_size, size_thirds=[float(t) for t in third],
                pred_coverage=float(pred.mean()), true_coverage=float(true.mean()), n=int(len(pred)), band=band)


def spill_grid(images, true, pred, band: int, n: int, path, title: str = ""):
    "The `n` images with the most predicted foreground away from the object: image, true mask, U-Net's mask."
    import matplotlib; matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    true = true.float(); away = (pred * (1 - grow(true, band))).flatten(1).sum(1)
    idx = away.argsort(descending=True)[:n]
    fig, axs = plt.subplots(3, n, figsize=(1.3 * n, 4.2))
    for j, i in enumerate(idx.tolist()):
        img = images[i].permute(1, 2, 0).numpy() if images.dtype == torch.uint8 else (images[i].permute(1, 2, 0) * 0.5 + 0.5).clamp(0, 1).numpy()
        for r, (im, kw) in enumerate(((img, {}), (true[i, 0].numpy(), dict(cmap="gray", vmin=0, vmax=1)),
                                      (pred[i, 0].numpy(), dict(cmap="gray", vmin=0, vmax=1)))):
            axs[r, j].imshow(im, **kw); axs[r, j].set_axis_off()
    for r, name in enumerate(("image", "true mask", "U-Net")): axs[r, 0].set_title(name, fontsize=7, loc="left")
    fig.suptitle(title, fontsize=8); fig.tight_layout()
    Path(path).parent.mkdir(parents=True, exist_ok=True); fig.savefig(path, dpi=80); plt.close(fig)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("run", help="a finished run's folder (checkpoint.pt)")
    ap.add_argument("--band", type=int, default=1, help="pixels from the outline that count as its edge")
    ap.add_argument("--threads", type=int, default=None)
    ap.add_argument("--out", default=None, help="write the figures as JSON here")
    ap.add_argument("--grid", default=None, help="PNG of the validation images with the most pixels spilled away from the object")
    ap.add_argument("--n-grid", type=int, default=6, help="images in that grid")
    a = ap.parse_args(argv)
    if a.band < 0: ap.error(f"--band must be 0 or more, got {a.band}")
    if a.threads: torch.set_num_threads(a.threads)
    path = Path(a.run) / "checkpoint.pt"
    if not path.is_file(): sys.exit(f"{a.run}: no checkpoint.pt (a finished run's folder?)")
    nets = load_networks(a.run, "cpu")                      # the U-Net of the newest good checkpoint, in eval mode
    if not has_val_split(nets.cfg): sys.exit(f"{a.run}: its dataset has no validation split")
    val = load_split(nets.cfg, "val")
    pred = (predict_masks(nets.F, val["images"]) > 0.5).float()
    res = dict(run=str(a.run), split="val", **mask_errors(pred, val["masks"].float(), a.band),
               command="python scripts/mask_errors.py " + " ".join(argv if argv is not None else sys.argv[1:]))
    print(json.dumps(res))
    if a.out: Path(a.out).parent.mkdir(parents=True, exist_ok=True); Path(a.out).write_text(json.dumps(res, indent=1))
    if a.grid: spill_grid(val["images"], val["masks"].float(), pred, a.band, a.n_grid, a.grid, title=str(a.run))
    return 0


if __name__ == "__main__": sys.exit(main())
