"""The package stands alone: a wheel built from the checkout, installed into a fresh virtual environment, trains and
evaluates a tiny run from a folder outside the checkout (the shapes-FID weights come from the wheel)."""
import json, os, subprocess, sys, venv
from pathlib import Path
import pytest

ROOT = Path(__file__).resolve().parents[1]

def test_wheel_installs_and_runs_outside_the_checkout(tmp_path):
    wheels = tmp_path / "wheels"
    r = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(wheels),
                        str(ROOT)], capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stderr[-3000:]
    whl = next(wheels.glob("layered_gan-*.whl"))
    import zipfile
    names = zipfile.ZipFile(whl).namelist()
    assert "layered_gan/assets/shapes_features_64.pt" in names, "the shapes-FID weights must ship in the wheel"
    env_dir = tmp_path / "venv"
    venv.EnvBuilder(system_site_packages=True, with_pip=False).create(env_dir)   # torch etc. from the system, not copied
    py = env_dir / "bin" / "python"
    # pip of the outer interpreter installs into the venv's site-packages: no network, no dependencies resolved
    site = subprocess.run([str(py), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                          capture_output=True, text=True).stdout.strip()
    r = subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", site, str(whl)],
                       capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stderr[-3000:]
    work = tmp_path / "elsewhere"; work.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "LAYERED_GAN_SHAPES_FEATURES")}
    env.update(OMP_NUM_THREADS="1", MPLBACKEND="Agg")
    where = subprocess.run([str(py), "-c", "import layered_gan; print(layered_gan.__file__)"], cwd=work, env=env,
                           capture_output=True, text=True)
    assert where.returncode == 0 and where.stdout.startswith(site), (where.stdout, where.stderr)   # the wheel, not the checkout
    cli = [str(py), "-c", "import sys; from layered_gan.cli import main; sys.exit(main())"]
    tiny = ["--rounds", "1", "--gan-steps", "2", "--seg-steps", "1", "--n-train", "64", "--resolution", "32",
            "--g-width", "8", "--d-width", "8", "--epi-width", "4", "--seg-width", "8", "--seg-depth", "3", "--n-res", "0",
            "--d-c", "10", "--group-size", "2", "--no-progress", "--no-eval", "--threads", "1", "--self-train", "2"]
    r = subprocess.run([*cli, "train", "--out", "run", *tiny], cwd=work, env=env, capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stderr[-3000:]
    r = subprocess.run([*cli, "evaluate", "run", "--json", "--n-test", "64", "--n-fid", "64"], cwd=work, env=env,
                       capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stderr[-3000:]
    m = json.loads(r.stdout)
    assert m["fid_metric"] == "shapes-FID" and m["fid"] is not None and 0 <= m["fg_iou"] <= 1
