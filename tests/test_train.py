"""`layered-gan train` and the commands that use a run, end to end in subprocesses: outputs, resume after kill -9,
bad input, and two processes under torchrun."""
import json, os, signal, subprocess, sys, time
from pathlib import Path
import pytest
import torch

ENV = {**os.environ, "OMP_NUM_THREADS": "1", "MPLBACKEND": "Agg"}
TINY = ["--rounds", "1", "--resolution", "32", "--n-train", "256", "--g-width", "8", "--d-width", "8", "--epi-width", "4",
        "--seg-width", "8", "--seg-depth", "3", "--n-res", "0", "--d-c", "10", "--group-size", "2",
        "--no-progress", "--n-fid", "100", "--threads", "1", "--self-train", "2",
        "--n-eval", "200",   # 200 images of each split scored: a quick look
        "--no-plan"]         # the plan has its own test below

def run(*args, timeout=300):
    return subprocess.run(["layered-gan", *args], capture_output=True, text=True, env=ENV, timeout=timeout)

def params(run_dir):
    sd = torch.load(Path(run_dir) / "checkpoint.pt", weights_only=True)
    return {f"{k}.{n}": t for k in ("G", "D", "Epi", "F") for n, t in sd[k].items()}

def test_tiny_run_end_to_end(tmp_path):
    out = tmp_path / "run"
    r = run("train", "--out", str(out), "--gan-steps", "6", "--seg-steps", "3", *TINY, "--rounds", "2")
    assert r.returncode == 0, r.stderr
    for f in ("config.json", "checkpoint.pt", "losses.png", "metrics.json", "samples/round1_step000006.png",
              "samples/round2_step000006.png"):
        assert (out / f).is_file(), f
    m = json.loads((out / "metrics.json").read_text())
    assert m["steps"] == {"rounds": 2, "gan_steps": 6, "seg_steps": 3} and 0 <= m["fg_iou"] <= 1
    assert m["n_test"] == 200                                 # --n-eval: 200 of the 1,000 test images scored
    r = run("evaluate", str(out), "--json", "--n-test", "100", "--n-fid", "100")
    assert r.returncode == 0, r.stderr
    e = json.loads(r.stdout)
    for k in ("fg_iou", "acc", "miou", "fid", "bg_fid", "nmi"): assert k in e and e[k] is not None, k
    assert e["fid_metric"] == "shapes-FID"
    r = run("sample", str(out), "--out", str(tmp_path / "s.png"), "--n", "3")
    assert r.returncode == 0 and (tmp_path / "s.png").read_bytes()[:4] == b"\x89PNG"
    r = run("synthesize", str(out), "--out", str(tmp_path / "syn"), "--n", "5")
    assert r.returncode == 0, r.stderr
    assert len(list((tmp_path / "syn" / "images").glob("*.png"))) == 5 == len(list((tmp_path / "syn" / "masks").glob("*.png")))
    r = run("segment", str(out), "--input", str(tmp_path / "syn" / "images"), "--out", str(tmp_path / "seg"))
    assert r.returncode == 0, r.stderr
    assert sorted(p.name for p in (tmp_path / "seg").iterdir()) == sorted(p.name for p in (tmp_path / "syn" / "images").iterdir())
    # segment reads as the training loader does (its reader, so 16-bit PNGs are scaled as in training), hidden files
    # skipped, two files with one stem refused before anything is written, a bad threshold refused
    import numpy as np
    from PIL import Image
    photos = tmp_path / "photos"; photos.mkdir()
    grad = (np.linspace(0, 65535, 48 * 40).reshape(40, 48)).astype(np.uint16)
    Image.fromarray(grad).save(photos / "deep.png")
    (photos / ".hidden.png").write_bytes(b"not an image")
    r = run("segment", str(out), "--input", str(photos), "--out", str(tmp_path / "m16"))
    assert r.returncode == 0, r.stderr
    assert sorted(p.name for p in (tmp_path / "m16").iterdir()) == ["deep.png"]
    Image.fromarray(np.zeros((8, 8, 3), np.uint8)).save(photos / "deep.jpg")
    r = run("segment", str(out), "--input", str(photos), "--out", str(tmp_path / "m2"))
    assert r.returncode == 2 and "deep" in r.stderr and not (tmp_path / "m2").exists(), r.stderr
    for bad in ("nan", "2", "-1"):
        r = run("segment", str(out), "--input", str(photos), "--out", str(tmp_path / "m3"), "--threshold", bad)
        assert r.returncode == 2 and "--threshold" in r.stderr

