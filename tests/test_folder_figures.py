"""The folder figures the README quotes (the `images` preset and its parts on the two generated folders) are
those of the published runs in `data/results/` (datasets chapter): a rerun that changes a score fails here until the
README follows."""
import json
from pathlib import Path
import statistics

import numpy as np

ROOT = Path(__file__).resolve().parents[1]

def _scores(names: list[str], key: str) -> list[float]:
    out = []
    for n in names:
        m = json.loads((ROOT / "data/results" / n / "metrics.json").read_text())
        out.append(m["val"]["fg_iou"] if key == "val" else m["fg_iou"])
    return out

def _ms(v: list[float]) -> str: return f"{statistics.mean(v):.3f} ± {statistics.stdev(v):.3f}"

PHOTO = ["images_photo_s0", "images_photo_s1"]
PHOTO_BG = ["images_photo_bgfull", "images_photo_bgfull_s1", "images_photo_bgfull_s2"]
TEXTURE = [f"images_texture_s{s}" for s in range(3)]
TEXTURE_BG = [f"images_texture_bgfull_s{s}" for s in range(3)]
PHOTO_BOTH, TEXTURE_BOTH = ([f"images_{k}_bgfull_seg16_s{s}" for s in range(3)] for k in ("photo", "texture"))
PHOTO_BEFORE, TEXTURE_BEFORE = ([f"segpert_{k}_s{s}" for s in range(3)] for k in ("photo", "texture"))   # `images` before its pairs
PHOTO_PRESET, TEXTURE_PRESET = ([f"synth_{k}_s{s}" for s in range(3)] for k in ("photo", "texture"))      # the `images` preset
def _seconds(n: str) -> int: return round(json.loads((ROOT / "data/results" / n / "metrics.json").read_text())["wall_s"])
def _minutes(n: str) -> int: return round(_seconds(n) / 60)

def test_readme_quotes_the_folder_runs():
    readme = " ".join((ROOT / "README.md").read_text().split())
    p0, p1 = _scores(PHOTO, "test")
    figures = [f"test IoU {_ms(_scores(TEXTURE, 'test'))} over 3 seeds", f"{p0:.3f} and {p1:.3f}",
               f"validation {_ms(_scores(PHOTO_BG, 'val'))} over 3 seeds against {_ms(_scores(PHOTO, 'val'))}",
               f"test {_ms(_scores(PHOTO_BG, 'test'))}",
               f"validation {_ms(_scores(TEXTURE_BG, 'val'))} against {_ms(_scores(TEXTURE, 'val'))}",
               f"photographs reach validation {_ms(_scores(PHOTO_BOTH, 'val'))} over 3 seeds (test {_ms(_scores(PHOTO_BOTH, 'test'))})",
               f"textures validation {_ms(_scores(TEXTURE_BOTH, 'val'))} (test {_ms(_scores(TEXTURE_BOTH, 'test'))})",
               "--seg-width 16`, {}-{} minutes alone)".format(*sorted(_minutes(n) for n in (PHOTO_BOTH[2], TEXTURE_BOTH[2]))),
               f"with the wide G and D alone ({_minutes(TEXTURE[2])} minutes alone)",   # the texture seed run alone
               f"together they score validation {_ms(_scores(PHOTO_PRESET, 'val'))} on photographs (test "
               f"{_ms(_scores(PHOTO_PRESET, 'test'))}) and {_ms(_scores(TEXTURE_PRESET, 'val'))} on textures (test "
               f"{_ms(_scores(TEXTURE_PRESET, 'test'))}); without the last four",
               f"validation {_ms(_scores(PHOTO_BEFORE, 'val'))} on photographs (test {_ms(_scores(PHOTO_BEFORE, 'test'))}) "
               f"and {_ms(_scores(TEXTURE_BEFORE, 'val'))} on textures (test {_ms(_scores(TEXTURE_BEFORE, 'test'))}). Part by part"]
    for f in figures: assert f in readme, f

def _refine(name: str) -> dict: return json.loads((ROOT / "data/refine" / f"{name}.json").read_text())
def _curve(name: str) -> dict[int, float]:
    "Validation IoU by refinement step, from one file of `scripts/refine_curve.py`."
    return {c["step"]: c["val_fg_iou"] for c in _refine(name)["curve"]}

