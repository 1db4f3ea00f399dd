"""Every command with bad and unusual input, one test per kind of case (parametrised where they share a shape):
exit 2 and one line, before any costly step (loading data or networks, building models, training), nothing written
or lost; one writer per run folder; Ctrl-C and failed first runs leave a folder that can be started or resumed.

The argument cases run `layered_gan.cli.main` in this process with the costly steps replaced by a tripwire: a check
that came after one of them would reach the tripwire and fail the test."""
import json, os, signal, subprocess, sys, time
from pathlib import Path
import numpy as np
import torch
import pytest
from PIL import Image
from layered_gan import cli, runs

ENV = {**os.environ, "OMP_NUM_THREADS": "1", "MPLBACKEND": "Agg"}
TINY = ["--rounds", "1", "--resolution", "32", "--n-train", "256", "--g-width", "8", "--d-width", "8", "--epi-width", "4",
        "--seg-width", "8", "--seg-depth", "3", "--n-res", "0", "--d-c", "10", "--group-size", "2", "--no-progress",
        "--n-fid", "100", "--threads", "1", "--no-plan", "--self-train", "2",
        "--n-eval", "200"]   # 200 images of each split scored: a quick look

class Costly(Exception): "A costly step was reached."

def tripwire(*a, **k): raise Costly("reached a costly step before the arguments were checked")

@pytest.fixture
def no_costly_steps(monkeypatch):
    for mod, name in ((runs, "load_split"), (runs, "load_networks"), (runs, "evaluate_run"), (runs, "estimate_run"),
                      (runs, "LayeredGANTrainer")):
        monkeypatch.setattr(mod, name, tripwire)

def main_error(args, capsys) -> str:
    "Run the CLI in-process; assert exit 2 with one line on stderr and no traceback; return that line."
    with pytest.raises(SystemExit) as e: cli.main([str(a) for a in args])
    err = capsys.readouterr().err.strip()
    assert e.value.code == 2, (e.value.code, err)
    assert len(err.splitlines()) == 1 and "Traceback" not in err, err
    return err

def image_folder(root:Path, n=12, splits=("train", "test"), size=(40, 48)):
    rng = np.random.default_rng(0)
    for s in splits:
        for sub in ("images", "masks"): (root / s / sub).mkdir(parents=True)
        for i in range(n):
            Image.fromarray(rng.integers(0, 255, (*size, 3), dtype=np.uint8)).save(root / s / "images" / f"{i:03d}.png")
            Image.fromarray((rng.random(size) > 0.5).astype(np.uint8) * 255).save(root / s / "masks" / f"{i:03d}.png")
    return root

@pytest.fixture(scope="module")
def run_dir(tmp_path_factory):
    "A tiny finished run (2 GAN steps), for the commands that read one."
    out = tmp_path_factory.mktemp("r") / "run"
    r = subprocess.run(["layered-gan", "train", "--out", str(out), "--gan-steps", "2", "--seg-steps", "1", "--no-eval", *TINY],
                       capture_output=True, text=True, env=ENV, timeout=300)
    assert r.returncode == 0, r.stderr
    return out

# --- settings checked before the first costly step ("checked too late" and "not checked at all") ---
TRAIN_CASES = [
    (["--n-fid", "0"], "--n-fid"), (["--n-fid", "-5"], "--n-fid"), (["--n-fid", "1"], "--n-fid"),
    (["--eval-rounds", "1"], "--eval-rounds"), (["--eval-rounds", "-2"], "--eval-rounds"), (["--n-eval", "0"], "--n-eval"),
    (["--seg-depth", "6"], "seg_depth"), (["--seg-depth", "99"], "seg_depth"), (["--seg-depth", "0"], "seg_depth"),
    (["--g-width", "0"], "g_width"), (["--n-res", "-1"], "n_res"), (["--shift", "nan"], "shift"),
    (["--scale", "nan", "0"], "scale"), (["--mask-bias-init", "nan"], "mask_bias_init"), (["--rotation", "1e308"], "rotation"),
    (["--data-root", "."], "--data-root"), (["--device", "banana"], "--device"), (["--threads", "0"], "--threads"),
    (["--batch-size", "0"], "--batch-size"), (["--batch-size", "512"], "larger than the training set (256 images)"),
    (["--resume", "--overwrite"], "--resume"),
    (["--g-width", "1024", "--d-width", "1024", "--batch-size", "256", "--resolution", "128"], "GiB"),   # dry size check
]
@pytest.mark.parametrize("extra, word", TRAIN_CASES, ids=[" ".join(c[0]) for c in TRAIN_CASES])
def test_train_settings_are_checked_first(tmp_path, capsys, no_costly_steps, extra, word):
    out = tmp_path / "run"
    assert word in main_error(["train", "--out", out, *TINY, "--gan-steps", "100000", *extra], capsys)
    assert not out.exists()

