"""`scripts/mask_errors.py` sorts a U-Net's errors by place (datasets chapter, "Where the photographs' masks go wrong")."""
import json

import pytest
import torch

from test_refine_curve import TINY, load_script

def _script(): return load_script("mask_errors")

def _square(n=16, at=(4, 4), side=6):
    m = torch.zeros(1, 1, n, n); m[..., at[0]:at[0] + side, at[1]:at[1] + side] = 1; return m

def test_errors_by_place():
    f = _script().mask_errors
    true = _square().repeat(3, 1, 1, 1)
    r = f(true, true)
    assert r["fg_iou"] == 1 and r["fp_edge"] == r["fp_away"] == r["fn_edge"] == r["fn_inside"] == r["missed"] == 0
    wide = torch.nn.functional.max_pool2d(true, 3, stride=1, padding=1)          # the outline drawn a pixel wide
    r = f(wide, true)
    assert r["fp_edge"] == pytest.approx((64 - 36) / 36) and r["fp_away"] == 0 and r["fn_edge"] == r["fn_inside"] == 0
    spill = true.clone(); spill[..., 13:16, 13:16] = 1                            # a blob away from the object
    r = f(spill, true)
    assert r["fp_away"] == pytest.approx(9 / 36) and r["fp_edge"] == 0
    hole = true.clone(); hole[..., 6:8, 6:8] = 0                                 # inside: > 1 px from the background
    r = f(hole, true)
    assert r["fn_inside"] == pytest.approx(4 / 36) and r["fn_edge"] == 0
    r = f(torch.zeros_like(true), true)
    assert r["missed"] == 1 and r["empty"] == 1 and r["fn_edge"] + r["fn_inside"] == pytest.approx(1)

def test_a_run_and_its_refusals(tmp_path):
    from layered_gan import runs, training
    s = _script()
    with pytest.raises(SystemExit, match="no checkpoint.pt"): s.main([str(tmp_path)])
    threads = torch.get_num_threads(); torch.set_num_threads(1)
    try:
        cfg = training.train_config("shapes", rounds=1, gan_steps=2, seg_steps=2, self_train=0, n_train=64, **TINY)
        runs.train_run(cfg, tmp_path / "r", progress=False, evaluate=False)
        assert s.main([str(tmp_path / "r"), "--out", str(tmp_path / "e.json"), "--grid", str(tmp_path / "g.png")]) == 0
        r = json.loads((tmp_path / "e.json").read_text())
        assert r["split"] == "val" and r["n"] > 0 and 0 <= r["fg_iou"] <= 1 and (tmp_path / "g.png").stat().st_size > 0
        with pytest.raises(SystemExit) as e: s.main([str(tmp_path / "r"), "--band", "-1"])
        assert e.value.code == 2
    finally: torch.set_num_threads(threads)