def _curve_mean(kind: str, step: int) -> float:
    return statistics.mean(_curve(f"{kind}_bgfull_seg16_s{s}")[step] for s in range(3))

def test_readme_quotes_the_refinement_curves():
    "The README's sentence on a longer refinement (`--self-train`): the curves' means and the test at 4,000 updates."
    readme = " ".join((ROOT / "README.md").read_text().split())
    tests = [_refine(f"photo_bgfull_seg16_s{s}_test") for s in range(3)]
    assert {t["step"] for t in tests} == {4000}
    figures = [f"from {_curve_mean('photo', 1500):.3f} at the default 1,500 updates of `--self-train` to "
               f"{_curve_mean('photo', 4000):.3f} at 4,000 (test {_ms([t['test_fg_iou'] for t in tests])})",
               f"textures stay flat ({_curve_mean('texture', 1500):.3f} and {_curve_mean('texture', 4000):.3f})"]
    for f in figures: assert f in readme, f

def _at(name: str, step: int = 1500) -> float: return _curve(f"study_{name}")[step]

def test_readme_quotes_the_second_look():
    "The README's sentence on `--self-train-flip`: validation IoU at 1,500 updates, two looks against one (datasets chapter)."
    readme = " ".join((ROOT / "README.md").read_text().split())
    shapes = [f"default_s{s}" for s in range(3)]
    d_sh = statistics.mean(_at(f"{n}_flip") - _at(f"{n}_base") for n in shapes)
    per_seed = ", ".join(f"{_at(f'{n}_flip') - _at(f'{n}_base'):+.3f}" for n in shapes)
    d_ph = _at("photo_s2_flip") - _at("photo_s2_base")
    figure = f"by {d_sh:+.3f} on the built-in dataset (seeds: {per_seed}) and by {d_ph:+.3f} on photographs (one seed)"
    assert figure in readme, figure

def test_readme_quotes_the_longer_second_look():
    "The README's sentence on the second look refined for longer (two photograph seeds) and the oracle's ceiling."
    readme = " ".join((ROOT / "README.md").read_text().split())
    def mean_curve(t):
        curves = [_curve(f"long_photo_s{s}_{t}") for s in (1, 2)]
        return {k: statistics.mean(c[k] for c in curves) for k in curves[0]}
    peak = {}
    for t in ("base", "flip"):
        m = mean_curve(t); k = max(m, key=m.get); peak[t] = (k, m[k])
        tests = [_refine(f"long_photo_s{s}_{t}_test") for s in (1, 2)]
        assert {r["step"] for r in tests} == {k}                     # test scored at the length chosen on validation
        peak[t] += (_ms([r["test_fg_iou"] for r in tests]),)
    (kb, vb, tb), (kf, vf, tf) = peak["base"], peak["flip"]
    oracle = json.loads((ROOT / "data/results/oracle_photo_seg16_val.json").read_text())
    figure = (f"peaks at {vf:.3f} at {kf:,} updates against {vb:.3f} at {kb:,} for one look (test {tf} against {tb}), "
              f"so it is worth trying on photographs; the `images` preset has it, with the generator's pairs (below). The same "
              f"U-Net trained on the true masks "
              f"scores {oracle['fg_iou']:.3f} there")
    assert oracle["split"] == "val" and figure in readme, figure


def test_readme_quotes_where_photograph_masks_go_wrong():
    "The README's sentence on the U-Net's errors on photographs (scripts/mask_errors.py, datasets chapter)."
    readme = " ".join((ROOT / "README.md").read_text().split())
    err = {k: [json.loads((ROOT / "data/mask_errors" / f"{k}_s{s}.json").read_text()) for s in range(3)]
           for k in ("photo", "texture")}
    mean = lambda k, f: statistics.mean(r[f] for r in err[k])
    figure = (f"it spills onto the background {mean('photo', 'fp_away'):.3f} of the object's pixels (textures "
              f"{mean('texture', 'fp_away'):.3f}) and misses {mean('photo', 'missed'):.0%} of the images outright")
    assert figure in readme, figure


