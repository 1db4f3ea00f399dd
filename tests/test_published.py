"""Each published run in `data/results/` is described by a command in the README or a chapter; the settings that
command gives today must be the ones the run recorded (its `config.json`). A retuned default that would make a
documented command train something other than the published run fails here, until the command pins what ran."""
import json, re, shlex
from pathlib import Path
import pytest
from layered_gan.cli import build_parser, config_from_args
from layered_gan.training import config_from_dict, config_to_dict

ROOT = Path(__file__).resolve().parents[1]
S = "--gan-steps 800 --self-train 0 --threads 1 --eval-rounds 500 --n-fid 500"   # chapter 05's $S
# published folder under data/results -> the command the docs give for it (shell variables expanded)
COMMANDS = {
    "paper": "layered-gan train --out runs/paper --preset shapes-paper --threads 1 --eval-rounds 500 --n-fid 500",
    "default": "layered-gan train --out runs/default --threads 1 --gan-steps 800 --self-train 0 --no-seg-perturbed",
    "no_mi": "layered-gan train --out runs/no_mi --threads 1 --gan-steps 800 --self-train 0 --gamma-mi 0 --no-seg-perturbed",
    "rounds5": "layered-gan train --out runs/rounds5 --rounds 5 --gan-steps 800 --self-train 0 --eval-rounds 1000 --no-seg-perturbed",
    "seed1": f"layered-gan train --out runs/exp/seed1 --seed 1 {S} --no-seg-perturbed",
    "gamma_b3": f"layered-gan train --out runs/exp/gb3 --gamma-b 3 {S} --no-seg-perturbed",
    "mi_05": f"layered-gan train --out runs/exp/mi05 --gamma-mi 0.5 {S} --no-seg-perturbed",
    "shift_03": f"layered-gan train --out runs/exp/shift03 --shift 0.3 {S} --no-seg-perturbed",
    **{f"default_s{s}": f"layered-gan train --out runs/default_s{s} --seed {s} --eval-rounds 1000 --no-seg-perturbed" for s in (0, 1, 2)},
    **{f"gan800_s{s}": f"layered-gan train --out runs/gan800_s{s} --seed {s} --gan-steps 800 --eval-rounds 1000 --no-seg-perturbed" for s in (0, 1, 2)},
    **{f"tune_lr2x_s{s}": f"layered-gan train --out runs/speed/lr2x_s{s} --seed {s} --threads 1 --gan-steps 800 --lr-g 4e-4 "
                          "--lr-d 8e-4 --eval-rounds 1000 --no-seg-perturbed" for s in (0, 1, 2)},
    **{f"tune_g1000_s{s}": f"layered-gan train --out runs/speed/g1000_s{s} --seed {s} --threads 1 --gan-steps 1000 "
                           "--eval-rounds 1000 --no-seg-perturbed" for s in (0, 1, 2)},
    **{f"folder_{k}_s0": f"layered-gan train --dataset folder --data-root runs/folders/{k} --out runs/folder_{k}_s0 "
                         "--preset shapes --threads 1 --no-seg-perturbed" for k in ("photo", "texture")},
    **{f"folder_{k}": f"layered-gan train --dataset folder --data-root runs/folders/{k} --out runs/folder_{k} --preset shapes "
                      "--threads 1 --gan-steps 800 --self-train 0 --no-seg-perturbed" for k in ("photo", "texture")},
    **{f"folder_{k}_bgfull": f"layered-gan train --dataset folder --data-root runs/folders/{k} --out runs/folder_{k}_bgfull "
                             "--preset shapes --threads 1 --gan-steps 800 --self-train 0 --bg-downsample 1 --no-seg-perturbed"
       for k in ("photo", "texture")},
    # the wide recipe and its levers one at a time, run before the `images` preset took them: the flags switch off the rest
    "images_photo_s0": "layered-gan train --dataset folder --data-root runs/folders/photo --out runs/images/photo_s0 --threads 1 "
                       "--eval-rounds 500 --bg-downsample 4 --seg-width 8 --no-seg-perturbed",
    "images_photo_s1": "layered-gan train --dataset folder --data-root runs/folders/photo --out runs/images/photo_s1 --seed 1 "
                       "--threads 1 --eval-rounds 500 --bg-downsample 4 --seg-width 8 --no-seg-perturbed",
    "images_photo_seg16": "layered-gan train --dataset folder --data-root runs/folders/photo --out runs/explore/photo_seg16 "
                          "--seg-width 16 --threads 1 --eval-rounds 500 --bg-downsample 4 --no-seg-perturbed",
    "images_photo_bgfull": "layered-gan train --dataset folder --data-root runs/folders/photo --out runs/explore/photo_bgfull "
                           "--bg-downsample 1 --eval-rounds 500 --seg-width 8 --no-seg-perturbed",
    **{f"images_texture_s{s}": f"layered-gan train --dataset folder --data-root runs/folders/texture --out runs/images/texture_s{s} "
                               f"--seed {s} --threads 1 --eval-rounds 500 --bg-downsample 4 --seg-width 8 --no-seg-perturbed"
       for s in (0, 1)},
    "images_texture_s2": "layered-gan train --dataset folder --data-root runs/folders/texture --out runs/images/texture_s2 "
                         "--seed 2 --eval-rounds 500 --bg-downsample 4 --seg-width 8 --no-seg-perturbed",
    **{f"images_{k}_bgfull_s{s}": f"layered-gan train --dataset folder --data-root runs/folders/{k} "
                                  f"--out runs/explore/{k}_bgfull_s{s} --seed {s} --bg-downsample 1 --threads 1 --eval-rounds 500 "
                                  "--seg-width 8 --no-seg-perturbed"
       for k, s in (("photo", 1), ("photo", 2), ("texture", 0), ("texture", 1))},
    "images_texture_bgfull_s2": "layered-gan train --dataset folder --data-root runs/folders/texture "
                                "--out runs/explore/texture_bgfull_s2 --seed 2 --bg-downsample 1 --eval-rounds 500 "
                                "--seg-width 8 --no-seg-perturbed",
    **{f"images_{k}_bgfull_seg16_s{s}": f"layered-gan train --dataset folder --data-root runs/folders/{k} "
                                        f"--out runs/explore/{k}_bgfull_seg16_s{s} --seed {s} --bg-downsample 1 --seg-width 16"
                                        + (" --threads 1" if s < 2 else "") + " --eval-rounds 500 --no-seg-perturbed"
       for k in ("photo", "texture") for s in range(3)},
    **{f"segpert_default_{v}_s0": f"layered-gan train --out runs/segpert/default_{v}_s0 --seed 0 --threads 1 --eval-rounds 1000 "
                                  "--no-plan" + (" --seg-perturbed" if v == "pert" else " --no-seg-perturbed") for v in ("base", "pert")},
    **{f"segpert_{k}_s{s}": f"layered-gan train --dataset folder --data-root runs/folders/{k} --out runs/segpert/{k}_pert_s{s} "
                            f"--seed {s} --bg-downsample 1 --seg-width 16 --threads 1 --eval-rounds 500 --seg-perturbed --no-plan"
       for k, s in (("photo", 0), ("photo", 1), ("photo", 2), ("texture", 0))},
    **{f"photo11_s{s}": f"layered-gan train --dataset folder --data-root runs/folders/photo11 --out runs/photo11/photo11_s{s} "
                         f"--seed {s} --eval-rounds 500 --threads 2 --no-progress" for s in range(3)},   # datasets chapter
    **{f"photo11_bg0_s{s}": f"layered-gan train --dataset folder --data-root runs/folders/photo11 --out runs/photo11/bg0_s{s} "
                            f"--seed {s} --gamma-bg 0 --eval-rounds 500 --threads 2 --no-progress" for s in range(3)},   # datasets chapter
    **{f"photo11_bg3_s{s}": f"layered-gan train --dataset folder --data-root runs/folders/photo11 --out runs/photo11/bg3_s{s} "
                            f"--seed {s} --set bg_from_round=3 --eval-rounds 500 --threads 2 --no-progress" for s in range(3)},
    **{f"photo11_bg0_pre_s{s}": f"layered-gan train --dataset folder --data-root runs/folders/photo11 --out runs/photo11/bg0_s{s} "
                                f"--seed {s} --gamma-bg 0 --self-train 0 --eval-rounds 500 --threads 2 --no-progress"
       for s in range(3)},   # the same runs trained again, before their refinement (datasets chapter, the second look)
    **{f"flip_texture_s{s}": f"layered-gan train --dataset folder --data-root runs/folders/texture --out runs/texture/cand_s{s} "
                             f"--seed {s} --gamma-bg 0 --self-train 1000 --self-train-flip --eval-rounds 500 --no-progress "
                             f"--threads {2 if s == 0 else 1}" for s in range(3)},   # the second look on the texture folder (datasets chapter)
    **{f"synth_{k}_s{s}": f"layered-gan train --dataset folder --data-root runs/folders/{k} --out runs/{k}/synth_s{s} "
                          f"--seed {s} --gamma-bg 0 --self-train 1000 --self-train-flip --self-train-synth 1 --eval-rounds 500 "
                          f"--no-progress --threads {2 if s == 0 else 1}"     # the generator's pairs in the refinement (datasets chapter)
       for k in ("photo", "texture") for s in range(3)},
    "texture_bg0_s1": "layered-gan train --dataset folder --data-root runs/folders/texture --out runs/texture/bg0_s1 --seed 1 "
                      "--gamma-bg 0 --eval-rounds 500 --threads 2 --no-progress",
    **{f"segpert_texture_s{s}": f"layered-gan train --dataset folder --data-root runs/folders/texture --out runs/segpert/texture_pert_s{s} "
                                f"--seed {s} --bg-downsample 1 --seg-width 16 --eval-rounds 500 --seg-perturbed --no-plan" for s in (1, 2)},
    **{f"segpert_default_alone_s{s}": f"layered-gan train --out runs/segpert/default_pert_alone_s{s} --seed {s} --eval-rounds 1000 "
                                      "--seg-perturbed --no-plan" for s in (0, 1, 2)},
    "segpert_default_plain_alone_s0": "layered-gan train --out runs/segpert/default_plain_alone_s0 --seed 0 --eval-rounds 1000 --no-plan "
                                      "--no-seg-perturbed",
    **{f"default_timed_s{s}": f"layered-gan train --out runs/t10/pert_s{s} --seed {s} --seg-perturbed --threads 2 --no-progress"
       for s in range(6)},
    **{f"st1000_timed_s{s}": f"layered-gan train --out runs/t10/st1000_s{s} --seed {s} --self-train 1000 --threads 2 --no-progress"
       for s in (0, 1, 2)},
    **{f"st1000_cl_timed_s{s}": f"layered-gan train --out runs/t10/clst_s{s} --seed {s} --channels-last --self-train 1000 --threads 2 "
                                "--no-progress" for s in (0, 1, 2)},
    "default_timed_rerun_s0": "layered-gan train --out runs/t10/std_s0 --seed 0 --threads 2 --no-progress",
    "default_timed_rerun2_s0": "layered-gan train --out runs/t10/std2_s0 --seed 0 --threads 2 --no-progress --self-train 1500 --no-channels-last",
    **{f"bgfull_pert_s{s}": f"layered-gan train --out runs/fid/bg1_pert_s{s} --seed {s} --eval-rounds 1000 --seg-perturbed "
                            "--bg-downsample 1 --no-plan --no-progress" for s in (0, 1, 2)},
    **{f"bg16_s{s}": f"layered-gan train --out runs/fid/bg2_s{s} --seed {s} --bg-downsample 2 --threads 2 --no-progress" for s in (0, 1, 2)},
    **{f"ema99_s{s}": f"layered-gan train --out runs/ema/ema99_s{s} --seed {s} --ema 0.99 --threads 2 --no-progress" for s in (0, 1, 2)},
    **{f"leak_s{s}": f"layered-gan train --out runs/leak/leak_s{s} --seed {s} --gamma-leak 1 --threads 2 --no-progress" for s in (0, 1, 2)},
    **{f"filter_s{s}": f"layered-gan train --out runs/filter/filter_s{s} --seed {s} --self-train-filter --threads 2 --no-progress"
       for s in range(6)},   # the default preset over six seeds (datasets and training chapters, README)
    **{f"bgfull_bg4_s{s}": f"layered-gan train --out runs/fid/bgfull_bg4_s{s} --seed {s} --bg-downsample 1 --gamma-bg 4 --threads 2 "
                           "--no-progress" for s in (0, 1, 2)},
    **{f"tex8_s{s}": f"layered-gan train --out runs/tex/tex8_s{s} --seed {s} --bg-texture 8 --threads 1 --no-progress"
       for s in (0, 1, 2)},   # the texture's rule (performance chapter)
    **{f"texd_s{s}": f"layered-gan train --out runs/tex/texd_s{s} --seed {s} --bg-texture 8 --threads 2 --no-progress"
       for s in (0, 1, 2)},   # the same, each alone on two threads (performance chapter, README)
    **{f"texr2_s{s}": f"layered-gan train --out runs/tex/texr2_s{s} --seed {s} --bg-texture 8 --texture-from-round 2 --threads 2 "
                      "--no-progress" for s in range(6)},   # the preset over six seeds (training and performance chapters, README)
    **{f"fast_s{s}": f"layered-gan train --out runs/fast/fast_s{s} --seed {s} --bg-texture 8 --texture-from-round 2 --channels-last "
                     "--gan-steps 800 --self-train 1000 --threads 2 --no-progress" for s in range(3)},   # ten minutes' try (performance chapter)
}

