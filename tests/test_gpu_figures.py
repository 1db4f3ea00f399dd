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
