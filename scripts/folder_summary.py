"""The figures of a folder study (scripts/gpu_folder_study.sh) in one file: python scripts/folder_summary.py OUTDIR.

Reads the published runs OUTDIR/<variant>_s<seed>/metrics.json and writes OUTDIR/summary.json: per run its validation
fg IoU and mask coverage after every round (the last entry is the end of the run, after the refinement), its wall time,
and its test scores (read once, for the report; choices are made on validation); per variant the mean and spread of the
final validation IoU over its seeds. Runs that have a log but no metrics (cut by their time limit) are listed as missing."""
import json, re, sys
from pathlib import Path
import numpy as np

out = Path(sys.argv[1])
runs, missing = {}, []
for log in sorted(out.glob("*_s[0-9]*.log")):
    name = log.stem
    m = out / name / "metrics.json"
    if not m.exists(): missing.append(name); continue
    r = json.loads(m.read_text())
    val = [dict(stage=p["stage"], round=p["round"], gan_steps=p["gan_steps"], fg_iou=p["fg_iou"], coverage=p["coverage"],
                wall_s=p["wall_s"]) for p in r.get("per_round", []) if p.get("split") == "val"]
    runs[name] = dict(device=r.get("device"), wall_s=r["wall_s"], steps=r["steps"], val=val,
                      test=dict(fg_iou=r.get("fg_iou"), coverage=r.get("coverage"), pred_coverage=r.get("pred_coverage")))
variants = {}
for name, r in runs.items():
    variants.setdefault(re.sub(r"_s\d+$", "", name), []).append(r["val"][-1]["fg_iou"] if r["val"] else None)
summary = dict(runs=runs, missing=missing,
               variants={k: dict(n=len(v), val_fg_iou=v, mean=float(np.mean(v)), std=float(np.std(v, ddof=1)) if len(v) > 1 else None)
                         for k, v in variants.items() if None not in v})
(out / "summary.json").write_text(json.dumps(summary, indent=1))
for k, v in summary["variants"].items(): print(f"{k:8s} n={v['n']} val fg IoU {v['mean']:.3f} ({', '.join(f'{x:.3f}' for x in v['val_fg_iou'])})")
for name, r in runs.items():
    print(f"{name:10s} {r['wall_s']:6.0f} s  val per round: " + " ".join(f"{p['fg_iou']:.3f}/{p['coverage']:.2f}" for p in r["val"]))
if missing: print("missing (cut or failed):", ", ".join(missing))