# Runs of the `shapes` recipe (the built-in dataset's, or a folder's with `--preset shapes`) made before the preset took
# `self_train_filter`: their commands pin it off, as the docs give them (the runs that name `--bg-texture` came after)
for _n, _c in COMMANDS.items():
    if ("--dataset folder" not in _c or "--preset shapes " in _c) and "--preset shapes-paper" not in _c \
            and "self-train-filter" not in _c and "bg-texture" not in _c:
        COMMANDS[_n] = _c + " --no-self-train-filter"
# ... and before it took G_b's texture from round 2 (`bg_texture 8`, `texture_from_round 2`): they pin the texture off
for _n, _c in COMMANDS.items():
    if ("--dataset folder" not in _c or "--preset shapes " in _c) and "--preset shapes-paper" not in _c:
        if "bg-texture" not in _c: COMMANDS[_n] = _c + " --bg-texture 0"
        elif "texture-from-round" not in _c: COMMANDS[_n] = _c + " --texture-from-round 1"   # the texture from the start
# made with the preset as it is now (texture from round 2, refinement filtered): nothing to pin
COMMANDS.update({f"dw{w}_s{s}": f"layered-gan train --out runs/dw/dw{w}_s{s} --seed {s} --channels-last --d-width {w} --threads 2 "
                                  "--no-progress" for w in (8, 12) for s in range(3)})   # narrower Ds (performance chapter)
