"""The package leaves the reader's kernel as it found it: the CLI (which chapter 11 runs in the kernel), a training run
and the publishing of an ablation run change neither matplotlib's backend nor its open figures, torch's number of
threads, torch's global random stream, nor the environment; and the figures they write to files are real PNGs.

Runs in this process on purpose: a subprocess would hide every change."""
import os
from pathlib import Path

import matplotlib
import pytest
import torch
from PIL import Image

from layered_gan import cli

TINY = ["--rounds", "1", "--gan-steps", "3", "--seg-steps", "2", "--resolution", "32", "--n-train", "64",
        "--g-width", "8", "--d-width", "8", "--epi-width", "4", "--seg-width", "8", "--seg-depth", "3", "--n-res", "0",
        "--d-c", "10", "--group-size", "2", "--no-progress", "--n-fid", "16", "--no-plan", "--self-train", "2",
        "--n-eval", "200"]   # 200 images of each split scored: a quick look


def snapshot() -> dict:
    import matplotlib.pyplot as plt
    return dict(backend=matplotlib.get_backend(), figures=list(plt.get_fignums()), threads=torch.get_num_threads(),
                rng=torch.random.get_rng_state().clone(), env=dict(os.environ))


def assert_same(before: dict, after: dict):
    assert after["backend"] == before["backend"], (before["backend"], after["backend"])
    assert after["figures"] == before["figures"], "a pyplot figure was left open"
    assert after["threads"] == before["threads"], (before["threads"], after["threads"])
    assert torch.equal(after["rng"], before["rng"]), "torch's global random stream was moved"
    changed = {k for k in set(before["env"]) | set(after["env"]) if before["env"].get(k) != after["env"].get(k)}
    assert not changed, f"environment variables changed: {sorted(changed)}"


@pytest.fixture
def kernel_like():
    "A backend the package would never pick itself (so a switch to Agg shows), and 2 torch threads."
    import matplotlib.pyplot as plt
    old_backend, old_threads = matplotlib.get_backend(), torch.get_num_threads()
    plt.switch_backend("svg"); torch.set_num_threads(2); torch.manual_seed(1234)
    yield
    plt.close("all"); plt.switch_backend(old_backend); torch.set_num_threads(old_threads)


def is_png(path: Path) -> bool:
    with Image.open(path) as im: return im.format == "PNG" and min(im.size) > 10


def test_cli_train_and_publish_leave_the_kernel_as_it_was(tmp_path, kernel_like):
    from layered_gan.ablations import publish_ablation
    before = snapshot()
    grid, dec = tmp_path / "grid.png", tmp_path / "dec.png"
    assert cli.main(["data", "--n", "64", "--grid", str(grid), "--decompositions", str(dec)]) == 0
    assert_same(before, snapshot())
    run = tmp_path / "work" / "base"
    assert cli.main(["train", "--out", str(run), "--threads", "1", *TINY]) == 0
    assert_same(before, snapshot())
    assert cli.main(["sample", str(run), "--out", str(tmp_path / "s.png")]) == 0
    out = publish_ablation("base", tmp_path / "work", tmp_path / "published")
    assert_same(before, snapshot())
    for f in (grid, dec, run / "losses.png", tmp_path / "s.png", out / "samples.png"): assert is_png(f), f