# without G_b's texture, and with it from the first step (the preset's texture joins in round 2; TINY has one round):
# its noise is part of the codes' stream
@pytest.mark.parametrize("extra", [["--bg-texture", "0"], ["--bg-texture", "4", "--texture-from-round", "1"]])
def test_resume_after_kill_equals_uninterrupted_run(tmp_path, extra):
    args = ["--gan-steps", "40", "--seg-steps", "10", "--ckpt-every", "2", "--no-eval", *TINY, *extra]
    assert run("train", "--out", str(tmp_path / "full"), *args).returncode == 0
    cut = tmp_path / "cut"
    p = subprocess.Popen(["layered-gan", "train", "--out", str(cut), *args], env=ENV,
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    t0 = time.time()
    while not (cut / "checkpoint_prev.pt").exists() and time.time() - t0 < 120: time.sleep(0.05)
    time.sleep(0.5)
    os.kill(p.pid, signal.SIGKILL); p.wait()
    assert not (cut / "metrics.json").exists(), "the run finished before it could be killed"
    sd = torch.load(cut / "checkpoint.pt", weights_only=True)
    assert sd["position"]["step"] < 40 or sd["position"]["seg_step"] < 10
    r = run("train", "--out", str(cut), "--resume", *args)
    assert r.returncode == 0, r.stderr
    a, b = params(tmp_path / "full"), params(cut)
    assert a.keys() == b.keys()
    assert all(torch.equal(a[k], b[k]) for k in a), [k for k in a if not torch.equal(a[k], b[k])][:3]

@pytest.mark.parametrize("extra, word", [
    (["--dataset", "imagenet"], "--dataset"),
    (["--dataset", "cub"], "--data-root"),
    (["--dataset", "cub", "--data-root", "/nonexistent"], "no such folder"),
    (["--resolution", "48"], "--resolution"),
    (["--gan-steps", "0"], "--gan-steps"),
    (["--gan-steps", "-5"], "--gan-steps"),
    (["--batch-size", "0"], "--batch-size"),
    (["--batch-size", "512"], "larger than the training set"),
    (["--d-c", "7"], "group_size"),
    (["--resume"], "no run to resume"),
    (["--set", "gamma_mi"], "FIELD=VALUE"),
    (["--set", "no_such_field=1"], "no_such_field"),
    (["--set", "model.seg_depth=9"], "seg_depth"),
    (["--set", "perturb.shift=nan"], "perturb.shift"),
    (["--set", "model.g_width=0"], "g_width"),
    (["--n-res", "-1"], "n_res"),
    (["--bg-texture", "-1"], "bg_texture"),
    (["--bg-texture", "4", "--bg-downsample", "1"], "bg_texture"),
    (["--bg-downsample", "1"], "set bg_texture 0"),          # the preset's texture needs the low-resolution G_b
    (["--texture-from-round", "0"], "texture_from_round"),
])
def test_bad_train_arguments_exit_2_and_write_nothing(tmp_path, extra, word):
    out = tmp_path / "run"
    r = run("train", "--out", str(out), *TINY, "--gan-steps", "2", "--seg-steps", "1", *extra)
    assert r.returncode == 2, (r.returncode, r.stderr)
    assert word in r.stderr
    assert not out.exists() or not any(out.iterdir())

def test_existing_run_is_refused_and_kept(tmp_path):
    out = tmp_path / "run"
    assert run("train", "--out", str(out), "--gan-steps", "2", "--seg-steps", "1", "--no-eval", *TINY).returncode == 0
    before = (out / "checkpoint.pt").read_bytes()
    r = run("train", "--out", str(out), "--gan-steps", "2", "--seg-steps", "1", *TINY)
    assert r.returncode == 2 and "--resume" in r.stderr and (out / "checkpoint.pt").read_bytes() == before
    r = run("train", "--out", str(out), "--resume", "--gan-steps", "2", "--seg-steps", "1", *TINY, "--d-c", "20")
    assert r.returncode == 2 and "different config" in r.stderr and (out / "checkpoint.pt").read_bytes() == before

def test_one_writer_per_run_folder(tmp_path):
    "A second train (or a --resume) into a folder another process is training is refused, naming the holder."
    out = tmp_path / "run"
    args = ["--gan-steps", "100000", "--seg-steps", "1", "--no-eval", "--ckpt-every", "2", *TINY]   # runs until stopped
    first = subprocess.Popen(["layered-gan", "train", "--out", str(out), *args], env=ENV,   # Ctrl-C as in a terminal
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                             preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    try:
        t0 = time.time()
        while not (out / "checkpoint.pt").exists() and time.time() - t0 < 300 and first.poll() is None: time.sleep(0.05)
        for extra in ([], ["--resume"], ["--overwrite"]):
            r = run("train", "--out", str(out), *args, *extra)
            assert r.returncode == 2 and f"in use by process {first.pid}" in r.stderr, (extra, r.stderr)
        assert first.poll() is None, first.stderr.read()[-2000:]          # the holder was training all along
        first.send_signal(signal.SIGINT)                                   # the holder stops: its lock goes with it
        assert first.wait(timeout=120) == 130, first.stderr.read()[-2000:]
    finally:
        if first.poll() is None: first.kill(); first.wait()
    assert (out / "checkpoint.pt").is_file() and not (out / ".lock").exists()

# one round; and two, where the preset's texture on G_b, held back in round 1 (no gradient there), joins in round 2
@pytest.mark.parametrize("extra", [[], ["--rounds", "2"]])
def test_two_processes_under_torchrun_stay_in_sync(tmp_path, extra):
    out = tmp_path / "ddp"
    cmd = [sys.executable, "-m", "torch.distributed.run", "--standalone", "--nproc_per_node", "2", "--no-python",
           "layered-gan", "train", "--out", str(out), "--gan-steps", "5", "--seg-steps", "3", "--no-eval", *TINY, *extra]
    r = subprocess.run(cmd, capture_output=True, text=True, env=ENV, timeout=300)
    assert r.returncode == 0, r.stderr[-3000:]
    m = json.loads((out / "metrics.json").read_text())
    assert m["world_size"] == 2 and m["replica_max_diff"] == 0.0

def _image_folder(root, n=40, bad=None):
    from PIL import Image
    import numpy as np
    rng = np.random.default_rng(0)
    for sub in ("images", "masks"): (root / sub).mkdir(parents=True)
    for i in range(n):
        Image.fromarray(rng.integers(0, 255, (40, 48, 3), dtype=np.uint8)).save(root / "images" / f"{i:03d}.png")
        Image.fromarray((rng.random((40, 48)) > 0.5).astype(np.uint8) * 255).save(root / "masks" / f"{i:03d}.png")
    if bad: (root / "images" / bad).write_bytes(b"\x89PNG\r\n\x1a\nnot really an image")

def test_train_on_an_image_folder(tmp_path):
    _image_folder(tmp_path / "data")
    out = tmp_path / "run"
    r = run("train", "--dataset", "folder", "--data-root", str(tmp_path / "data"), "--out", str(out),
            "--gan-steps", "2", "--seg-steps", "1", "--batch-size", "8", *TINY, "--n-train", "40")
    assert r.returncode == 0, r.stderr
    m = json.loads((out / "metrics.json").read_text())
    assert m["n_test"] == 40 and m["fid"] is None and m["nmi"] is None    # no Inception weights, no labels

def test_evaluate_on_a_folder_dataset_and_on_the_validation_split(tmp_path):
    # a run on the built-in dataset, scored on a user's folder (same resolution) and on its own validation split
    out = tmp_path / "run"
    assert run("train", "--out", str(out), "--gan-steps", "2", "--seg-steps", "1", "--no-eval", *TINY).returncode == 0
    _image_folder(tmp_path / "data", n=12)
    r = run("evaluate", str(out), "--dataset", "folder", "--data-root", str(tmp_path / "data"), "--json", "--n-fid", "100")
    assert r.returncode == 0, r.stderr
    e = json.loads(r.stdout)
    assert e["n_test"] == 12 and 0 <= e["fg_iou"] <= 1 and e["split"] == "test"
    r = run("evaluate", str(out), "--split", "val", "--json", "--n-test", "50", "--n-fid", "100", "--no-fid")
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["split"] == "val" and json.loads(r.stdout)["n_test"] == 50
    r = run("evaluate", str(out), "--split", "val", "--dataset", "folder", "--data-root", str(tmp_path / "data"))
    assert r.returncode == 2 and "no validation split" in r.stderr, r.stderr

def test_plan_is_printed_and_dry_run_writes_nothing(tmp_path):
    _image_folder(tmp_path / "data")                        # 40 images: at least a batch (a smaller folder is refused first)
    out = tmp_path / "run"
    r = run("train", "--dataset", "folder", "--data-root", str(tmp_path / "data"), "--out", str(out), "--dry-run",
            "--threads", "1")
    assert r.returncode == 0, r.stderr
    # on a CPU a folder takes the CPU recipe for images by default, and the plan says what and how long before anything starts
    assert "plan: preset images (a CPU recipe" in r.stdout and "folder, 32 px, 3 rounds x (1000 GAN + 250 U-Net steps)" in r.stdout
    est = float(r.stdout.split("estimated ")[1].split(" min")[0].replace(",", ""))
    assert est > 0 and not out.exists()
    assert "; evaluations " in r.stdout                     # the final scores are part of the estimate
    # the paper's schedule on a CPU (narrow networks, so that timing its steps is quick; still ~30 hours here)
    r = run("train", "--preset", "cub", "--resolution", "32", "--g-width", "8", "--d-width", "8", "--seg-width", "8",
            "--out", str(out), "--dry-run", "--threads", "1")
    assert r.returncode == 0 and "hours on this CPU; shorten it" in r.stdout, r.stdout

def test_set_reaches_fields_without_a_flag(tmp_path):
    out = tmp_path / "run"
    r = run("train", "--out", str(out), "--gan-steps", "2", "--seg-steps", "1", "--no-eval", *TINY,
            "--set", "epi_hard=true", "--set", "model.bg_downsample=2", "--set", "perturb.scale=-0.3,0")
    assert r.returncode == 0, r.stderr
    cfg = json.loads((out / "config.json").read_text())
    assert cfg["epi_hard"] is True and cfg["model"]["bg_downsample"] == 2 and cfg["perturb"]["scale"] == [-0.3, 0.0]

def test_bad_image_in_folder_is_named(tmp_path):
    _image_folder(tmp_path / "data", bad="zzz.png")
    out = tmp_path / "run"
    r = run("train", "--dataset", "folder", "--data-root", str(tmp_path / "data"), "--out", str(out),
            "--gan-steps", "2", "--seg-steps", "1", "--batch-size", "8", *TINY, "--n-train", "41")
    assert r.returncode == 2 and "zzz.png" in r.stderr, r.stderr
    assert not out.exists() or not any(out.iterdir())

def test_diverging_loss_stops_with_a_clear_message_and_keeps_the_checkpoint(tmp_path, monkeypatch):
    "A loss that becomes NaN stops training, names the loss, and the last good checkpoint stays loadable."
    from layered_gan import training, runs
    real_g_update = training.LayeredGANTrainer.g_update
    def g_update(self, codes):
        if self.step == 5:                                   # from the 6th step on, the generator's weights are NaN
            with torch.no_grad():
                for p in self.G.parameters(): p.fill_(float("nan"))
        return real_g_update(self, codes)
    monkeypatch.setattr(training.LayeredGANTrainer, "g_update", g_update)
    cfg = training.train_config("shapes", rounds=1, gan_steps=10, seg_steps=2, self_train=2, n_train=256, **{
        "model.g_width": 8, "model.d_width": 8, "model.epi_width": 4, "model.seg_width": 8, "model.seg_depth": 3,
        "model.d_c": 10, "model.group_size": 2})
    with pytest.raises(FloatingPointError, match="generator loss diverged.*step 6"):
        runs.train_run(cfg, tmp_path / "run", ckpt_every=2, progress=False, evaluate=False)
    sd = runs.load_checkpoint(tmp_path / "run" / "checkpoint.pt")
    assert sd["position"]["step"] == 4
    assert all(torch.isfinite(t).all() for t in sd["G"].values() if t.is_floating_point())
    assert not (tmp_path / "run" / "metrics.json").exists()

TINY_CFG = {"model.resolution": 32, "model.g_width": 8, "model.d_width": 8, "model.epi_width": 4, "model.seg_width": 8,
            "model.seg_depth": 3, "model.n_res": 0, "model.d_c": 10, "model.group_size": 2}
KILLED_IN_SAVE = r'''
import os, signal, sys, torch
from layered_gan import runs
from layered_gan.training import train_config
out, where = sys.argv[1], sys.argv[2]
calls, real_save, real_replace = [0], torch.save, os.replace
def save(obj, f, *a, **k):
    calls[0] += 1
    if calls[0] == 3 and where == "write":          # the third checkpoint: half of it written, then kill -9
        real_save(obj, f, *a, **k); f.flush(); f.truncate(f.tell() // 2); f.flush()
        os.kill(os.getpid(), signal.SIGKILL)
    return real_save(obj, f, *a, **k)
def replace(src, dst):
    if where == "rename" and calls[0] == 3 and str(dst).endswith(os.sep + "checkpoint.pt"):   # between the renames
        os.kill(os.getpid(), signal.SIGKILL)
    return real_replace(src, dst)
torch.save, os.replace = save, replace
cfg = train_config("shapes", rounds=1, gan_steps=10, seg_steps=2, self_train=2, n_train=256, **%r)
runs.train_run(cfg, out, ckpt_every=2, progress=False, evaluate=False)
''' % TINY_CFG

@pytest.mark.parametrize("where", ["write", "rename"])
def test_kill_during_a_checkpoint_write_leaves_a_loadable_checkpoint(tmp_path, where):
    "kill -9 in the middle of writing the third checkpoint (or between its two renames): the run resumes exactly."
    from layered_gan import runs, training
    cut = tmp_path / "cut"
    r = subprocess.run([sys.executable, "-c", KILLED_IN_SAVE, str(cut), where], env=ENV, capture_output=True, timeout=300)
    assert r.returncode == -signal.SIGKILL, r.stderr[-2000:]
    assert list(cut.glob(".checkpoint.pt.*.tmp"))                         # the interrupted write (an exclusive temp file)
    sd, path = runs.latest_checkpoint(cut)                                 # still a good checkpoint: the 2nd (step 4)
    assert sd["position"]["step"] == 4, (path, sd["position"])
    cfg = training.train_config("shapes", rounds=1, gan_steps=10, seg_steps=2, self_train=2, n_train=256, **TINY_CFG)
    threads = torch.get_num_threads(); torch.set_num_threads(1)   # as the killed process ran (1 thread): bit-exact sums
    try: _resume_and_compare(runs, cfg, cut, tmp_path)
    finally: torch.set_num_threads(threads)

def _resume_and_compare(runs, cfg, cut, tmp_path):
    runs.train_run(cfg, cut, resume=True, ckpt_every=2, progress=False, evaluate=False)
    runs.train_run(cfg, tmp_path / "full", ckpt_every=2, progress=False, evaluate=False)
    a, b = params(tmp_path / "full"), params(cut)
    assert all(torch.equal(a[k], b[k]) for k in a), [k for k in a if not torch.equal(a[k], b[k])][:3]

def test_corrupted_checkpoint_is_named_and_resume_falls_back(tmp_path):
    out = tmp_path / "run"
    args = ["--gan-steps", "4", "--seg-steps", "1", "--ckpt-every", "2", "--no-eval", *TINY]
    assert run("train", "--out", str(out), *args).returncode == 0
    ck = out / "checkpoint.pt"
    ck.write_bytes(ck.read_bytes()[:1000])                                 # truncated
    r = run("train", "--out", str(out), "--resume", *args[:1], "6", *args[2:])
    assert r.returncode == 0, r.stderr
    assert "checkpoint.pt" in r.stderr and "previous checkpoint" in r.stderr   # the fallback is reported
    for f in ("checkpoint.pt", "checkpoint_prev.pt"): (out / f).write_bytes(b"garbage")
    before = {f: (out / f).read_bytes() for f in ("checkpoint.pt", "checkpoint_prev.pt")}
    r = run("evaluate", str(out), "--json")
    assert r.returncode == 2 and str(out / "checkpoint.pt") in r.stderr and "truncated or corrupted" in r.stderr, r.stderr
    r = run("train", "--out", str(out), "--resume", *args)
    assert r.returncode == 2 and "checkpoint_prev.pt" in r.stderr, r.stderr
    assert {f: (out / f).read_bytes() for f in before} == before          # nothing overwritten