def test_readme_quotes_the_eleven_photographs():
    "The README's sentence on the eleven-photograph folder (datasets chapter, 'How many photographs?')."
    readme = " ".join((ROOT / "README.md").read_text().split())
    val = lambda name: json.loads((ROOT / "data/results" / name / "metrics.json").read_text())["val"]["fg_iou"]
    v3, v11 = [val(f"segpert_photo_s{s}") for s in range(3)], [val(f"photo11_s{s}") for s in range(3)]
    spill = statistics.mean(json.loads((ROOT / f"data/mask_errors/photo11_s{s}.json").read_text())["fp_away"] for s in range(3))
    figure = (f"raise the mean validation IoU from {statistics.mean(v3):.3f} to {statistics.mean(v11):.3f} over three seeds "
              f"({', '.join(f'{v:.3f}' for v in v11)}), but the spills do not shrink ({spill:.3f} of the object's pixels)")
    assert figure in readme, figure

def test_readme_quotes_the_photographs_without_the_background_loss():
    "The README's sentence on --gamma-bg 0 over eleven photographs (datasets chapter, 'Without the background loss')."
    readme = " ".join((ROOT / "README.md").read_text().split())
    v0, v11 = _scores([f"photo11_bg0_s{s}" for s in range(3)], "val"), _scores([f"photo11_s{s}" for s in range(3)], "val")
    lose = sum(a < b for a, b in zip(v0, v11))
    words = {1: "one", 2: "two", 3: "three"}
    figure = (f"mean validation IoU is {statistics.mean(v0):.3f} over the same seeds ({', '.join(f'{v:.3f}' for v in v0)}), "
              f"but {words.get(lose, lose)} of the three seeds score below their own run with the loss")
    assert lose >= 2 and figure in readme, figure


def test_readme_quotes_the_photographs_without_the_background_loss_refined_longer():
    "The README's sentence on --gamma-bg 0 refined for 2,000 updates (datasets chapter, 'refined for longer')."
    readme = " ".join((ROOT / "README.md").read_text().split())
    refine = ROOT / "data/refine"
    curve = lambda s: {c["step"]: c["val_fg_iou"] for c in json.loads((refine / f"photo11_bg0_s{s}.json").read_text())["curve"]}
    at = [curve(s)[2000] for s in range(3)]
    tests = [json.loads((refine / f"photo11_bg0_s{s}_test.json").read_text()) for s in range(3)]
    assert [t["step"] for t in tests] == [2000] * 3                      # the test split scored at the quoted length
    lose = sum(a < b for a, b in zip(at, _scores([f"photo11_s{s}" for s in range(3)], "val")))
    figure = (f"mean validation IoU of {statistics.mean(at):.3f} ({', '.join(f'{v:.3f}' for v in at)}; "
              f"test {_ms([t['test_fg_iou'] for t in tests])}), with two of the three seeds still below")
    assert lose == 2 and figure in readme, figure
    def minutes(n):                   # the run's time plus 500 more updates at its own refinement pace
        m = json.loads((ROOT / "data/results" / n / "metrics.json").read_text())
        t = {r["stage"]: r["wall_s"] for r in m["per_round"] if r["round"] == 3}
        return (m["wall_s"] + 500 * (t["end"] - t["before self_train"]) / 1500) / 60
    est = [minutes(f"photo11_bg0_s{s}") for s in range(3)]
    assert round(statistics.mean(est)) == 26 and max(est) < 30 and "about 26 minutes a run, from the runs' own pace" in readme


def test_readme_quotes_the_photographs_with_the_background_loss_from_round_3():
    "The README's sentence on --bg-from-round 3 over eleven photographs (datasets chapter, 'from round 3')."
    readme = " ".join((ROOT / "README.md").read_text().split())
    v3, t3 = (_scores([f"photo11_bg3_s{s}" for s in range(3)], k) for k in ("val", "test"))
    v0, v11 = _scores([f"photo11_bg0_s{s}" for s in range(3)], "val"), _scores([f"photo11_s{s}" for s in range(3)], "val")
    above = sum(a > b for a, b in zip(v3, v11))
    figure = (f"gives {statistics.mean(v3):.3f} ({', '.join(f'{v:.3f}' for v in v3)}; test {_ms(t3)}), between the two, "
              f"with one seed of three above its own run of the preset")
    assert above == 1 and statistics.mean(v11) < statistics.mean(v3) < statistics.mean(v0) and figure in readme, figure


