"""Two settings' training steps timed in turn, in one process, so that the machine's drift between sittings cancels.

Separate benchmark processes run minutes apart can differ by more than a setting's effect (the same run took 584 s
in one sitting and 642 s in another on the 2-core machine). Here one trainer per setting is built on the same
random images, and blocks of each step kind run alternately, A then B, `--blocks` times; the first block of each
is a warm-up and is dropped. The kinds are the four a run is made of: the GAN step of round 1 (`gan`), the GAN step
of the later rounds, which also runs the frozen U-Net for `L_bg` (`gan_bg`), the U-Net's step on synthetic pairs
(`seg`) and its refinement step on real images (`self_train`). From the per-step times and the preset's schedule it
prints what a whole run's training would take with each (no evaluations) and the ratio.

    python scripts/step_ab.py --preset shapes --a channels_last=false --b channels_last=true --threads 2 \\
        --out data/bench/step_ab/channels_last.json
"""
import argparse, json, sys, time
from pathlib import Path

import torch

from layered_gan.training import LayeredGANTrainer, apply_settings, config_to_dict, train_config

KINDS = ("gan", "gan_bg", "seg", "self_train")


def trainer_at(cfg, images, kind:str) -> LayeredGANTrainer:
    "A fresh trainer in the state where `kind` runs as in a real run (rounds 2+ with F trained, for `gan_bg`)."
    tr = LayeredGANTrainer(cfg, images)
    if kind != "gan": tr.round, tr.f_ready = cfg.rounds - 1, True
    if kind == "self_train": tr.seg_step_n = cfg.seg_steps
    return tr


def step_fn(tr:LayeredGANTrainer, kind:str):
    return {"gan": tr.gan_step, "gan_bg": tr.gan_step, "seg": tr.seg_step, "self_train": tr.self_train_step}[kind]


def run_schedule_s(cfg, ms:dict) -> float:
    "Training seconds of a whole run from per-step milliseconds: round 1's GAN steps, the later rounds', U-Net steps."
    return (cfg.gan_steps * ms["gan"] + (cfg.rounds - 1) * cfg.gan_steps * ms["gan_bg"]
            + cfg.rounds * cfg.seg_steps * ms["seg"] + cfg.self_train * ms["self_train"]) / 1e3


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--preset", default="shapes")
    ap.add_argument("--set", action="append", default=[], metavar="FIELD=VALUE", help="a change to both (repeatable)")
    ap.add_argument("--a", action="append", default=[], metavar="FIELD=VALUE", help="setting A (repeatable)")
    ap.add_argument("--b", action="append", default=[], metavar="FIELD=VALUE", help="setting B (repeatable)")
    ap.add_argument("--blocks", type=int, default=8, help="alternations per kind; the first is a warm-up")
    ap.add_argument("--steps", type=int, default=10, help="steps per block")
    ap.add_argument("--threads", type=int, default=None)
    ap.add_argument("--out", default=None, help="write the figures as JSON here")
    a = ap.parse_args(argv)
    for name, v in (("--blocks", a.blocks - 1), ("--steps", a.steps), ("--threads", a.threads)):
        if v is not None and v < 1: ap.error(f"{name} too small (blocks must be at least 2, the others positive)")
    if a.threads: torch.set_num_threads(a.threads)
    try:
        base = apply_settings(train_config(a.preset), a.set)
        cfgs = {"A": apply_settings(base, a.a).validate(), "B": apply_settings(base, a.b).validate()}
    except (ValueError, TypeError) as e: ap.error(str(e))
    res = cfgs["A"].resolution
    images = torch.randint(0, 256, (512, 3, res, res), dtype=torch.uint8, generator=torch.Generator().manual_seed(0))
    ms = {"A": {}, "B": {}}
    for kind in KINDS:
        trs = {k: trainer_at(c, images, kind) for k, c in cfgs.items()}
        times = {"A": [], "B": []}
        for block in range(a.blocks):
            for k, tr in trs.items():
                f = step_fn(tr, kind)
                t = time.perf_counter()
                for _ in range(a.steps): f()
                if block: times[k].append((time.perf_counter() - t) / a.steps * 1e3)
        for k in ms: ms[k][kind] = sum(times[k]) / len(times[k])
        print(f"{kind:>10}: A {ms['A'][kind]:7.1f} ms   B {ms['B'][kind]:7.1f} ms   B/A {ms['B'][kind] / ms['A'][kind]:.3f}",
              flush=True)
    run_s = {k: run_schedule_s(cfgs[k], ms[k]) for k in ms}
    print(f"a whole run's training from these: A {run_s['A']:.0f} s, B {run_s['B']:.0f} s, B/A {run_s['B'] / run_s['A']:.3f}")
    out = dict(preset=a.preset, set=a.set, a=a.a, b=a.b, blocks=a.blocks, steps=a.steps, threads=torch.get_num_threads(),
               ms_per_step=ms, run_training_s=run_s, config_a=config_to_dict(cfgs["A"]), config_b=config_to_dict(cfgs["B"]),
               command="python scripts/step_ab.py " + " ".join(argv if argv is not None else sys.argv[1:]))
    if a.out: Path(a.out).write_text(json.dumps(out, indent=1))
    return 0


if __name__ == "__main__": sys.exit(main())
