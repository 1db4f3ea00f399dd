"""`scripts/refine_curve.py` continues a finished run's refinement from `checkpoint_prev.pt`: at the run's own length
it must give the run's own scores (validation and test), or the curves in the datasets chapter would not be the runs'."""
import importlib.util, json
from pathlib import Path

import pytest
import torch

ROOT = Path(__file__).resolve().parents[1]
TINY = {"model.resolution": 32, "model.g_width": 8, "model.d_width": 8, "model.epi_width": 4, "model.seg_width": 8,
        "model.seg_depth": 3, "model.d_c": 10, "model.group_size": 2}

def load_script(name: str):
    "A script of scripts/ as a module (test_unet_from_generator uses it too)."
    spec = importlib.util.spec_from_file_location(name, ROOT / "scripts" / f"{name}.py")
    mod = importlib.util.module_from_spec(spec); spec.loader.exec_module(mod)
    return mod

def _script(): return load_script("refine_curve")

def test_the_curve_reproduces_the_run(tmp_path):
    from layered_gan import runs, training
    threads = torch.get_num_threads(); torch.set_num_threads(1)
    try:
        cfg = training.train_config("shapes", rounds=1, gan_steps=4, seg_steps=2, self_train=4, self_train_every=2,
                                    n_train=64, **TINY)
        runs.train_run(cfg, tmp_path / "run", progress=False, n_fid=2, eval_rounds=2)
        m = json.loads((tmp_path / "run" / "metrics.json").read_text())
        rc = _script()
        assert rc.main([str(tmp_path / "run"), "--steps", "6", "--score-every", "2", "--out", str(tmp_path / "c.json")]) == 0
        curve = {c["step"]: c["val_fg_iou"] for c in json.loads((tmp_path / "c.json").read_text())["curve"]}
        assert list(curve) == [0, 2, 4, 6]
        kept = torch.load(tmp_path / "run" / "refine_curve" / "every2" / "step4.pt")     # the U-Net after 4 updates
        final = runs.load_checkpoint(tmp_path / "run" / "checkpoint.pt")["F"]            # the run's own, after its 4
        assert all(torch.equal(kept[k], final[k]) for k in final), [k for k in final if not torch.equal(kept[k], final[k])][:3]
        before = [r["fg_iou"] for r in m["per_round"] if r["stage"] == "before self_train"][0]
        assert curve[0] == pytest.approx(before, abs=1e-12) and curve[4] == pytest.approx(m["val"]["fg_iou"], abs=1e-12)
        assert rc.main([str(tmp_path / "run"), "--test-at", "4", "--out", str(tmp_path / "t.json")]) == 0
        assert json.loads((tmp_path / "t.json").read_text())["test_fg_iou"] == pytest.approx(m["fg_iou"], abs=1e-12)
    finally: torch.set_num_threads(threads)

def test_refuses_what_it_cannot_continue(tmp_path):
    rc = _script()
    with pytest.raises(SystemExit, match="no checkpoint_prev.pt or checkpoint.pt holds"): rc.main([str(tmp_path)])
    from layered_gan import runs, training
    cfg = training.train_config("shapes", rounds=1, gan_steps=2, seg_steps=2, self_train=2, n_train=64, **TINY)
    runs.train_run(cfg, tmp_path / "r", progress=False, evaluate=False)
    with pytest.raises(SystemExit, match="step8.pt: not found; run the curve first"):
        rc.main([str(tmp_path / "r"), "--test-at", "8"])
    with pytest.raises(SystemExit) as e: rc.main([str(tmp_path / "r"), "--score-every", "0"])
    assert e.value.code == 2                                  # argparse's error: a usage line and the argument named
    for bad in ("self_train_flip=maybe", "nope=1", "model.seg_width=16"):
        with pytest.raises(SystemExit) as e: rc.main([str(tmp_path / "r"), "--set", bad])
        assert e.value.code == 2

@pytest.mark.parametrize("field,value,kw", [("self_train_flip", "true", {"self_train_flip": True}),
                                             ("self_train_synth", "1", {"self_train_synth": 1.0})])