def test_readme_quotes_the_confident_pixels_refinement():
    "The README's sentence on self_train_conf 0.8 (datasets chapter, 'the pixels the teacher is sure of')."
    readme = " ".join((ROOT / "README.md").read_text().split())
    at = lambda n: {c["step"]: c["val_fg_iou"] for c in json.loads((ROOT / "data/refine" / f"{n}.json").read_text())["curve"]}[1500]
    conf, own = [at(f"photo11_conf_s{s}") for s in range(3)], _scores([f"photo11_s{s}" for s in range(3)], "val")
    d = {s: at(f"default_conf_s{s}") - _scores([f"default_timed_s{s}"], "val")[0] for s in (0, 3, 4, 5)}
    assert all(a < b for a, b in zip(conf, own)) and sum(v > 0 for v in d.values()) == 2   # "all three below"; "both ways"
    figure = (f"mean validation IoU of {statistics.mean(conf):.3f} ({', '.join(f'{v:.3f}' for v in conf)}), all three seeds "
              f"below their own refinement; on four runs of the built-in default it moves the weak seeds both ways "
              f"(seed 4 {d[4]:+.3f}, seed 5 {d[5]:+.3f})")
    assert figure in readme, figure


def test_readme_quotes_the_plausible_masks_refinement():
    "The README's sentence on self_train_filter (datasets chapter, 'the images whose masks are plausible')."
    readme = " ".join((ROOT / "README.md").read_text().split())
    at = lambda n: {c["step"]: c["val_fg_iou"] for c in json.loads((ROOT / "data/refine" / f"{n}.json").read_text())["curve"]}[1500]
    filt, own = [at(f"photo11_filter_s{s}") for s in range(3)], _scores([f"photo11_s{s}" for s in range(3)], "val")
    gp = [a - b for a, b in zip(filt, own)]
    ds = (0, 3, 4, 5)
    fd, od = [at(f"default_filter_s{s}") for s in ds], [_scores([f"default_timed_s{s}"], "val")[0] for s in ds]
    gd = [a - b for a, b in zip(fd, od)]
    assert all(g > 0 for g in gp) and statistics.mean(gp) < 0.01                       # "by too little for the rule"
    assert statistics.mean(gd) >= 0.01 and sum(g > 0 for g in gd) == 3                  # "it enters the shapes preset"
    figures = [f"(mean {statistics.mean(filt):.3f}, {', '.join(f'{v:.3f}' for v in filt)})",
               f"raises three ({', '.join(f'{g:+.3f}' for g in gd)}; mean validation IoU {statistics.mean(fd):.3f} "
               f"against {statistics.mean(od):.3f})"]
    for f in figures: assert f in readme, f


def test_readme_quotes_six_seeds_with_the_plausible_masks_refinement():
    "The README's sentence on the preset with self_train_filter, trained whole over six seeds, against the recipe without it."
    readme = " ".join((ROOT / "README.md").read_text().split())
    with_ = _scores([f"filter_s{s}" for s in range(6)], "test")
    curves = {s: json.loads((ROOT / "data/refine" / f"default_filter_s{s}_test.json").read_text())["test_fg_iou"] for s in (0, 3, 4, 5)}
    assert all(curves[s] == with_[s] for s in curves)    # the curves from the state before the refinement: the same networks
    without = _scores([f"default_timed_s{s}" for s in range(6)], "test")
    n = lambda v: sum(x >= 0.85 for x in v)
    more = "either way" if n(with_) == n(without) else f"against {n(without)}"
    f = (f"the recipe with it scores test IoU {_ms(with_)} over the six seeds against {_ms(without)} without it, "
         f"{n(with_)} of 6 seeds at 0.85 or more {more}")
    assert f in readme, f


