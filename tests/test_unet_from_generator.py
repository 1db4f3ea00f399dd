"""`scripts/unet_from_generator.py` trains a fresh U-Net on a finished run's frozen generator (training chapter, "The
U-Net's pairs"): its `--set` must reach the pairs, and it refuses what it cannot do."""
import json

import pytest
import torch

from test_refine_curve import TINY, load_script   # the same tiny networks, and the loader of scripts/

def _script(): return load_script("unet_from_generator")

def test_plain_and_perturbed_pairs(tmp_path):
    from layered_gan import runs, training
    threads = torch.get_num_threads(); torch.set_num_threads(1)
    try:
        cfg = training.train_config("shapes", rounds=1, gan_steps=4, seg_steps=3, self_train=0, n_train=64,
                                    seg_perturbed=False, **TINY)   # a run on the plain pairs, as the study's runs
        runs.train_run(cfg, tmp_path / "run", progress=False, evaluate=False)
        s = _script(); out = {}
        for k, extra in (("plain", []), ("perturbed", ["--set", "seg_perturbed=true"])):
            assert s.main([str(tmp_path / "run"), "--score-every", "2", *extra, "--out", str(tmp_path / f"{k}.json")]) == 0
            out[k] = json.loads((tmp_path / f"{k}.json").read_text())
        assert [c["step"] for c in out["plain"]["curve"]] == [2, 3]          # the run's rounds x seg_steps, scored at the end
        assert out["perturbed"]["settings"] == ["seg_perturbed=true"] and out["plain"]["settings"] == []
        # the option reaches the pairs: T only shrinks, so the perturbed pairs' masks cover less
        assert out["perturbed"]["pair_coverage"] < out["plain"]["pair_coverage"]
        assert all(0 <= c["val_fg_iou"] <= 1 for o in out.values() for c in o["curve"])
    finally: torch.set_num_threads(threads)

def test_refuses_what_it_cannot_do(tmp_path):
    from layered_gan import runs, training
    s = _script()
    with pytest.raises(SystemExit, match="no such run folder"): s.main([str(tmp_path / "nothing")])
    with pytest.raises(SystemExit, match="no checkpoint"): s.main([str(tmp_path)])
    cfg = training.train_config("shapes", rounds=1, gan_steps=2, seg_steps=2, self_train=0, n_train=64, **TINY)
    runs.train_run(cfg, tmp_path / "r", progress=False, evaluate=False)
    for bad in (["--set", "model.seg_width=16"], ["--set", "seg_perturbed=maybe"], ["--steps", "0"]):
        with pytest.raises(SystemExit) as e: s.main([str(tmp_path / "r"), *bad])
        assert e.value.code == 2                              # argparse's error: the argument named
