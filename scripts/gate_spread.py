"""The quality gate's schedule (tests/test_quality.py) over several seeds: how far above its floor the recipe lands.

The gate trains one fixed seed; a GAN re-drawn on another CPU (another order of float operations) is in effect another
seed, so the floor must sit below the spread over seeds, not below one run. This runs the gate's own command for each
seed (one thread each, as the gate does; the networks do not depend on what else runs beside them, so two seeds may run
side by side; the wall times then do not count) and writes each seed's scores:

    python scripts/gate_spread.py --seeds 0 1 2 3 4 --jobs 2 --out data/bench/gate_spread.json
    python scripts/gate_spread.py --seeds 0 1 2 3 4 --jobs 2 --extra="--no-perturb" --out data/bench/gate_spread_broken.json

Another machine draws a seed's initial weights the same to within rounding (the random streams are the same everywhere;
other kernels differ in the last bits) but changes the order of float operations, and a GAN's training amplifies that into another trajectory. `--machines` and `--threads`
emulate other machines on this one: the same seed under other vector instruction sets (torch's, oneDNN's and MKL's
kernels limited to AVX2 or to SSE4) and other thread counts:

    python scripts/gate_spread.py --seeds 0 --machines native avx2 sse --threads 1 2 --jobs 2 \
        --out data/bench/gate_noise.json
"""
import argparse, importlib.util, json, os, shlex, subprocess, sys, tempfile, time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def gate():
    "The gate's module (its SCHEDULE, FLOOR and the flags it adds), read from the test file itself."
    spec = importlib.util.spec_from_file_location("test_quality", ROOT / "tests" / "test_quality.py")
    m = importlib.util.module_from_spec(spec); spec.loader.exec_module(m)
    return m


# environment that limits the kernels' instruction set: other float rounding, the same initial weights to ~1e-6
MACHINES = {
    "native": {},
    "avx2": {"ATEN_CPU_CAPABILITY": "avx2", "DNNL_MAX_CPU_ISA": "AVX2", "MKL_ENABLE_INSTRUCTIONS": "AVX2"},
    "sse": {"ATEN_CPU_CAPABILITY": "default", "DNNL_MAX_CPU_ISA": "SSE41", "MKL_ENABLE_INSTRUCTIONS": "SSE4_2"},
}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2, 3, 4])
    ap.add_argument("--extra", default="", help="flags added to the gate's command (e.g. a broken variant: --no-perturb)")
    ap.add_argument("--machines", nargs="+", default=["native"], choices=list(MACHINES),
                    help="emulated machines: kernels limited to these instruction sets")
    ap.add_argument("--threads", type=int, nargs="+", default=[1], help="torch threads of each run (the gate: 1)")
    ap.add_argument("--jobs", type=int, default=1, help="threads in use at once (runs side by side)")
    ap.add_argument("--out", default=None, help="write the scores as JSON here")
    a = ap.parse_args(argv)
    if a.jobs < 1: ap.error(f"--jobs must be positive, got {a.jobs}")
    if min(a.threads) < 1: ap.error(f"--threads must be positive, got {a.threads}")
    g = gate()
    rows, tmp = [], Path(tempfile.mkdtemp(prefix="gate_spread_"))
    def cmd(run, out=True):
        s, mach, th = run
        return ["layered-gan", "train", *(["--out", str(tmp / f"s{s}_{mach}_t{th}")] if out else []), *g.command(s),
                *(["--threads", str(th)] if th != 1 else []), *shlex.split(a.extra)]
    pending = sorted([(s, mach, th) for s in a.seeds for mach in a.machines for th in a.threads], key=lambda r: r[2])
    running = []
    while pending or running:
        while pending and (not running or sum(r[0][2] for r in running) + pending[0][2] <= a.jobs):
            run = pending.pop(0)
            env = {**os.environ, "OMP_NUM_THREADS": str(run[2]), "MPLBACKEND": "Agg", **MACHINES[run[1]]}
            running.append((run, time.time(), subprocess.Popen(cmd(run), env=env, stdout=subprocess.DEVNULL,
                                                               stderr=subprocess.PIPE, text=True)))
        time.sleep(1)
        for item in list(running):
            run, t0, p = item
            if p.poll() is None: continue
            running.remove(item)
            s, mach, th = run
            if p.returncode != 0: sys.exit(f"seed {s} ({mach}, {th} threads) failed:\n{p.stderr.read()[-2000:]}")
            m = json.loads((tmp / f"s{s}_{mach}_t{th}" / "metrics.json").read_text())
            rows.append(dict(seed=s, machine=mach, threads=th, fg_iou=m["fg_iou"], val_fg_iou=m["val"]["fg_iou"],
                             coverage=m["coverage"], pred_coverage=m["pred_coverage"], wall_s=time.time() - t0,
                             train_wall_s=m["wall_s"]))
            print(f"seed {s} ({mach}, {th} threads): test IoU {m['fg_iou']:.3f}, val {m['val']['fg_iou']:.3f}, "
                  f"coverage {m['coverage']:.3f}, predicted {m['pred_coverage']:.3f} ({time.time() - t0:.0f} s)",
                  flush=True)
    rows.sort(key=lambda r: (r["seed"], list(MACHINES).index(r["machine"]), r["threads"]))
    ious = [r["fg_iou"] for r in rows]
    print(f"test IoU over {len(rows)} runs: min {min(ious):.3f}, mean {sum(ious) / len(ious):.3f}, max {max(ious):.3f}; "
          f"floor {g.FLOOR}")
    res = dict(command=" ".join(["python scripts/gate_spread.py", *sys.argv[1:]]) if argv is None else None,
               gate_command=" ".join(cmd(("SEED", "native", 1), out=False)[2:]),
               machines={m: MACHINES[m] for m in a.machines}, extra=a.extra, floor=g.FLOOR, jobs=a.jobs, seeds=rows)
    if a.out: Path(a.out).write_text(json.dumps(res, indent=1)); print(f"wrote {a.out}")
    return 0


if __name__ == "__main__": sys.exit(main())
