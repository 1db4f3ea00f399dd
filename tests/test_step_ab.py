"""`scripts/step_ab.py` times two settings' steps in turn: the figures it writes must be the two settings' own."""
import json

import pytest
import torch

from test_refine_curve import TINY, load_script

def test_step_ab_writes_both_settings(tmp_path):
    sab = load_script("step_ab")
    tiny = [f"{k}={v}" for k, v in TINY.items()]
    args = ["--preset", "shapes", "--blocks", "2", "--steps", "1", "--threads", "1", "--out", str(tmp_path / "ab.json")]
    for t in tiny: args += ["--set", t]
    threads = torch.get_num_threads()
    try: assert sab.main(args + ["--a", "channels_last=false", "--b", "channels_last=true"]) == 0
    finally: torch.set_num_threads(threads)
    out = json.loads((tmp_path / "ab.json").read_text())
    assert out["config_a"]["channels_last"] is False and out["config_b"]["channels_last"] is True
    assert out["config_a"]["model"]["g_width"] == TINY["model.g_width"]
    for k in "AB":
        assert set(out["ms_per_step"][k]) == set(sab.KINDS) and all(v > 0 for v in out["ms_per_step"][k].values())
        cfg = out["config_" + k.lower()]
        ms = out["ms_per_step"][k]
        expect = (cfg["gan_steps"] * (ms["gan"] + (cfg["rounds"] - 1) * ms["gan_bg"]) + cfg["rounds"] * cfg["seg_steps"] * ms["seg"]
                  + cfg["self_train"] * ms["self_train"]) / 1e3
        assert out["run_training_s"][k] == pytest.approx(expect)

def test_step_ab_refuses_a_bad_setting(tmp_path, capsys):
    sab = load_script("step_ab")
    with pytest.raises(SystemExit) as e: sab.main(["--b", "no_such_field=1", "--out", str(tmp_path / "x.json")])
    assert e.value.code != 0 and "no_such_field" in capsys.readouterr().err
    assert not (tmp_path / "x.json").exists()
    with pytest.raises(SystemExit): sab.main(["--blocks", "1"])
