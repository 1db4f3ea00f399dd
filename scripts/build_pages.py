"""Build static HTML pages of the chapters (with their saved outputs) and the README, without Quarto.

    python scripts/build_pages.py _pages          # then serve _pages/ with any static host,
    python -m http.server -d _pages 8000          # e.g. this one, and open http://127.0.0.1:8000/

Layout of the folder: `index.html` is the README with a contents list of the chapters above it; `nbs/<chapter>.html`
is each chapter, converted by nbconvert's JupyterLab template, with links to the contents and to the chapters before
and after it; the files the pages link to in the repository (README figures) are copied beside them. Links between
chapters (`*.ipynb`) point to their pages. The chapters' figures are the outputs saved in the notebooks (run
`scripts/execute_chapters.py` first); a widget shows its saved picture.
"""
import argparse, html, json, re, shutil, sys, warnings
warnings.filterwarnings("ignore", message="Cell is missing an id field")
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
NBS = REPO / "nbs"
WIDGET = "application/vnd.jupyter.widget-view+json"
NAV_CSS = ("<style>.lg-nav{font:14px sans-serif;padding:8px 16px;border-bottom:1px solid #ddd;background:#fafafa}"
           ".lg-nav a{margin-right:16px}</style>")


def chapters() -> list[Path]:
    return sorted(p for p in NBS.glob("*.ipynb") if p.stem != "index")


def title_of(nb) -> str:
    for c in nb.cells:
        if c.cell_type == "markdown":
            m = re.search(r"^#\s+(.+)$", c.source, re.M)
            if m: return m.group(1).strip()
    return ""


def exporter():
    from nbconvert import HTMLExporter
    return HTMLExporter(template_name="lab")


def to_html(nb, title: str) -> str:
    for c in nb.cells:                     # saved widgets: their picture, not a view whose state the file lacks
        for o in c.get("outputs", []):
            if WIDGET in o.get("data", {}) and "image/png" in o["data"]: del o["data"][WIDGET]
    nb.metadata.pop("widgets", None)
    body, _ = exporter().from_notebook_node(nb, resources={"metadata": {"name": title}})
    return body


def relink(page: str) -> str:
    "Links to notebooks point to their pages."
    return re.sub(r'href="([^":#?]+)\.ipynb(#[^"]*)?"', lambda m: f'href="{m.group(1)}.html{m.group(2) or ""}"', page)


def fix_anchors(page: str) -> str:
    "In-page links written for GitHub (`#results-on-...`) point to nbconvert's heading ids (`#Results-on-...`)."
    ids = {i.lower(): i for i in re.findall(r'id="([^"]+)"', page)}
    return re.sub(r'href="#([^"]+)"', lambda m: f'href="#{ids.get(m.group(1).lower(), m.group(1))}"', page)


def add_nav(page: str, links: list[tuple[str, str]]) -> str:
    nav = NAV_CSS + '<nav class="lg-nav">' + "".join(f'<a href="{h}">{html.escape(t)}</a>' for h, t in links) + "</nav>"
    return re.sub(r"(<body[^>]*>)", lambda m: m.group(1) + nav, page, count=1)


def copy_linked(page: str, page_dir: Path, src_dir: Path, out: Path):
    "Copy the repository files a page links to (relative src/href, not pages) to the same place beside it."
    for ref in set(re.findall(r'(?:src|href)="([^"#?]+)"', page)):
        if re.match(r"^[a-z]+:", ref) or ref.startswith("/") or ref.endswith(".html"): continue
        src = (src_dir / ref).resolve()
        if src.is_file() and REPO in src.parents:
            dst = (page_dir / ref).resolve()
            if out.resolve() in dst.parents:
                dst.parent.mkdir(parents=True, exist_ok=True); shutil.copy(src, dst)


def build(out: Path) -> list[Path]:
    import nbformat
    marker = out / ".layered-gan-pages"
    if out.exists() and (not out.is_dir() or any(out.iterdir()) and not marker.is_file()):
        raise SystemExit(f"build_pages.py: error: {out} exists and is not a folder of pages built here: "
                         "choose a new or empty folder (nothing was written)")
    shutil.rmtree(out, ignore_errors=True); (out / "nbs").mkdir(parents=True); marker.touch()
    chs = chapters()
    nbs = {p: nbformat.read(p, as_version=4) for p in chs}
    titles = {p: title_of(nb) or p.stem for p, nb in nbs.items()}
    written = []
    for i, p in enumerate(chs):
        links = [("../index.html", "Contents")]
        if i > 0: links.append((f"{chs[i - 1].stem}.html", f"< {titles[chs[i - 1]]}"))
        if i + 1 < len(chs): links.append((f"{chs[i + 1].stem}.html", f"{titles[chs[i + 1]]} >"))
        page = add_nav(relink(to_html(nbs[p], titles[p])), links)
        dst = out / "nbs" / f"{p.stem}.html"
        dst.write_text(page); copy_linked(page, dst.parent, NBS, out); written.append(dst)
    readme = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell((REPO / "README.md").read_text())])
    contents = "\n".join(f"1. [{titles[p]}](nbs/{p.stem}.html)" for p in chs)
    readme.cells.insert(0, nbformat.v4.new_markdown_cell("## Contents\n" + contents))
    page = fix_anchors(relink(to_html(readme, "layered-gan")))
    (out / "index.html").write_text(page); copy_linked(page, out, REPO, out); written.insert(0, out / "index.html")
    return written


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out", help="the folder to write (replaced)")
    a = ap.parse_args(argv)
    pages = build(Path(a.out))
    size = sum(f.stat().st_size for f in Path(a.out).rglob("*") if f.is_file())
    print(f"wrote {len(pages)} pages to {a.out} ({size / 1e6:.1f} MB); open {Path(a.out) / 'index.html'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
