"""The quality gate's schedule (tests/test_quality.py) over several seeds: how far above its floor the recipe lands.

The gate trains one fixed seed; a GAN re-drawn on another CPU (another order of float operations) is in effect another
seed, so the floor must sit below the spread over seeds, not below one run. This runs the gate's own command for each
seed (one thread each, as the gate does; the networks do not depend on what else runs beside them, so two seeds may run
side by side; the wall times then do not count) and writes each seed's scores:

    python scripts/gate_spread.py --seeds 0 1 2 3 4 --out data/bench/gate_spread.json
    python scripts/gate_spread.py --seeds 0 1 2 --extra="--no-perturb" --out data/bench/gate_spread_broken.json
"""
import argparse, importlib.util, json, os, shlex, subprocess, sys, tempfile, time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def gate():
    "The gate's module (its SCHEDULE, FLOOR and the flags it adds), read from the test file itself."
    spec = importlib.util.spec_from_file_location("test_quality", ROOT / "tests" / "test_quality.py")
    m = importlib.util.module_from_spec(spec); spec.loader.exec_module(m)
    return m


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2, 3, 4])
    ap.add_argument("--extra", default="", help="flags added to the gate's command (e.g. a broken variant: --no-perturb)")
    ap.add_argument("--jobs", type=int, default=1, help="seeds run side by side (one thread each)")
    ap.add_argument("--out", default=None, help="write the scores as JSON here")
    a = ap.parse_args(argv)
    if a.jobs < 1: ap.error(f"--jobs must be positive, got {a.jobs}")
    g = gate()
    rows, tmp = [], Path(tempfile.mkdtemp(prefix="gate_spread_"))
    env = {**os.environ, "OMP_NUM_THREADS": "1", "MPLBACKEND": "Agg"}
    def cmd(seed):
        return ["layered-gan", "train", "--out", str(tmp / f"s{seed}"), *g.command(seed), *shlex.split(a.extra)]
    pending, running = list(a.seeds), []
    while pending or running:
        while pending and len(running) < a.jobs:
            s = pending.pop(0)
            running.append((s, time.time(), subprocess.Popen(cmd(s), env=env, stdout=subprocess.DEVNULL,
                                                             stderr=subprocess.PIPE, text=True)))
        time.sleep(1)
        for item in list(running):
            s, t0, p = item
            if p.poll() is None: continue
            running.remove(item)
            if p.returncode != 0: sys.exit(f"seed {s} failed:\n{p.stderr.read()[-2000:]}")
            m = json.loads((tmp / f"s{s}" / "metrics.json").read_text())
            rows.append(dict(seed=s, fg_iou=m["fg_iou"], val_fg_iou=m["val"]["fg_iou"], coverage=m["coverage"],
                             pred_coverage=m["pred_coverage"], wall_s=time.time() - t0, train_wall_s=m["wall_s"]))
            print(f"seed {s}: test IoU {m['fg_iou']:.3f}, val {m['val']['fg_iou']:.3f}, coverage {m['coverage']:.3f}, "
                  f"predicted {m['pred_coverage']:.3f} ({time.time() - t0:.0f} s)", flush=True)
    rows.sort(key=lambda r: r["seed"])
    ious = [r["fg_iou"] for r in rows]
    print(f"test IoU over {len(rows)} seeds: min {min(ious):.3f}, mean {sum(ious) / len(ious):.3f}, max {max(ious):.3f}; "
          f"floor {g.FLOOR}")
    res = dict(command=" ".join(["python scripts/gate_spread.py", *sys.argv[1:]]) if argv is None else None,
               gate_command=" ".join(cmd("SEED")[4:]), extra=a.extra, floor=g.FLOOR, jobs=a.jobs, seeds=rows)
    if a.out: Path(a.out).write_text(json.dumps(res, indent=1)); print(f"wrote {a.out}")
    return 0


if __name__ == "__main__": sys.exit(main())