def test_set_continues_a_run_without_refinement_as_training_with_the_option(tmp_path, field, value, kw):
    "A run trained with self_train 0, refined with --set FIELD=VALUE, ends where training with the option ends."
    from layered_gan import runs, training
    threads = torch.get_num_threads(); torch.set_num_threads(1)
    try:
        # a U-Net that marks about half the pixels (so the mirror image changes the teacher's masks): high lr, no filter
        # on the pairs nor on the refinement's images (whose masks, from so short a run, would all be left out)
        base = dict(rounds=1, gan_steps=4, seg_steps=3, lr_seg=3e-2, seg_filter=False, self_train_filter=False,
                    self_train_every=2, n_train=64,
                    **{**TINY, "model.mask_bias_init": 0.0})
        runs.train_run(training.train_config("shapes", self_train=0, **base), tmp_path / "plain", progress=False,
                       evaluate=False)
        runs.train_run(training.train_config("shapes", self_train=4, **kw, **base), tmp_path / "opt",
                       progress=False, evaluate=False)
        rc = _script()
        for flag in ([], ["--set", f"{field}={value}"]):
            assert rc.main([str(tmp_path / "plain"), "--steps", "4", "--score-every", "4", *flag]) == 0
        final = runs.load_checkpoint(tmp_path / "opt" / "checkpoint.pt")["F"]
        same = lambda d: all(torch.equal(torch.load(tmp_path / "plain" / "refine_curve" / d / "step4.pt")[k], final[k])
                             for k in final)
        assert same(f"every2_{field}={value}") and not same("every2")   # the option, not the refinement alone
    finally: torch.set_num_threads(threads)


def test_refine_kept_replays_the_run(tmp_path, capsys):
    "`scripts/refine_kept.py` replays a run's filtered refinement: it must end at the run's own U-Net, counting each batch."
    from layered_gan import runs, training
    threads = torch.get_num_threads(); torch.set_num_threads(1)
    try:
        cfg = training.train_config("shapes", rounds=1, gan_steps=4, seg_steps=2, self_train=3, n_train=64, **TINY)
        assert cfg.self_train_filter                     # the preset's refinement
        runs.train_run(cfg, tmp_path / "run", progress=False, evaluate=False)
        assert load_script("refine_kept").main([str(tmp_path / "run")]) == 0
        r = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
        assert r["same_F_as_run"] is True and r["batches"] == 3 and 0 <= r["min_kept"] <= r["batch"]
        with pytest.raises(SystemExit): load_script("refine_kept").main([str(tmp_path / "nowhere")])
    finally: torch.set_num_threads(threads)


def test_refine_scores_read_the_curve(tmp_path):
    "`scripts/refine_scores.py` scores a curve's kept weights on validation: its IoU is the curve's, step by step."
    from layered_gan import runs, training
    threads = torch.get_num_threads(); torch.set_num_threads(1)
    try:
        cfg = training.train_config("shapes", rounds=1, gan_steps=4, seg_steps=2, self_train=2, n_train=64,
                                    **{**TINY, "model.mask_bias_init": 0.0})
        runs.train_run(cfg, tmp_path / "run", progress=False, evaluate=False)
        sc = load_script("refine_scores")
        with pytest.raises(SystemExit, match="no kept weights; run scripts/refine_curve.py"): sc.main([str(tmp_path / "run")])
        with pytest.raises(SystemExit, match="no checkpoint_prev.pt"): sc.main([str(tmp_path / "nowhere")])
        assert _script().main([str(tmp_path / "run"), "--steps", "4", "--score-every", "2", "--out", str(tmp_path / "c.json")]) == 0
        assert sc.main([str(tmp_path / "run"), "--out", str(tmp_path / "s.json")]) == 0
        curve = {c["step"]: c["val_fg_iou"] for c in json.loads((tmp_path / "c.json").read_text())["curve"]}
        rows = json.loads((tmp_path / "s.json").read_text())["rows"]
        assert [r["step"] for r in rows] == [0, 2, 4]
        for r in rows:
            assert r["fg_iou"] == pytest.approx(curve[r["step"]], abs=1e-9)
            assert 0 <= r["precision"] <= 1 and 0 <= r["recall"] <= 1 and 0 <= r["pred_coverage"] <= 1
            assert r["recall"] * r["true_coverage"] == pytest.approx(r["precision"] * r["pred_coverage"], abs=1e-9)   # both: the true positives
    finally: torch.set_num_threads(threads)