def test_cuda_without_a_gpu_is_refused(tmp_path, capsys, no_costly_steps):
    import torch
    if torch.cuda.is_available(): pytest.skip("this machine has a GPU")
    assert "no CUDA GPU" in main_error(["train", "--out", tmp_path / "run", *TINY, "--device", "cuda"], capsys)

# --- output paths: empty, a file where a folder is expected, under a file, a folder where a file is expected ---
OUT_CASES = {
    "train empty":        (lambda d, r: ["train", "--out", "", *TINY], "--out"),
    "train is a file":    (lambda d, r: ["train", "--out", d / "file", *TINY], "not a folder"),
    "train under a file": (lambda d, r: ["train", "--out", d / "file" / "run", *TINY], "is a file"),
    "sample":             (lambda d, r: ["sample", r, "--out", d / "file" / "s.png"], "is a file"),
    "sample dir":         (lambda d, r: ["sample", r, "--out", d / "dir.png"], "directory"),
    "synthesize":         (lambda d, r: ["synthesize", r, "--out", d / "file"], "not a folder"),
    "synthesize under":   (lambda d, r: ["synthesize", r, "--out", d / "file" / "syn"], "is a file"),
    "segment":            (lambda d, r: ["segment", r, "--input", d / "imgs", "--out", d / "file" / "m"], "is a file"),
    "segment input file": (lambda d, r: ["segment", r, "--input", d / "file", "--out", d / "m"], "--input"),
    "evaluate":           (lambda d, r: ["evaluate", r, "--out", d / "file" / "e.json"], "is a file"),
    "evaluate dir":       (lambda d, r: ["evaluate", r, "--out", d / "dir.png"], "directory"),
    "publish under":      (lambda d, r: ["publish", r, d / "file" / "pub"], "is a file"),
    "publish RUN RUN":    (lambda d, r: ["publish", r, r], "run folder"),
    "publish into RUN":   (lambda d, r: ["publish", r, r / "pub"], "run folder"),
    "data --grid":        (lambda d, r: ["data", "--n", "20", "--grid", d / "file" / "g.png"], "is a file"),
    "data --per-class 0": (lambda d, r: ["data", "--n", "20", "--per-class", "0", "--grid", d / "g.png"], "--per-class"),
    "data --index -1":    (lambda d, r: ["data", "--n", "20", "--index", "-1", "--decompositions", d / "d.png"], "--index"),
    "data --index 20":    (lambda d, r: ["data", "--n", "20", "--index", "20", "--decompositions", d / "d.png"], "--index"),
    "train-features":     (lambda d, r: ["train-features", "--steps", "0"], "--steps"),
    "train-features out": (lambda d, r: ["train-features", "--steps", "1", "--out", d / "file" / "w.pt"], "--out"),
    "bench --threads 0":  (lambda d, r: ["bench", "--quick", "--threads", "0"], "--threads"),
    "bench --device":     (lambda d, r: ["bench", "--quick", "--device", "banana"], "--device"),
}
@pytest.mark.parametrize("case", list(OUT_CASES))
def test_outputs_and_arguments_of_every_command(tmp_path, capsys, monkeypatch, run_dir, case):
    (tmp_path / "file").write_text("keep"); (tmp_path / "dir.png").mkdir(); image_folder(tmp_path / "imgs0", n=2)
    (tmp_path / "imgs").symlink_to(tmp_path / "imgs0" / "test" / "images")
    before = sorted(p.relative_to(run_dir) for p in run_dir.rglob("*"))
    for name in ("load_split", "load_networks", "evaluate_run", "LayeredGANTrainer"): monkeypatch.setattr(runs, name, tripwire)
    args, word = OUT_CASES[case]
    assert word in main_error(args(tmp_path, run_dir), capsys)
    assert (tmp_path / "file").read_text() == "keep" and not list(tmp_path.rglob(".*.tmp"))
    assert sorted(p.relative_to(run_dir) for p in run_dir.rglob("*")) == before      # the run is untouched

