"""`scripts/ddp_unused_ab.py` times G's two DDP wrappers in turn: A as the trainer wraps it while the texture is held
back (find_unused_parameters on), B plain; the figures it writes must be those two wrappers'."""
import json, os, subprocess, sys
from pathlib import Path

from test_refine_curve import TINY

ROOT = Path(__file__).resolve().parents[1]

def test_both_wrappers_are_timed(tmp_path):
    out = tmp_path / "ab.json"
    sets = [a for k, v in TINY.items() for a in ("--set", f"{k}={v}")]
    r = subprocess.run([sys.executable, str(ROOT / "scripts" / "ddp_unused_ab.py"), "--blocks", "2", "--steps", "1", *sets,
                        "--out", str(out)], capture_output=True, text=True, timeout=300,
                       env={**os.environ, "OMP_NUM_THREADS": "1"})
    assert r.returncode == 0, r.stderr[-2000:]
    d = json.loads(out.read_text())
    assert d["find_unused"] == {"A": True, "B": False}          # the preset holds the texture back: A needs the flag
    assert all(len(v) == 1 and v[0] > 0 for v in d["ms_per_block"].values())   # the warm-up block dropped
    assert d["command"].startswith("python scripts/ddp_unused_ab.py --blocks 2")

def test_bad_arguments_are_refused():
    r = subprocess.run([sys.executable, str(ROOT / "scripts" / "ddp_unused_ab.py"), "--blocks", "1"], capture_output=True,
                       text=True, timeout=60)
    assert r.returncode == 2 and "--blocks" in r.stderr
