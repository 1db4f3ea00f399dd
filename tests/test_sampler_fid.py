"""`scripts/sampler_fid.py` scores a run's moving average and its raw generator on the same split and codes: the
average must be the one the run samples from (its own scores), and a run without one is refused by name."""
import json, math

import pytest
import torch

from test_refine_curve import TINY, load_script


@pytest.fixture(scope="module")
def ema_run(tmp_path_factory):
    from layered_gan import runs, training
    threads = torch.get_num_threads(); torch.set_num_threads(1)
    try:
        out = tmp_path_factory.mktemp("ema") / "run"
        cfg = training.train_config("shapes", rounds=1, gan_steps=6, seg_steps=2, self_train=0, n_train=64, ema=0.5, **TINY)
        runs.train_run(cfg, out, progress=False, evaluate=False)
        yield out
    finally: torch.set_num_threads(threads)


def test_both_generators_are_scored(ema_run, tmp_path):
    from layered_gan.runs import evaluate_run
    sf = load_script("sampler_fid")
    assert sf.main([str(ema_run), "--n-fid", "16", "--threads", "1", "--out", str(tmp_path / "f.json")]) == 0
    (row,) = json.loads((tmp_path / "f.json").read_text())["rows"]
    assert (row["split"], row["decay"], row["metric"]) == ("val", 0.5, "shapes-FID")
    assert all(math.isfinite(row[k]) for k in ("ema_fid", "raw_fid"))
    assert row["ema_fid"] != row["raw_fid"]                     # two generators, not one scored twice
    own = evaluate_run(ema_run, n_fid=16, split="val")          # the run samples from its average
    assert own["fid"] == pytest.approx(row["ema_fid"], rel=1e-6)


def test_a_run_without_an_average_is_refused(tmp_path, capsys):
    from layered_gan import runs, training
    cfg = training.train_config("shapes", rounds=1, gan_steps=2, seg_steps=1, self_train=0, n_train=64, **TINY)
    runs.train_run(cfg, tmp_path / "plain", progress=False, evaluate=False)
    sf = load_script("sampler_fid")
    assert sf.main([str(tmp_path / "plain"), "--n-fid", "16"]) == 2
    assert "plain: the run kept no moving average" in capsys.readouterr().err
    assert sf.main([str(tmp_path / "nothing")]) == 2
    assert "nothing: no such run folder" in capsys.readouterr().err
    (tmp_path / "empty").mkdir()                                # a folder that holds no run
    assert sf.main([str(tmp_path / "empty")]) == 2
    assert "empty: no checkpoint" in capsys.readouterr().err