COMMANDS.update({f"dw12mt_s{s}": f"layered-gan train --out runs/mt/dw12mt_s{s} --seed {s} --channels-last --d-width 12 "
                                 "--self-train-ema 0.99 --threads 2 --no-progress" for s in range(6)})   # with the mean teacher (performance chapter, README)
COMMANDS.update({f"lbg{k}_s{s}": f"layered-gan train --out runs/bg{k}/bg{k}_s{s} --seed {s} --channels-last --d-width 12 "
                                  f"--self-train-ema 0.99 --bg-batch {k} --threads 2 --no-progress"
                 for k, n in ((8, 1), (16, 3)) for s in range(n)})   # L_bg on part of the batch (performance chapter, README)
COMMANDS["b24_s0"] = ("layered-gan train --out runs/b24/b24_s0 --seed 0 --channels-last --d-width 12 --self-train-ema 0.99 "
                      "--batch-size 24 --threads 2 --no-progress")   # a batch of 24 (performance chapter)
# ... and before it took the ten-minute settings (D at width 12, channels_last, the mean teacher, no L_bg): every run
# above pins the values it had (`SHAPES_BEFORE_TEN_MINUTES`) where its command does not name them
PIN_BEFORE_TEN = (("--d-width", "--d-width 16"), ("channels-last", "--no-channels-last"),
                  ("--self-train-ema", "--self-train-ema 0"), ("--gamma-bg", "--gamma-bg 2"))