def test_readme_quotes_the_second_look_without_the_background_loss():
    "The README's sentence on --self-train-flip over the re-trained runs without L_bg (datasets chapter, 'The second look, without the background loss')."
    readme = " ".join((ROOT / "README.md").read_text().split())
    refine = ROOT / "data/refine"
    curve = lambda n: {c["step"]: c["val_fg_iou"] for c in json.loads((refine / f"{n}.json").read_text())["curve"]}
    tests = {k: [json.loads((refine / f"{k}_s{s}_test.json").read_text()) for s in range(3)]
             for k in ("flip_photo11_bg0", "photo11_bg0_rerun")}
    (nf,), (nn,) = ({t["step"] for t in ts} for ts in tests.values())     # each scored once, at one length
    at = {k: [curve(f"{k}_s{s}")[n] for s in range(3)] for k, n in (("flip_photo11_bg0", nf), ("photo11_bg0_rerun", nn))}
    f = lambda k, n: (f"{statistics.mean(at[k]):.3f} at {n:,} updates ({', '.join(f'{v:.3f}' for v in at[k])}; "
                      f"test {_ms([t['test_fg_iou'] for t in tests[k]])})")
    figure = f"{f('flip_photo11_bg0', nf)} against {f('photo11_bg0_rerun', nn)} for one look, every seed"
    own = _scores([f"photo11_s{s}" for s in range(3)], "val")
    assert all(a > b for a, b in zip(at["flip_photo11_bg0"], own)) and figure in readme, figure   # "every seed ahead"

def test_readme_quotes_the_second_look_on_textures():
    "The README's sentence on the candidate trained whole on the texture folder (datasets chapter, 'The second look on the texture folder')."
    readme = " ".join((ROOT / "README.md").read_text().split())
    cand, pre = _scores([f"flip_texture_s{s}" for s in range(3)], "val"), _scores(TEXTURE_BEFORE, "val")
    worst = min(range(3), key=lambda s: cand[s] - pre[s])
    assert pre[worst] - cand[worst] > 0.02                                # the rule: a seed more than 0.02 below
    figure = (f"the texture folder's seeds score validation {cand[0]:.3f}, {cand[1]:.3f} and {cand[2]:.3f} against "
              f"{pre[0]:.3f}, {pre[1]:.3f} and {pre[2]:.3f} for the preset: seed {worst} falls {pre[worst] - cand[worst]:.3f} below its own run")
    assert figure in readme, figure

def test_readme_quotes_where_the_textures_lose():
    "The README's sentence on the texture runs' refinement curves: seed 0 loses with the second look as with one."
    readme = " ".join((ROOT / "README.md").read_text().split())
    c = {k: _curve(f"{k}_s0") for k in ("flip_texture_bg0", "texture_bg0")}
    assert c["flip_texture_bg0"][0] == c["texture_bg0"][0]
    figure = (f"seed 0 loses with the second look as with one ({c['flip_texture_bg0'][500]:.3f} and {c['texture_bg0'][500]:.3f} "
              f"at 500 updates against {c['texture_bg0'][0]:.3f} before)")
    assert figure in readme, figure


def test_readme_quotes_the_generators_pairs_in_the_refinement():
    "The README's sentence on --self-train-synth: the curves at the chosen 1,000 updates, seed 0's recall, the test."
    readme = " ".join((ROOT / "README.md").read_text().split())
    at = lambda name, n=1000: _curve(name)[n]
    tex = [at(f"synth_texture_bg0_s{s}") for s in range(3)]
    ph = [at(f"synth_photo11_bg0_s{s}") for s in range(3)]
    flip = sum(at(f"flip_photo11_bg0_s{s}") for s in range(3)) / 3
    rec = {k: {r["step"]: r["recall"] for r in _refine(f"scores_{k}_texture_s0")["rows"]}[1000] for k in ("synth", "flip")}
    t = {k: [_refine(f"synth_{k}_bg0_s{s}_test")["test_fg_iou"] for s in range(3)] for k in ("texture", "photo11")}
    for k in t: assert [_refine(f"synth_{k}_bg0_s{s}_test")["step"] for s in range(3)] == [1000] * 3
    ms = lambda v: f"{np.mean(v):.3f} ± {np.std(v, ddof=1):.3f}"
    figure = (f"the texture seeds score {tex[0]:.3f}, {tex[1]:.3f} and {tex[2]:.3f} on validation (seed 0's recall "
              f"{rec['synth']:.3f}, against {rec['flip']:.3f} without the pairs) and the eleven photographs {np.mean(ph):.3f} "
              f"({ph[0]:.3f}, {ph[1]:.3f}, {ph[2]:.3f}; {flip:.3f} without the pairs); test {ms(t['texture'])} on textures "
              f"and {ms(t['photo11'])} on eleven photographs")
    assert figure in readme, figure


