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