for _n, _c in COMMANDS.items():
    if ("--dataset folder" not in _c or "--preset shapes " in _c) and "--preset shapes-paper" not in _c:
        COMMANDS[_n] = " ".join([_c, *(pin for flag, pin in PIN_BEFORE_TEN if flag not in _c)])
# made with the preset as it is now
COMMANDS.update({f"nobg_s{s}": f"layered-gan train --out runs/nobg/nobg_s{s} --seed {s} --channels-last --d-width 12 "
                               "--self-train-ema 0.99 --gamma-bg 0 --threads 2 --no-progress" for s in range(6)})   # the preset (training and performance chapters, README)
# The folder runs of the `images` preset made before it took the generator's pairs in the refinement, the second look,
# 1,000 updates and no L_bg: their commands pin the values they had (`IMAGES_BEFORE_PAIRS`) where they do not name them
# (`--self-train` alone, not as the start of `--self-train-flip`)
PIN_BEFORE_PAIRS = ((r"--gamma-bg\b", "--gamma-bg 2"), (r"--self-train(?=\s|$)", "--self-train 1500"),
                    (r"--(no-)?self-train-flip\b", "--no-self-train-flip"), (r"--self-train-synth\b", "--self-train-synth 0"))
for _n, _c in COMMANDS.items():
    if "--dataset folder" in _c and "--preset shapes " not in _c:
        COMMANDS[_n] = " ".join([_c, *(pin for rx, pin in PIN_BEFORE_PAIRS if not re.search(rx, _c))])