def test_readme_quotes_the_whole_run_with_the_generators_pairs():
    "The README's sentences on the whole runs with --self-train-synth 1: both folders' scores and the counted minutes."
    readme = " ".join((ROOT / "README.md").read_text().split())
    res = lambda n: json.loads((ROOT / "data/results" / n / "metrics.json").read_text())
    r1 = lambda n: next(r["wall_s"] for r in res(n)["per_round"] if r["round"] == 1)
    syn, pre = ([res(f"{k}_photo_s{s}") for s in range(3)] for k in ("synth", "segpert"))
    ts, tps = ([res(f"{k}_texture_s{s}") for s in range(3)] for k in ("synth", "segpert"))
    ref1 = statistics.mean(r1(f"segpert_texture_s{s}") for s in (1, 2))   # the preset's runs the README times
    vals = lambda ms: ", ".join(f"{m['val']['fg_iou']:.3f}" for m in ms[:-1]) + f" and {ms[-1]['val']['fg_iou']:.3f}"
    mean = lambda ms, f: statistics.mean(f(m) for m in ms)
    val, test = (lambda m: m["val"]["fg_iou"]), (lambda m: m["fg_iou"])
    sd = lambda ms: statistics.stdev(m["fg_iou"] for m in ms)
    alone = ("synth_photo_s0", "synth_texture_s0")
    mins = " and ".join(f"{res(n)['wall_s'] / 60:.1f}" for n in alone)
    counted = [res(n)["wall_s"] * ref1 / r1(n) / 60 for n in alone]
    figure = (f"it scores validation {vals(syn)} (mean {mean(syn, val):.3f}) against {vals(pre)} (mean {mean(pre, val):.3f}) "
              f"for the preset's runs of those seeds (test {mean(syn, test):.3f} ± {sd(syn):.3f} against "
              f"{mean(pre, test):.3f} ± {sd(pre):.3f}); on the texture folder, its three seeds score validation "
              f"{vals(ts)} against {vals(tps)} (test {mean(ts, test):.3f} ± {sd(ts):.3f} against {mean(tps, test):.3f} ± "
              f"{sd(tps):.3f}). Seed 0 of each folder ran "
              f"alone: {mins} minutes, which count as {' and '.join(f'{c:.1f}' for c in counted)} minutes")
    assert max(counted) <= 30 and figure in readme, figure


def test_readme_quotes_what_a_folder_run_costs():
    "The README's sentence on the folder command as a user runs it: the plans' estimates, the times and the preset's scores."
    import re
    readme = " ".join((ROOT / "README.md").read_text().split())
    def run(k):
        d = ROOT / "data/results" / f"preset_{k}_s0"
        plan, c, m = (d / "plan.txt").read_text(), json.loads((d / "config.json").read_text()), json.loads((d / "metrics.json").read_text())
        step = {s: float(re.search(rf"([\d.]+) s a {s}", plan)[1]) for s in ("GAN step", "U-Net step", "refinement step")}
        from_steps = (c["rounds"] * (c["gan_steps"] * step["GAN step"] + c["seg_steps"] * step["U-Net step"])
                      + c["self_train"] * step["refinement step"] + 60 * float(re.search(r"evaluations ([\d.]+) min", plan)[1]))
        assert m["wall_s"] <= from_steps                                # "within the printed estimate"
        return int(re.search(r"estimated (\d+) min", plan)[1]), from_steps, m
    (ep, sp, mp), (et, st, mt) = run("photo"), run("texture")
    figure = (f"printed an estimate of {ep} minutes ({sp:,.0f} s from the step times it printed) and took {mp['wall_s'] / 60:.1f} "
              f"({mp['wall_s']:,.0f} s), scoring test IoU {mp['fg_iou']:.3f}; on the texture folder, `layered-gan train --dataset "
              f"folder --data-root runs/folders/texture --out runs/mine_texture` printed {et} minutes ({st:,.0f} s) and took "
              f"{mt['wall_s'] / 60:.1f} ({mt['wall_s']:,.0f} s), scoring test IoU {mt['fg_iou']:.3f}. Over 3 seeds on the two "
              f"generated folders below it scores test IoU {_ms(_scores(TEXTURE_PRESET, 'test'))} on objects over smooth textures "
              f"and {_ms(_scores(PHOTO_PRESET, 'test'))} on objects over photographs")
    assert figure in readme, figure
