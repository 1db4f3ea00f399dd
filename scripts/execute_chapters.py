"""Run the chapters in place, in their normal mode (IN_TEST unset), and keep their outputs.

    python scripts/execute_chapters.py                 # every chapter, one after the other
    python scripts/execute_chapters.py 01_composition  # some chapters
    python scripts/execute_chapters.py --jobs 2        # two at a time, one torch thread each

Each chapter runs in a fresh python3 kernel started in nbs/, as a reader's "Run All" would, except the cells that
`nbdev-test` skips too (a `tst_flags` directive of pyproject.toml, e.g. `#| slow`, or `#| eval: false`): those stay
without outputs, since one of them alone takes longer than all the chapters. Then:

- a widget's output drops its widget view, whose state a saved file does not hold (JupyterLab would show "model not
  found" in its place), and keeps its static form: the explorers' picture (`image/png`), a progress bar's text; the
  live widget returns when the cell runs again;
- figures wider than 1000 px are scaled down and every PNG is stored with a 256-colour palette (`shrink_pictures`),
  which keeps the saved chapters light;
- the notebook is cleaned with `nbdev-clean` (outputs kept), as CI expects;
- `data/chapter_outputs.json` records, per chapter, a hash of each code cell's source with its number of outputs, the
  wall time and the date. `tests/test_chapters.py` fails when a chapter's code no longer matches its outputs (run this
  script on it again), when an output is missing, or when one holds an error.

A failing cell stops the chapter with the error, and its file is left as it was.
"""
import argparse, datetime, hashlib, json, os, re, subprocess, sys, time, tomllib
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
NBS, MANIFEST = REPO / "nbs", REPO / "data" / "chapter_outputs.json"
WIDGET = "application/vnd.jupyter.widget-view+json"


def skip_flags() -> set[str]:
    return set(tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["nbdev"]["tst_flags"].split())


def skipped(src: str, flags: set[str]) -> bool:
    "A cell `nbdev-test` does not run: one of the `tst_flags`, or `eval: false`."
    for line in src.splitlines():
        m = re.match(r"\s*#\|\s*(.*?)\s*$", line)
        if not m: continue
        d = m.group(1)
        if d.split() and d.split()[0] in flags: return True
        if re.fullmatch(r"eval\s*:\s*(false|False)", d): return True
    return False


def cell_hash(src: str) -> str:
    return hashlib.sha1(src.encode()).hexdigest()[:12]


def static_widgets(nb) -> int:
    """Drop every widget view (a saved file holds no widget state); what stays is the output's static form: the
    picture of the chapters' explorers, the text of a progress bar. Returns how many views were dropped."""
    n = 0
    for c in nb.cells:
        for o in c.get("outputs", []):
            if WIDGET in o.get("data", {}):
                del o["data"][WIDGET]; n += 1
    nb.metadata.pop("widgets", None)
    return n


def shrink_pictures(nb, max_width: int = 1000) -> tuple[int, int]:
    """Saved figures at a size a repository carries well: wider than `max_width` px scaled down, and every PNG stored
    with a 256-colour palette (the chapters' figures are plots and small generated images). Returns bytes before and
    after."""
    import base64, io
    from PIL import Image
    before = after = 0
    for c in nb["cells"]:
        for o in c.get("outputs", []):
            data = o.get("data", {})
            if "image/png" not in data: continue
            raw = base64.b64decode(data["image/png"]); before += len(raw)
            im = Image.open(io.BytesIO(raw)).convert("RGB")
            if im.width > max_width: im = im.resize((max_width, round(im.height * max_width / im.width)), Image.LANCZOS)
            buf = io.BytesIO()
            im.quantize(256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE).save(buf, "PNG", optimize=True)
            if buf.tell() < len(raw): data["image/png"] = base64.b64encode(buf.getvalue()).decode()
            after += min(buf.tell(), len(raw))
    return before, after


def execute(name: str, flags: set[str], timeout: int) -> dict:
    import nbformat
    from nbclient import NotebookClient

    class Client(NotebookClient):
        async def async_execute_cell(self, cell, cell_index, execution_count=None, store_history=True):
            if cell.cell_type == "code" and skipped(cell.source, flags):
                cell.outputs = []
                return cell
            return await super().async_execute_cell(cell, cell_index, execution_count, store_history)

    path = NBS / f"{name}.ipynb"
    nb = nbformat.read(path, as_version=4)
    env_before = os.environ.pop("IN_TEST", None)
    t0 = time.time()
    try:
        Client(nb, timeout=timeout, kernel_name="python3", resources={"metadata": {"path": str(NBS)}}).execute()
    finally:
        if env_before is not None: os.environ["IN_TEST"] = env_before
    seconds = time.time() - t0
    widgets = static_widgets(nb)
    shrink_pictures(nb)
    nbformat.write(nb, path)
    subprocess.run(["nbdev-clean", "--fname", str(path)], cwd=REPO, check=True)
    nb = json.loads(path.read_text())
    cells = [dict(hash=cell_hash("".join(c["source"])), outputs=len(c.get("outputs", [])),
                  skipped=skipped("".join(c["source"]), flags))
             for c in nb["cells"] if c["cell_type"] == "code"]
    print(f"{name}: {seconds:.0f} s, {sum(c['outputs'] for c in cells)} outputs, {widgets} widget view(s) saved as their static form",
          flush=True)
    return dict(cells=cells, seconds=round(seconds, 1), date=datetime.date.today().isoformat())


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("chapters", nargs="*", help="chapter names without .ipynb (default: all)")
    ap.add_argument("--timeout", type=int, default=1800, help="seconds one cell may run (default 1800)")
    ap.add_argument("--jobs", type=int, default=1, help="chapters run at a time, one torch thread each when more than 1")
    a = ap.parse_args(argv)
    if a.jobs < 1: ap.error(f"--jobs must be positive, got {a.jobs}")
    names = a.chapters or sorted(p.stem for p in NBS.glob("*.ipynb"))
    missing = [n for n in names if not (NBS / f"{n}.ipynb").is_file()]
    if missing: ap.error(f"no chapter {', '.join(missing)} in {NBS}")
    flags = skip_flags()
    manifest = json.loads(MANIFEST.read_text()) if MANIFEST.is_file() else {}
    def record(n, rec):
        manifest[n] = rec
        MANIFEST.write_text(json.dumps(dict(sorted(manifest.items())), indent=1) + "\n")
    if a.jobs == 1:
        for n in names: record(n, execute(n, flags, a.timeout))
        return 0
    from concurrent.futures import ProcessPoolExecutor
    os.environ["OMP_NUM_THREADS"] = "1"                    # the kernels inherit it: one thread each, side by side
    with ProcessPoolExecutor(a.jobs) as ex:
        futures = {n: ex.submit(execute, n, flags, a.timeout) for n in names}
        for n, f in futures.items(): record(n, f.result())
    return 0


if __name__ == "__main__":
    sys.exit(main())
