"""The figures of the GPU check (scripts/gpu_check.sh) in one file: python scripts/gpu_summary.py OUTDIR RUNS.

Reads OUTDIR/bench_*.json, OUTDIR/{train_fp32,train_bf16,paper64}/metrics.json and the two short runs' loss
histories (RUNS/train_*/checkpoint.pt); writes OUTDIR/summary.json and prints it."""
import json, sys
from pathlib import Path
import numpy as np
import torch

out, runs = Path(sys.argv[1]), Path(sys.argv[2])
res = {}
for p in ("fp32", "bf16"):
    b = json.loads((out / f"bench_{p}.json").read_text())
    res[f"bench_{p}"] = dict(device=b["device"], ceiling_gflops=b["ceiling_gflops"], ceiling_bf16_gflops=b.get("ceiling_bf16_gflops"),
                             steps=[{k: s[k] for k in ("config", "resolution", "batch", "name", "images_per_s", "gflops",
                                                       "fraction_of_ceiling", "peak_mem_mb")} for s in b["steps"]])

def curves(run):
    h = [r for r in torch.load(run / "checkpoint.pt", map_location="cpu", weights_only=True)["history"] if r.get("phase") == "gan"]
    keys = [k for k in h[0] if k not in ("phase", "round") and all(isinstance(r.get(k), float) for r in h)]
    return {k: np.array([r[k] for r in h], dtype=float) for k in keys}

def smooth(x, w=25): return np.convolve(x, np.ones(w) / w, mode="valid") if len(x) > w else x

a, b = curves(runs / "train_fp32"), curves(runs / "train_bf16")
agree = {}
for k in a.keys() & b.keys():
    sa, sb = smooth(a[k]), smooth(b[k])
    agree[k] = dict(fp32_last=float(sa[-1]), bf16_last=float(sb[-1]),
                    max_abs_diff=float(np.abs(sa - sb).max()), scale=float(np.abs(sa).mean()))
mf, mb = (json.loads((out / f"train_{p}" / "metrics.json").read_text()) for p in ("fp32", "bf16"))
res["train"] = dict(fp32_wall_s=mf["wall_s"], bf16_wall_s=mb["wall_s"], speedup=mf["wall_s"] / mb["wall_s"],
                    fp32_fg_iou=mf.get("fg_iou"), bf16_fg_iou=mb.get("fg_iou"), losses=agree)
m = json.loads((out / "paper64" / "metrics.json").read_text())
res["paper64"] = dict(fg_iou=m.get("fg_iou"), val_fg_iou=(m.get("val") or {}).get("fg_iou"), fid=m.get("fid"),
                      coverage=m.get("coverage"), wall_s=m["wall_s"], per_round=m.get("per_round"), device=m.get("device"))
(out / "summary.json").write_text(json.dumps(res, indent=1))
print(json.dumps({k: v for k, v in res.items() if not k.startswith("bench")}, indent=1))
