"""The chapters as a book: each imports only earlier chapters' modules, no code cell runs past about 60 lines, no
link leaves the repository, the README lists the chapters in the order of the landing page."""
import json, re
from pathlib import Path

NBS = Path(__file__).resolve().parents[1] / "nbs"
CHAPTERS = sorted(p for p in NBS.glob("[0-9][0-9]_*.ipynb"))

def cells(p): return json.loads(p.read_text())["cells"]
def source(c): return "".join(c["source"])

def module_chapters() -> dict[str, int]:
    "Module name -> number of the chapter that exports it (its `default_exp`)."
    out = {}
    for p in CHAPTERS:
        for c in cells(p):
            m = re.search(r"#\|\s*default_exp\s+(\w+)", source(c))
            if m: out[m.group(1)] = int(p.name[:2])
    return out

def test_a_chapter_imports_only_earlier_chapters():
    mods, bad = module_chapters(), []
    for p in CHAPTERS:
        n = int(p.name[:2])
        used = {m for c in cells(p) if c["cell_type"] == "code" for m in re.findall(r"layered_gan\.(\w+)", source(c))}
        bad += [f"{p.name} uses {m} (chapter {mods[m]:02d})" for m in sorted(used) if m in mods and mods[m] > n]
    assert not bad, bad

def test_no_code_cell_over_60_lines():
    long = [f"{p.name} cell {i}: {len(source(c).splitlines())} lines" for p in CHAPTERS
            for i, c in enumerate(cells(p)) if c["cell_type"] == "code" and len(source(c).splitlines()) > 60]
    assert not long, long

def test_no_link_outside_the_repository():
    "Every relative path a chapter or the README mentions (`../x`) names something inside the repository."
    root, out = NBS.parent.resolve(), []
    for p in [*NBS.glob("*.ipynb"), root / "README.md"]:
        for rel in re.findall(r"(?<![\w.])((?:\.\./)+[\w./-]+)", p.read_text()):
            target = (p.parent / rel.rstrip(".")).resolve()
            if not (target.is_relative_to(root) and target.exists()): out.append(f"{p.name}: {rel}")
    assert not out, out

def test_readme_lists_the_chapters_in_the_order_of_the_landing_page():
    index = re.findall(r"\[`?(\d\d_\w+)`?\]\(", "".join(source(c) for c in cells(NBS / "index.ipynb")))
    readme = re.findall(r"\[`?(\d\d_\w+)`?\]\(nbs/", (NBS.parent / "README.md").read_text())
    assert index == readme == [p.stem for p in CHAPTERS]

def test_chapters_hold_their_outputs():
    """Every chapter (index included) is saved with the outputs of a full run (`python scripts/execute_chapters.py`):
    its code matches the code that made them (data/chapter_outputs.json), every cell that had outputs still has them,
    none is an error, and no output is a widget view a saved file cannot show."""
    import importlib.util
    spec = importlib.util.spec_from_file_location("execute_chapters", NBS.parent / "scripts" / "execute_chapters.py")
    ex = importlib.util.module_from_spec(spec); spec.loader.exec_module(ex)
    manifest_path = NBS.parent / "data" / "chapter_outputs.json"
    manifest = json.loads(manifest_path.read_text()) if manifest_path.is_file() else {}
    bad = []
    for p in sorted(NBS.glob("*.ipynb")):
        fix = f"run `python scripts/execute_chapters.py {p.stem}`"
        code = [c for c in cells(p) if c["cell_type"] == "code"]
        if p.stem not in manifest:
            bad.append(f"{p.name}: no outputs recorded: {fix}"); continue
        rec = manifest[p.stem]["cells"]
        if [ex.cell_hash(source(c)) for c in code] != [r["hash"] for r in rec]:
            bad.append(f"{p.name}: its code changed since its outputs were made: {fix}"); continue
        for i, (c, r) in enumerate(zip(code, rec)):
            outs = c.get("outputs", [])
            if len(outs) < r["outputs"]: bad.append(f"{p.name} code cell {i}: {len(outs)} of its {r['outputs']} outputs")
            for o in outs:
                text = "".join(o.get("text", "")) if o["output_type"] == "stream" else ""
                if o["output_type"] == "error" or "Traceback (most recent call last)" in text:
                    bad.append(f"{p.name} code cell {i}: an error output")
                if "application/vnd.jupyter.widget-view+json" in o.get("data", {}):
                    bad.append(f"{p.name} code cell {i}: a widget view without its state: {fix}")
    assert not bad, "\n".join(bad)
