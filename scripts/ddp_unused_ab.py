"""What `find_unused_parameters` costs G's DDP wrapper once G_b's texture is on, timed in turn in the same processes.

While the `shapes` preset holds the texture back (`texture_from_round` 2), its parameters get no gradient, and DDP
needs `find_unused_parameters` on G; the trainer keeps that wrapper for the whole run, so in rounds 2-3 every step
walks G's graph for unused parameters that no longer exist. Here two processes (gloo, one thread each) build the
trainer as `torchrun` would, stand it in round 2 (texture on, L_bg on), and time GAN steps with G as the trainer wraps
it (A) and re-wrapped in plain DDP (B), block by block in turn; the first block of each is a warm-up and is dropped.

    python scripts/ddp_unused_ab.py --blocks 12 --out data/bench/ddp_unused_ab.json
"""
import argparse, json, os, socket, sys, time
from pathlib import Path

import torch
import torch.distributed as dist
import torch.multiprocessing as mp


def _free_port() -> int:
    with socket.socket() as s: s.bind(("127.0.0.1", 0)); return s.getsockname()[1]


def child(rank:int, world:int, port:int, preset:str, settings:list, blocks:int, steps:int, q):
    from torch.nn.parallel import DistributedDataParallel as DDP
    from layered_gan.training import LayeredGANTrainer, apply_settings, train_config
    os.environ.update(MASTER_ADDR="127.0.0.1", MASTER_PORT=str(port))
    torch.set_num_threads(1)
    dist.init_process_group("gloo", rank=rank, world_size=world)
    try:
        cfg = apply_settings(train_config(preset), settings).validate()
        res = cfg.resolution
        images = torch.randint(0, 256, (512, 3, res, res), dtype=torch.uint8, generator=torch.Generator().manual_seed(0))
        tr = LayeredGANTrainer(cfg, images)
        tr.round, tr.f_ready = max(cfg.texture_from_round - 1, 1), True       # the texture on, L_bg on
        wrappers = {"A": tr.G_par, "B": DDP(tr.G)}                            # as the trainer wraps G; plain
        ms = {k: [] for k in wrappers}
        for block in range(blocks):
            for k, g in wrappers.items():
                tr.G_par = g
                dist.barrier(); t = time.perf_counter()
                for _ in range(steps): tr.gan_step()
                dist.barrier()
                if block: ms[k].append((time.perf_counter() - t) / steps * 1e3)
        if rank == 0:
            q.put(dict(ms_per_block=ms, find_unused={k: bool(g.find_unused_parameters) for k, g in wrappers.items()}))
    finally: dist.destroy_process_group()


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--preset", default="shapes")
    ap.add_argument("--set", action="append", default=[], metavar="FIELD=VALUE", help="a change to the preset (repeatable)")
    ap.add_argument("--blocks", type=int, default=6, help="alternations; the first is a warm-up")
    ap.add_argument("--steps", type=int, default=8, help="GAN steps per block")
    ap.add_argument("--out", default=None, help="write the figures as JSON here")
    a = ap.parse_args(argv)
    if a.blocks < 2 or a.steps < 1: ap.error("--blocks must be at least 2 and --steps positive")
    q = mp.get_context("spawn").SimpleQueue()
    mp.spawn(child, args=(2, _free_port(), a.preset, a.set, a.blocks, a.steps, q), nprocs=2, join=True)
    r = q.get()
    med = {k: sorted(v)[len(v) // 2] for k, v in r["ms_per_block"].items()}
    for k, v in r["ms_per_block"].items():
        print(f"{k} (find_unused_parameters {r['find_unused'][k]}): {', '.join(f'{x:.0f}' for x in v)} ms a GAN step; "
              f"median {med[k]:.0f}")
    print(f"B/A {med['B'] / med['A']:.3f}")
    out = dict(preset=a.preset, set=a.set, blocks=a.blocks, steps=a.steps, processes=2, threads=1, **r, median_ms=med,
               command="python scripts/ddp_unused_ab.py " + " ".join(argv if argv is not None else sys.argv[1:]))
    if a.out: Path(a.out).write_text(json.dumps(out, indent=1))
    return 0


if __name__ == "__main__": sys.exit(main())
