"""The figures of the GPU check (scripts/gpu_check.sh) in one file: python scripts/gpu_summary.py OUTDIR RUNS.

Reads OUTDIR/bench_*.json, the published runs OUTDIR/{paper64,default,train_*}/metrics.json and the short runs' loss
histories (RUNS/train_*/checkpoint.pt); writes OUTDIR/summary.json (with the list of steps that did not finish) and
prints it. A short run whose checkpoint is gone (a machine given back) keeps the loss comparison of an earlier summary."""
import json, sys
from pathlib import Path
import numpy as np
import torch

out, runs = Path(sys.argv[1]), Path(sys.argv[2])
old = json.loads((out / "summary.json").read_text()) if (out / "summary.json").exists() else {}
BENCHES = ("bench_fp32", "bench_bf16", "bench_bf16_growth", "bench_bf16_cl", "bench_bf16_cl_compile", "bench_fp32_growth")
res, missing = {}, []
for name in BENCHES:
    if not (out / f"{name}.json").exists(): missing.append(name); continue
    b = json.loads((out / f"{name}.json").read_text())
    res[name] = dict(device=b["device"], precision=b.get("precision"), channels_last=b.get("channels_last"),
                     compile=b.get("compile"), ceiling_gflops=b["ceiling_gflops"],
                     ceiling_bf16_gflops=b.get("ceiling_bf16_gflops"),
                     steps=[{k: s[k] for k in ("config", "resolution", "batch", "name", "images_per_s", "gflops",
                                               "fraction_of_ceiling", "peak_mem_mb")} for s in b["steps"]])

def curves(run):
    h = [r for r in torch.load(run / "checkpoint.pt", map_location="cpu", weights_only=True)["history"] if r.get("phase") == "gan"]
    keys = [k for k in h[0] if k not in ("phase", "round") and all(isinstance(r.get(k), float) for r in h)]
    return {k: np.array([r[k] for r in h], dtype=float) for k in keys}

def smooth(x, w=25): return np.convolve(x, np.ones(w) / w, mode="valid") if len(x) > w else x

for key, (fa, fb) in {"train": ("train_fp32", "train_bf16"), "train_cl": ("train_cl_fp32", "train_cl_bf16")}.items():
    if not all((out / f / "metrics.json").exists() for f in (fa, fb)): missing.append(key); continue
    mf, mb = (json.loads((out / f / "metrics.json").read_text()) for f in (fa, fb))
    res[key] = dict(fp32_wall_s=mf["wall_s"], bf16_wall_s=mb["wall_s"], speedup=mf["wall_s"] / mb["wall_s"],
                    fp32_fg_iou=mf.get("fg_iou"), bf16_fg_iou=mb.get("fg_iou"))
    if all((runs / f / "checkpoint.pt").exists() for f in (fa, fb)):
        a, b = curves(runs / fa), curves(runs / fb)
        agree = {}
        for k in a.keys() & b.keys():
            sa, sb = smooth(a[k]), smooth(b[k])
            agree[k] = dict(fp32_last=float(sa[-1]), bf16_last=float(sb[-1]),
                            max_abs_diff=float(np.abs(sa - sb).max()), scale=float(np.abs(sa).mean()))
        res[key]["losses"] = agree
    elif "losses" in old.get(key, {}): res[key]["losses"] = old[key]["losses"]
for key in ("paper64", "default"):
    if not (out / key / "metrics.json").exists(): missing.append(key); continue
    m = json.loads((out / key / "metrics.json").read_text())
    res[key] = dict(fg_iou=m.get("fg_iou"), val_fg_iou=(m.get("val") or {}).get("fg_iou"), fid=m.get("fid"),
                    coverage=m.get("coverage"), wall_s=m["wall_s"], per_round=m.get("per_round"), device=m.get("device"))
res["missing"] = missing                        # the steps that did not finish (see log.txt)
(out / "summary.json").write_text(json.dumps(res, indent=1))
print(json.dumps({k: v for k, v in res.items() if not k.startswith("bench")}, indent=1))
