"""The GPU figures the README quotes are those of `data/bench/gpu/summary.json` (written by scripts/gpu_check.sh)."""
import json
from pathlib import Path
import pytest

ROOT = Path(__file__).resolve().parents[1]
SUMMARY = ROOT / "data/bench/gpu/summary.json"

def _step(s, bench, r, b, name="gan_step"):
    return next(x for x in s[bench]["steps"] if x["resolution"] == r and x["batch"] == b and x["name"] == name)

@pytest.mark.skipif(not SUMMARY.exists(), reason="no GPU measurements published")
def test_readme_quotes_the_gpu_summary():
    s, readme = json.loads(SUMMARY.read_text()), " ".join((ROOT / "README.md").read_text().split())
    assert s["missing"] == []
    f32, b16, b16g = (_step(s, k, 128, 32) for k in ("bench_fp32", "bench_bf16", "bench_bf16_growth"))
    cl = _step(s, "bench_bf16_cl", 128, 128)
    lo, hi = sorted((b16, b16g), key=lambda x: x["images_per_s"])
    figures = [
        s["bench_fp32"]["device"].replace(" HBM3", "").replace("80GB", "80 GB"),
        f"test IoU {s['default']['fg_iou']:.3f} in {s['default']['wall_s'] / 60:.1f} minutes",
        f"{s['paper64']['fg_iou']:.3f} in {s['paper64']['wall_s'] / 60:.1f} minutes",
        f"{f32['images_per_s']:,.0f} images/s in float32",
        f"{lo['images_per_s']:,.0f} to {hi['images_per_s']:,.0f} under bf16",
        f"({100 * lo['fraction_of_ceiling']:.1f}% to {100 * hi['fraction_of_ceiling']:.1f}% of the GPU's bf16 matmul rate)",
        f"{cl['images_per_s']:,.0f} images/s in bf16 at batch 128 ({100 * cl['fraction_of_ceiling']:.1f}%)",
        f"{s['train']['speedup']:.2f} times the float32 speed ({s['train_cl']['speedup']:.2f} times",
    ]
    for f in figures: assert f in readme, f


# --- the runs of data/bench/gpu/ are what scripts/gpu_check.sh trains (as tests/test_published.py does for data/results)
SCRIPT = ROOT / "scripts/gpu_check.sh"

def gpu_commands() -> dict[str, str]:
    "The `train` arguments scripts/gpu_check.sh gives each published run on a GPU (its full mode: variables expanded)."
    import re
    s = SCRIPT.read_text()
    full = s.split("\nelse\n", 1)[1].split("\nfi\n", 1)[0]            # the branch without --quick
    var = dict(re.findall(r'^\s*(\w+)="([^"]*)"', full, re.M))
    assert 'train --preset shapes-paper $PAPER $DEV --out runs/gpu/paper64' in s and 'train $DEFAULT $DEV --out runs/gpu/default' in s
    assert 'train --preset cub --dataset shapes $SHORT "$@" $DEV' in s
    cmds = {"default": f"train {var['DEFAULT']} {var['DEV']}", "paper64": f"train --preset shapes-paper {var['PAPER']} {var['DEV']}"}
    for name, flags in re.findall(r"^\s*short (\w+) \d+ ?(.*)$", s, re.M):
        cmds[name] = f"train --preset cub --dataset shapes {var['SHORT']} {flags} {var['DEV']}"
    return cmds

def test_gpu_runs_have_the_scripts_settings():
    import shlex
    from test_published import config_diff
    runs = sorted(p.parent.name for p in (ROOT / "data/bench/gpu").glob("*/config.json"))
    cmds = gpu_commands()
    assert set(runs) <= set(cmds), set(runs) - set(cmds)          # every published GPU run comes from the script
    for name in runs:
        diff = config_diff(shlex.split(cmds[name]), ROOT / "data/bench/gpu" / name / "config.json")
        assert not diff, f"{name}: the script gives (today, published): {diff}"
