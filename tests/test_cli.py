"""The `layered-gan` command line, end to end, as a user runs it (in a subprocess)."""
import os, subprocess, sys
from pathlib import Path
import pytest

ENV = {**os.environ, "OMP_NUM_THREADS": "1", "MPLBACKEND": "Agg"}

def run(*args, cwd=None):
    return subprocess.run(["layered-gan", *args], capture_output=True, text=True, env=ENV, cwd=cwd, timeout=300)

def test_help_lists_subcommands():
    r = run("--help")
    assert r.returncode == 0 and "data" in r.stdout

def test_the_command_line_starts_without_torchvision():
    "torchvision takes over a second to import and only FID on Inception features and a few transforms need it."
    code = ("import sys; from layered_gan.cli import build_parser; import layered_gan.training, layered_gan.runs, "
            "layered_gan.datasets, layered_gan.metrics; build_parser(); "
            "assert 'torchvision' not in sys.modules, 'torchvision imported at start'; "
            "from layered_gan.metrics import FIDInceptionV3; "                  # still importable by name, built on use
            "assert 'torchvision' in sys.modules and FIDInceptionV3.__module__ == 'layered_gan.metrics'")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=ENV, timeout=120)
    assert r.returncode == 0, r.stderr[-1500:]

def test_data_writes_pictures_and_prints_stats(tmp_path):
    r = run("data", "--n", "100", "--resolution", "32", "--grid", str(tmp_path / "g.png"),
            "--per-class", "2", "--decompositions", str(tmp_path / "sub" / "d.png"))
    assert r.returncode == 0, r.stderr
    assert "object coverage" in r.stdout and "categories (10)" in r.stdout
    for f in ("g.png", "sub/d.png"):
        data = (tmp_path / f).read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 5_000
    assert not list(tmp_path.rglob(".*.tmp"))                 # no temporary file left behind

@pytest.mark.parametrize("args, word", [
    (["data", "--resolution", "48"], "--resolution"),
    (["data", "--n", "0"], "--n"),
    (["data", "--n", "-3"], "--n"),
    (["data", "--grid", "grid.jpg"], "--grid"),
    (["data", "--split", "val"], "--split"),
    (["train-everything"], "invalid choice"),
    (["ablate", "--only", "mi_3"], "--only"),
    (["ablate", "--scale", "0"], "--scale"),
    (["ablate", "--jobs", "0"], "--jobs"),
    (["ablate", "--table", "--out", "nowhere"], "no ablation results"),
])
def test_bad_arguments_exit_2_and_name_the_argument(tmp_path, args, word):
    r = run(*args, cwd=tmp_path)
    assert r.returncode == 2
    assert word in r.stderr
    assert list(tmp_path.iterdir()) == []                     # nothing written

def test_existing_output_is_replaced_whole(tmp_path):
    out = tmp_path / "g.png"
    out.write_bytes(b"old")
    r = run("data", "--n", "50", "--resolution", "32", "--grid", str(out), "--per-class", "1")
    assert r.returncode == 0 and out.read_bytes()[:4] == b"\x89PNG"

def test_grid_that_is_a_directory_is_refused(tmp_path):
    d = tmp_path / "x.png"; d.mkdir()
    r = run("data", "--n", "50", "--grid", str(d))
    assert r.returncode == 2 and "directory" in r.stderr

def test_bench_quick_json():
    import json
    r = run("bench", "--quick", "--json")
    assert r.returncode == 0, r.stderr
    res = json.loads(r.stdout)
    assert res["ceiling_gflops"] > 0
    names = {s["name"] for s in res["steps"]}
    assert {"gan_g", "gan_d", "gan_step", "seg", "data"} <= names
    for s in res["steps"]:
        for k in ("name", "resolution", "images_per_s", "gflops", "fraction_of_ceiling", "peak_mem_mb"): assert k in s
    assert run("bench", "--batch", "0").returncode == 2

def test_bench_layers_quick_json():
    import json
    r = run("bench", "--layers", "--quick", "--json")
    assert r.returncode == 0, r.stderr
    res = json.loads(r.stdout)
    nets = {l["layer"].split(".")[0] for l in res["layers"]}
    assert nets == {"G", "D", "Epi", "F"}, nets                       # every network's convolutions are found
    for l in res["layers"]:
        assert l["gflop"] > 0 and l["seconds"] > 0 and 0 < l["fraction_of_ceiling"]

def test_ablate_refuses_a_file_as_out_and_other_scales(tmp_path):
    (tmp_path / "f").write_text("keep")
    r = run("ablate", "--only", "base", "--out", str(tmp_path / "f"), "--work", str(tmp_path / "w"))
    assert r.returncode == 2 and "not a folder" in r.stderr and (tmp_path / "f").read_text() == "keep"
    (tmp_path / "d").mkdir(); (tmp_path / "d" / "results.json").write_text('{"scale": 0.5, "runs": {}}')
    r = run("ablate", "--only", "base", "--out", str(tmp_path / "d"), "--work", str(tmp_path / "w"), "--scale", "0.1")
    assert r.returncode == 2 and "scale 0.5" in r.stderr and not (tmp_path / "w").exists()

def test_oracle_json_and_bad_input(tmp_path):
    import json
    r = run("oracle", "--steps", "5", "--threads", "1", "--json")
    assert r.returncode == 0, r.stderr
    m = json.loads(r.stdout)
    assert m["steps"] == 5 and m["n_test"] == 1000 and m["split"] == "test" and 0 <= m["fg_iou"] <= 1
    r = run("oracle", "--steps", "5", "--threads", "1", "--json", "--split", "val")    # the split settings are chosen on
    assert r.returncode == 0 and json.loads(r.stdout)["split"] == "val", r.stderr
    assert json.loads(r.stdout)["acc"] != m["acc"]                                   # the same U-Net, other images
    assert run("oracle", "--steps", "0").returncode == 2
    r = run("oracle", str(tmp_path))                  # a folder without a checkpoint: oracle reads the checkpoint's config
    assert r.returncode == 2 and "no checkpoint" in r.stderr, r.stderr
