"""The quality gate over five seeds (`scripts/gate_spread.py`, `data/bench/gate_spread.json` and, with the perturbation
off, `gate_spread_broken.json`): the files are the gate's own schedule, its seed passes and its broken variant does not,
and the figures the README and the gate's docstring quote are the files'. A change to the gate's schedule fails here
until the spread is measured again."""
import importlib.util, json, shlex
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SPREAD = json.loads((ROOT / "data/bench/gate_spread.json").read_text())
BROKEN = json.loads((ROOT / "data/bench/gate_spread_broken.json").read_text())

def _script():
    spec = importlib.util.spec_from_file_location("gate_spread", ROOT / "scripts" / "gate_spread.py")
    m = importlib.util.module_from_spec(spec); spec.loader.exec_module(m)
    return m

def _gate(): return _script().gate()      # the gate's module, read as the script reads it

def _seed(f:dict, s:int) -> dict: return next(r for r in f["seeds"] if r["seed"] == s)

def _iou(f:dict) -> list[float]: return [r["fg_iou"] for r in f["seeds"]]

def test_the_spread_is_the_gates_schedule():
    g = _gate()
    for f, extra in ((SPREAD, ""), (BROKEN, "--no-perturb")):
        assert f["extra"] == extra and f["floor"] == g.FLOOR
        assert f["gate_command"].endswith(" ".join([*g.command("SEED"), *shlex.split(extra)])), f["gate_command"]
        assert [r["seed"] for r in f["seeds"]] == [0, 1, 2, 3, 4]

def test_the_gates_seed_passes_and_its_broken_variant_fails():
    floor = _gate().FLOOR
    ok, broken = _seed(SPREAD, 0), _seed(BROKEN, 0)
    assert ok["fg_iou"] > floor and ok["val_fg_iou"] > floor and 0.1 < ok["pred_coverage"] < 0.6
    assert broken["fg_iou"] < floor
    assert max(_iou(BROKEN)) < floor            # no seed of the broken variant would pass

def test_readme_and_docstring_quote_the_files():
    g = _gate()
    readme, doc = " ".join((ROOT / "README.md").read_text().split()), " ".join(g.__doc__.split())
    ok, broken = _iou(SPREAD), _iou(BROKEN)
    n = sum(v > g.FLOOR for v in ok)
    both = [f"scores test IoU {ok[0]:.3f}", f"without the perturbation {broken[0]:.3f}"]
    for f in both + [f"from {min(ok):.3f} to {max(ok):.3f} ({n} of 5 above the floor)",
                     f"from {min(broken):.3f} to {max(broken):.3f}"]:
        assert f in readme, f
    for f in both: assert f in doc, f

def test_the_script_reads_the_gate_and_refuses_bad_arguments():
    import subprocess, sys
    r = subprocess.run([sys.executable, str(ROOT / "scripts/gate_spread.py"), "--jobs", "0"], capture_output=True, text=True)
    assert r.returncode == 2 and "--jobs must be positive" in r.stderr
    flags = _gate().command(3)
    assert flags[flags.index("--seed") + 1] == "3" and "--threads" in flags
