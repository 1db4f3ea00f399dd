"""Each published run in `data/results/` is described by a command in the README or a chapter; the settings that
command gives today must be the ones the run recorded (its `config.json`). A retuned default that would make a
documented command train something other than the published run fails here, until the command pins what ran."""
import json, shlex
from pathlib import Path
import pytest
from layered_gan.cli import build_parser, config_from_args
from layered_gan.training import config_from_dict, config_to_dict

ROOT = Path(__file__).resolve().parents[1]
S = "--gan-steps 800 --self-train 0 --threads 1 --eval-rounds 500 --n-fid 500"   # chapter 05's $S
# published folder under data/results -> the command the docs give for it (shell variables expanded)
COMMANDS = {
    "paper": "layered-gan train --out runs/paper --preset shapes-paper --threads 1 --eval-rounds 500 --n-fid 500",
    "default": "layered-gan train --out runs/default --threads 1 --gan-steps 800 --self-train 0",
    "no_mi": "layered-gan train --out runs/no_mi --threads 1 --gan-steps 800 --self-train 0 --gamma-mi 0",
    "rounds5": "layered-gan train --out runs/rounds5 --rounds 5 --gan-steps 800 --self-train 0 --eval-rounds 1000",
    "seed1": f"layered-gan train --out runs/exp/seed1 --seed 1 {S}",
    "gamma_b3": f"layered-gan train --out runs/exp/gb3 --gamma-b 3 {S}",
    "mi_05": f"layered-gan train --out runs/exp/mi05 --gamma-mi 0.5 {S}",
    "shift_03": f"layered-gan train --out runs/exp/shift03 --shift 0.3 {S}",
    **{f"default_s{s}": f"layered-gan train --out runs/default_s{s} --seed {s} --eval-rounds 1000" for s in (0, 1, 2)},
    **{f"gan800_s{s}": f"layered-gan train --out runs/gan800_s{s} --seed {s} --gan-steps 800 --eval-rounds 1000" for s in (0, 1, 2)},
    **{f"tune_lr2x_s{s}": f"layered-gan train --out runs/speed/lr2x_s{s} --seed {s} --threads 1 --gan-steps 800 --lr-g 4e-4 "
                          "--lr-d 8e-4 --eval-rounds 1000" for s in (0, 1, 2)},
    **{f"tune_g1000_s{s}": f"layered-gan train --out runs/speed/g1000_s{s} --seed {s} --threads 1 --gan-steps 1000 "
                           "--eval-rounds 1000" for s in (0, 1, 2)},
    **{f"folder_{k}_s0": f"layered-gan train --dataset folder --data-root runs/folders/{k} --out runs/folder_{k}_s0 "
                         "--preset shapes --threads 1" for k in ("photo", "texture")},
    **{f"folder_{k}": f"layered-gan train --dataset folder --data-root runs/folders/{k} --out runs/folder_{k} --preset shapes "
                      "--threads 1 --gan-steps 800 --self-train 0" for k in ("photo", "texture")},
    **{f"folder_{k}_bgfull": f"layered-gan train --dataset folder --data-root runs/folders/{k} --out runs/folder_{k}_bgfull "
                             "--preset shapes --threads 1 --gan-steps 800 --self-train 0 --bg-downsample 1"
       for k in ("photo", "texture")},
    "images_photo_s0": "layered-gan train --dataset folder --data-root runs/folders/photo --out runs/images/photo_s0 --threads 1 "
                       "--eval-rounds 500",
    "images_photo_s1": "layered-gan train --dataset folder --data-root runs/folders/photo --out runs/images/photo_s1 --seed 1 "
                       "--threads 1 --eval-rounds 500",
    "images_photo_seg16": "layered-gan train --dataset folder --data-root runs/folders/photo --out runs/explore/photo_seg16 "
                          "--seg-width 16 --threads 1 --eval-rounds 500",
    "images_photo_bgfull": "layered-gan train --dataset folder --data-root runs/folders/photo --out runs/explore/photo_bgfull "
                           "--bg-downsample 1 --eval-rounds 500",
    **{f"images_texture_s{s}": f"layered-gan train --dataset folder --data-root runs/folders/texture --out runs/images/texture_s{s} "
                               f"--seed {s} --threads 1 --eval-rounds 500" for s in (0, 1)},
    "images_texture_s2": "layered-gan train --dataset folder --data-root runs/folders/texture --out runs/images/texture_s2 "
                         "--seed 2 --eval-rounds 500",
}
# how the docs write the commands that a loop or a variable shortens
TEMPLATES = {**{f"default_s{s}": ("runs/default_s$s --seed $s --eval-rounds 1000",) for s in (0, 1, 2)},
             **{f"gan800_s{s}": ("runs/gan800_s$s --seed $s --gan-steps 800 --eval-rounds 1000",) for s in (0, 1, 2)},
             **{f"tune_lr2x_s{s}": ("--out runs/speed/lr2x_s$s --seed $s --threads 1 --gan-steps 800 --lr-g 4e-4 --lr-d 8e-4 "
                                    "--eval-rounds 1000",) for s in (0, 1, 2)},
             **{f"tune_g1000_s{s}": ("--out runs/speed/g1000_s$s --seed $s --threads 1 --gan-steps 1000 --eval-rounds 1000",)
                for s in (0, 1, 2)},
             **{f"folder_{k}": ("--out runs/folder_$k --preset shapes --threads 1", "--gan-steps 800 --self-train 0")
                for k in ("photo", "texture")},
             **{f"folder_{k}_bgfull": ("--out runs/folder_${k}_bgfull --preset shapes --threads 1",
                                       "--gan-steps 800 --self-train 0 --bg-downsample 1") for k in ("photo", "texture")},
             **{f"images_texture_s{s}": ("--out runs/images/texture_s$s --seed $s --threads 1 --eval-rounds 500",) for s in (0, 1)},
             **{n: (c.replace(S, "$S"),) for n, c in COMMANDS.items() if S in c}}

def docs_text() -> str:
    nbs = [json.loads(p.read_text()) for p in sorted((ROOT / "nbs").glob("*.ipynb"))]
    return (ROOT / "README.md").read_text() + "".join("".join(c["source"]) for nb in nbs for c in nb["cells"])

def published() -> list[str]:
    return sorted(p.parent.name for p in (ROOT / "data/results").glob("*/config.json"))

def test_every_published_run_has_a_command():
    "default_alone is an older timing of the 800-step schedule that no page cites; every other run needs its command."
    assert set(published()) - {"default_alone"} == set(COMMANDS)

@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_command_is_in_the_docs(name):
    text = docs_text()
    assert COMMANDS[name] in text or all(t in text for t in TEMPLATES.get(name, ("\0",))), name

@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_command_gives_the_published_config(name):
    argv = shlex.split(COMMANDS[name])[1:]
    args = build_parser().parse_args(argv)
    want = config_to_dict(config_from_dict(json.loads((ROOT / "data/results" / name / "config.json").read_text())))
    got = config_to_dict(config_from_args(args))
    for d in (want, got):   # stored absolute: only the folder's name is the command's
        if d.get("data_root"): d["data_root"] = Path(d["data_root"]).name
    diff = {k: (got.get(k), want.get(k)) for k in set(got) | set(want) if got.get(k) != want.get(k)}
    assert not diff, f"{name}: the command gives (today, published): {diff}"