# --- data checked before training: a folder without test/, more training images asked for than there are ---
def test_data_problems_stop_before_training(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(runs, "LayeredGANTrainer", tripwire)
    image_folder(tmp_path / "only_train", splits=("train",))
    base = ["train", "--dataset", "folder", "--batch-size", "4", *TINY, "--n-train", "12"]
    err = main_error([*base, "--data-root", tmp_path / "only_train", "--out", tmp_path / "a"], capsys)
    assert "test" in err and not (tmp_path / "a").exists()
    image_folder(tmp_path / "small")
    err = main_error([*base, "--data-root", tmp_path / "small", "--out", tmp_path / "b", "--n-train", "500"], capsys)
    assert "n_train 500" in err and "has 12" in err and not (tmp_path / "b").exists()

# --- a first run that fails or is interrupted before its first checkpoint leaves nothing behind ---
def test_failed_first_run_cleans_up_and_can_start_again(tmp_path, monkeypatch):
    from layered_gan import training
    real = training.LayeredGANTrainer.g_update
    def g_update(self, codes):
        if self.step == 1:
            for p in self.G.parameters(): p.data.fill_(float("nan"))
        return real(self, codes)
    monkeypatch.setattr(training.LayeredGANTrainer, "g_update", g_update)
    cfg = training.train_config("shapes", rounds=1, gan_steps=6, seg_steps=1, self_train=2, n_train=64, batch_size=8, **{
        "model.g_width": 8, "model.d_width": 8, "model.epi_width": 4, "model.seg_width": 8, "model.seg_depth": 3,
        "model.d_c": 10, "model.group_size": 2})
    out = tmp_path / "run"
    with pytest.raises(FloatingPointError): runs.train_run(cfg, out, ckpt_every=100, progress=False, evaluate=False)
    assert not out.exists()                                            # nothing that would block a new start
    (tmp_path / "mine").mkdir()                                        # a folder the user made is kept, emptied
    with pytest.raises(FloatingPointError): runs.train_run(cfg, tmp_path / "mine", ckpt_every=100, progress=False, evaluate=False)
    assert list((tmp_path / "mine").iterdir()) == []
    monkeypatch.setattr(training.LayeredGANTrainer, "g_update", real)
    runs.train_run(cfg, out, ckpt_every=100, progress=False, evaluate=False)   # starts again without --resume
    assert (out / "checkpoint.pt").is_file()

def _interrupt(tmp_path, ckpt_every, wait_for):
    "Start a long train, press Ctrl-C (SIGINT) once `wait_for` exists; (run folder, exit code, stderr)."
    out = tmp_path / "run"
    # a terminal's Ctrl-C: SIGINT handled as Python does by default (a test runner's worker may ignore it, and children inherit that)
    p = subprocess.Popen(["layered-gan", "train", "--out", str(out), *TINY, "--gan-steps", "100000", "--seg-steps", "1",
                          "--ckpt-every", str(ckpt_every)], env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                         preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    try:
        t0 = time.time()   # seconds alone; CI's load (a browser running chapters beside it) once made it pass 120
        while not (out / wait_for).exists() and time.time() - t0 < 400 and p.poll() is None: time.sleep(0.05)
        assert (out / wait_for).exists(), f"no {wait_for} after {time.time() - t0:.0f} s (exit code {p.poll()})"
        time.sleep(0.3)
        p.send_signal(signal.SIGINT)
        return out, p.wait(timeout=120), p.stderr.read()
    finally:
        if p.poll() is None: p.kill(); p.wait()                        # never leave a training process behind

def test_ctrl_c_says_how_to_resume(tmp_path):
    out, code, err = _interrupt(tmp_path, 2, "checkpoint.pt")
    assert code == 130 and f"layered-gan train --out {out} --resume" in err and "Traceback" not in err, err
    assert runs.load_checkpoint(out / "checkpoint.pt")["position"]["step"] >= 2 and not (out / ".lock").exists()

def test_ctrl_c_before_the_first_checkpoint_leaves_nothing(tmp_path):
    out, code, err = _interrupt(tmp_path, 0, "config.json")
    assert code == 130 and "start it again" in err and "Traceback" not in err, err
    assert not out.exists()

# --- paths stored resolved; every command reads the checkpoint's config ---
def test_relative_data_root_is_stored_resolved(tmp_path):
    image_folder(tmp_path / "data")
    r = subprocess.run(["layered-gan", "train", "--dataset", "folder", "--data-root", "data", "--out", "run", "--batch-size", "4",
                        *TINY, "--n-train", "12", "--gan-steps", "2", "--seg-steps", "1", "--no-eval"],
                       capture_output=True, text=True, env=ENV, cwd=tmp_path, timeout=300)
    assert r.returncode == 0, r.stderr
    assert json.loads((tmp_path / "run" / "config.json").read_text())["data_root"] == str((tmp_path / "data").resolve())
    elsewhere = tmp_path / "elsewhere"; elsewhere.mkdir()
    r = subprocess.run(["layered-gan", "evaluate", str(tmp_path / "run"), "--no-fid", "--json"], capture_output=True,
                       text=True, env=ENV, cwd=elsewhere, timeout=300)
    assert r.returncode == 0 and json.loads(r.stdout)["n_test"] == 12, r.stderr

# --- temporary files: a planted link at a predictable name is never followed ---
def test_planted_link_is_not_followed(tmp_path, run_dir):
    image_folder(tmp_path / "data", n=3)
    victim = tmp_path / "victim.txt"; victim.write_text("keep")
    out = tmp_path / "masks"; out.mkdir()
    for name in ("000.png", "001.png", "002.png"): (out / f".{name}.tmp").symlink_to(victim)
    r = subprocess.run(["layered-gan", "segment", str(run_dir), "--input", str(tmp_path / "data" / "test" / "images"),
                        "--out", str(out)], capture_output=True, text=True, env=ENV, timeout=300)
    assert r.returncode == 0, r.stderr
    assert victim.read_text() == "keep" and len(list(out.glob("*.png"))) == 3

# --- --help shows the values that will be used ---
def test_help_shows_the_preset_values():
    r = subprocess.run(["layered-gan", "train", "--help"], capture_output=True, text=True, env=ENV, timeout=120)
    assert r.returncode == 0 and "(default: None)" not in r.stdout
    assert "[default preset: 1000]" in r.stdout                         # the CPU recipe's GAN steps per round

# --- load tests: 8 segment processes on one folder, 2 train processes on one run folder ---
def test_eight_segment_processes_on_one_folder(tmp_path, run_dir):
    image_folder(tmp_path / "data", n=24, splits=("test",))
    src, out = tmp_path / "data" / "test" / "images", tmp_path / "masks"
    ref = subprocess.run(["layered-gan", "segment", str(run_dir), "--input", str(src), "--out", str(tmp_path / "ref")],
                         capture_output=True, text=True, env=ENV, timeout=300)
    assert ref.returncode == 0, ref.stderr
    procs = [subprocess.Popen(["layered-gan", "segment", str(run_dir), "--input", str(src), "--out", str(out), "--overwrite"],
                              env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True) for _ in range(8)]
    try: codes = [p.wait(timeout=600) for p in procs]
    finally: [p.kill() for p in procs if p.poll() is None]
    assert codes == [0] * 8, [p.stderr.read() for p in procs]
    assert sorted(p.name for p in out.iterdir()) == sorted(p.name for p in (tmp_path / "ref").iterdir())  # no leftovers
    for f in (tmp_path / "ref").iterdir():                                # every mask whole and as one process writes it
        assert np.array_equal(np.asarray(Image.open(out / f.name)), np.asarray(Image.open(f))), f.name

def test_two_train_processes_on_one_run_folder(tmp_path):
    out = tmp_path / "run"
    procs = [subprocess.Popen(["layered-gan", "train", "--out", str(out), *TINY, "--gan-steps", "30", "--seg-steps", "1",
                               "--no-eval", "--seed", str(s)], env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                              text=True) for s in (0, 1)]
    try: codes = [p.wait(timeout=600) for p in procs]
    finally: [p.kill() for p in procs if p.poll() is None]
    errs = [p.stderr.read() for p in procs]
    assert sorted(codes) == [0, 2], (codes, errs)
    loser = errs[codes.index(2)]
    assert "in use by process" in loser or "already holds a run" in loser, loser
    seed = codes.index(0)                                                 # the folder holds the winner's run, whole
    assert json.loads((out / "config.json").read_text())["seed"] == seed
    assert runs.load_checkpoint(out / "checkpoint.pt")["config"]["seed"] == seed and not (out / ".lock").exists()

def test_ctrl_c_during_a_checkpoint_write_waits_for_it(tmp_path, monkeypatch):
    "Ctrl-C in the middle of `torch.save` (a RuntimeError from its zip writer, once) is held until the file is whole."
    import signal
    real_save = torch.save
    def save_and_ctrl_c(obj, f, *a, **k):
        signal.raise_signal(signal.SIGINT)                       # arrives while the checkpoint is being written
        return real_save(obj, f, *a, **k)
    monkeypatch.setattr(torch, "save", save_and_ctrl_c)
    old = signal.signal(signal.SIGINT, signal.default_int_handler)   # a terminal's Ctrl-C (a test worker may ignore it)
    try:
        with pytest.raises(KeyboardInterrupt):
            runs.save_checkpoint({"x": torch.arange(4)}, tmp_path / "checkpoint.pt")
    finally: signal.signal(signal.SIGINT, old)
    assert torch.load(tmp_path / "checkpoint.pt")["x"].tolist() == [0, 1, 2, 3]
    assert [p.name for p in tmp_path.iterdir()] == ["checkpoint.pt"]   # no temporary file left

def test_a_failed_checkpoint_write_leaves_the_old_checkpoint_and_no_temporary_file(tmp_path, monkeypatch):
    "A write that fails (a full disk, say) keeps the last checkpoint as it was and cleans up its temporary file."
    runs.save_checkpoint({"x": torch.arange(4)}, tmp_path / "checkpoint.pt")
    def full_disk(obj, f, *a, **k): f.write(b"half"); raise OSError(28, "No space left on device")
    monkeypatch.setattr(torch, "save", full_disk)
    with pytest.raises(OSError, match="No space left"):
        runs.save_checkpoint({"x": torch.arange(8)}, tmp_path / "checkpoint.pt")
    monkeypatch.undo()
    assert [p.name for p in tmp_path.iterdir()] == ["checkpoint.pt"]   # neither a temporary file nor a shifted previous
    assert torch.load(tmp_path / "checkpoint.pt")["x"].tolist() == [0, 1, 2, 3]

# --- publish never replaces another run's published files unless asked ---
def test_publish_keeps_what_is_already_published(tmp_path, capsys):
    def finished(name, grid=True):
        r = tmp_path / name; (r / "samples").mkdir(parents=True)
        for f in ("config.json", "metrics.json", "losses.png"): (r / f).write_text(f"{name} {f}")
        if grid: (r / "samples" / "round1_step000002.png").write_text(f"{name} grid")
        return r
    a, b, out = finished("a"), finished("b", grid=False), tmp_path / "pub"
    assert cli.main(["publish", str(a), str(out)]) == 0
    kept = {f.name: f.read_text() for f in out.iterdir()}
    assert "already holds published files" in main_error(["publish", b, out], capsys)
    assert {f.name: f.read_text() for f in out.iterdir()} == kept                # nothing replaced
    assert cli.main(["publish", str(b), str(out), "--overwrite"]) == 0
    assert {f.name: f.read_text() for f in out.iterdir()} == {f: f"b {f}" for f in ("config.json", "metrics.json", "losses.png")}
