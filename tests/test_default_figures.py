"""The built-in default's figures the README quotes (the table of three seeds and the sentences that cite it) are those
of the published runs `data/results/default_s{0,1,2}`: a rerun that changes a score fails here until the README
follows."""
import json, statistics
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RUNS = [json.loads((ROOT / "data/results" / f"default_s{s}" / "metrics.json").read_text()) for s in range(3)]

def _readme() -> str: return (ROOT / "README.md").read_text()

def _before(m: dict) -> float: return next(r["fg_iou"] for r in m["per_round"] if r["stage"] == "before self_train")

def test_readme_table_of_the_default_runs():
    lines = _readme().splitlines()
    for s, m in enumerate(RUNS):
        row = (f"| {s} | {_before(m):.3f} | {m['val']['fg_iou']:.3f} | {m['fg_iou']:.3f} | {m['miou']:.3f} | "
               f"{m['pred_coverage']:.3f} | {m['fid']:,.0f} | {m['bg_fid']:,.0f} | {m['nmi']:.3f} | {m['wall_s']:.0f} s |")
        assert row in lines, row

def test_readme_sentences_on_the_default_runs():
    text = " ".join(_readme().split())
    test = [m["fg_iou"] for m in RUNS]
    walls = sorted(round(m["wall_s"]) for m in RUNS)
    figures = [f"three seeds trained in {walls[0]}-{walls[-1]} s each (evaluations included) and scored IoU "
               f"{test[0]:.3f}, {test[1]:.3f} and {test[2]:.3f} on test "
               f"({statistics.mean(test):.3f} ± {statistics.stdev(test):.3f}",
               f"in at most {walls[-1]} s ({walls[-1] / 60:.1f} minutes)"]
    for f in figures: assert f in text, f