# made with the preset as it is now: the README's folder command, nothing else named (datasets chapter, README)
COMMANDS.update({f"preset_{k}_s0": f"layered-gan train --dataset folder --data-root runs/folders/{k} --out runs/mine_{k}"
                 for k in ("photo", "texture")})
# ... and in the channels_last layout, up to the refinement (datasets chapter, a faster layout)
COMMANDS.update({f"cl_{k}_pre_s{s}": f"layered-gan train --dataset folder --data-root runs/folders/{k} --out runs/{k}/pre_s{s} "
                                      f"--seed {s} --channels-last --self-train 0 --eval-rounds 500 --no-progress --threads 1"
                 for k in ("photo", "texture") for s in range(3)})

def expand_bash(block:str) -> list[str]:
    "The commands a docs' bash block runs: continuations joined, comments dropped, `X=\"...\"` and `for v in ...; do ... done` expanded."
    block = re.sub(r"; do +(?=\S)", "; do\n", block.replace("\\\n", " "))     # one-line loops onto their own lines
    block = re.sub(r"; *done\b", "\ndone", block)
    def uncomment(l):     # a `#` that starts a word outside quotes starts a comment
        q = None
        for i, ch in enumerate(l):
            if ch in "'\"" and q in (None, ch): q = None if q else ch
            elif ch == "#" and not q and (i == 0 or l[i - 1].isspace()): return l[:i]
        return l
    lines = [l for l in (uncomment(l).strip() for l in block.splitlines()) if l]
    out = []
    def sub(s, env): return re.sub(r"\$\{(\w+)\}|\$(\w+)", lambda m: env.get(m[1] or m[2], m[0]), s)
    def run(lines, env):
        i = 0
        while i < len(lines):
            if m := re.match(r"for (\w+) in ([^;]+); do$", lines[i]):
                depth, j = 1, i + 1
                while depth: depth += lines[j].startswith("for ") - (lines[j] == "done"); j += 1
                for v in sub(m[2], env).split(): run(lines[i + 1:j - 1], {**env, m[1]: v})
                i = j; continue
            if a := re.match(r'(\w+)="([^"]*)"$', lines[i]): env[a[1]] = sub(a[2], env)
            else: out.extend(" ".join(c.split()) for c in sub(lines[i], env).split("&&"))
            i += 1
    run(lines, {}); return out

def docs_commands() -> set[str]:
    "Every command the README and the chapters' prose give: in ```bash blocks (expanded) and in inline `layered-gan ...` spans."
    nbs = [json.loads(p.read_text()) for p in sorted((ROOT / "nbs").glob("*.ipynb"))]
    texts = [(ROOT / "README.md").read_text()] + ["".join(c["source"]) for nb in nbs for c in nb["cells"] if c["cell_type"] == "markdown"]
    cmds = {c for t in texts for b in re.findall(r"```bash\n(.*?)```", t, flags=re.S) for c in expand_bash(b)}
    return cmds | {" ".join(c.split()) for t in texts for c in re.findall(r"`(layered-gan [^`]+)`", t)}

def test_expand_bash():
    block = 'S="--a 1"\nfor s in 0 1; do x --seed $s $S; done   # note\nfor k in p q; do\n  y ${k}_z \\\n  --w && v $k\ndone\n'
    assert expand_bash(block) == ["x --seed 0 --a 1", "x --seed 1 --a 1", "y p_z --w", "v p", "y q_z --w", "v q"]
    assert expand_bash('# c\nz "a # b" x#y  # note\n') == ['z "a # b" x#y']     # a quoted `#` is no comment

def published() -> list[str]:
    return sorted(p.parent.name for p in (ROOT / "data/results").glob("*/config.json"))

def test_every_published_run_has_a_command():
    "default_alone is an older timing of the 800-step schedule that no page cites; every other run needs its command."
    assert set(published()) - {"default_alone"} == set(COMMANDS)

@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_command_is_in_the_docs(name):
    "The docs give this exact command (flags and their order as here), literally or through a loop or a variable."
    assert " ".join(COMMANDS[name].split()) in docs_commands(), name

def config_diff(argv:list[str], config_json:Path) -> dict:
    "Fields where the config that `layered-gan` gives `argv` (today) differs from a published run's: {field: (today, published)}."
    want = config_to_dict(config_from_dict(json.loads(config_json.read_text())))
    got = config_to_dict(config_from_args(build_parser().parse_args(argv)))
    for d in (want, got):   # stored absolute: only the folder's name is the command's
        if d.get("data_root"): d["data_root"] = Path(d["data_root"]).name
    return {k: (got.get(k), want.get(k)) for k in set(got) | set(want) if got.get(k) != want.get(k)}

@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_command_gives_the_published_config(name):
    diff = config_diff(shlex.split(COMMANDS[name])[1:], ROOT / "data/results" / name / "config.json")
    assert not diff, f"{name}: the command gives (today, published): {diff}"


def step_ab_commands() -> dict[str, str]:
    "The docs' `scripts/step_ab.py` commands, by the file they write: {json path: command}."
    out = {}
    for c in docs_commands():
        if c.startswith("python scripts/step_ab.py"): out[shlex.split(c)[shlex.split(c).index("--out") + 1]] = c
    return out

def test_every_step_ab_file_has_a_command():
    files = {f"data/bench/step_ab/{p.name}" for p in (ROOT / "data/bench/step_ab").glob("*.json")}
    assert files == set(step_ab_commands()), files ^ set(step_ab_commands())

@pytest.mark.parametrize("path", sorted(f"data/bench/step_ab/{p.name}" for p in (ROOT / "data/bench/step_ab").glob("*.json")))
def test_step_ab_command_gives_the_timed_configs(path):
    "The docs' command for a timing in turn builds, today, the two configs the file records (as for the runs above)."
    from layered_gan.training import apply_settings, train_config
    a = shlex.split(step_ab_commands()[path])[2:]
    get = lambda flag: [a[i + 1] for i, x in enumerate(a) if x == flag]
    base = apply_settings(train_config((get("--preset") or ["shapes"])[0]), get("--set"))
    rec = json.loads((ROOT / path).read_text())
    for k in ("a", "b"):
        got, want = config_to_dict(apply_settings(base, get(f"--{k}"))), config_to_dict(config_from_dict(rec[f"config_{k}"]))
        assert got == want, f"{path} {k}: (today, recorded) {({f: (got[f], want[f]) for f in got if got[f] != want.get(f)})}"
