"""The real client: every chapter (nbs/*.ipynb) opened in JupyterLab in headless Chromium, all its cells run, and the
page checked as a reader sees it.

How it works:

- The chapters are copied into a temporary folder (`<tmp>/lab/nbs/`, with `<tmp>/lab/data` a link to the repository's
  data/). In the copies, cells flagged with one of nbdev's `tst_flags` from pyproject.toml (`#| slow`, `#| notest`;
  today only one cell of 06_metrics, the 10-minute retraining of the FID feature net) and `#| eval: false` cells are
  removed, the same cells `nbdev-test` skips, since JupyterLab itself would run them. Outputs are cleared and the
  kernelspec set to python3, so every output on the page comes from this run. The notebooks import the installed
  package `layered_gan`.
- JupyterLab runs on 127.0.0.1 with a random token, its own settings (no news prompt, no notebook windowing) and
  IN_TEST=1, OMP_NUM_THREADS=1 for the kernels (the chapters shrink their work with IN_TEST).
- Chromium (Debian's, /usr/bin/chromium, driven by Playwright; no browser download) loads JupyterLab once per test
  process and keeps the page (a fresh one after a failure); in it, it opens each chapter in a new kernel, runs
  JupyterLab's `notebook:run-all-cells` command, waits until it has finished and the kernel is idle, and fails on:
  a cell with an error output or a Traceback on stderr, a code cell left unexecuted, a widget output that does not
  render as a widget (no `.jupyter-widgets` / `.widget-*` element, "Error displaying widget", still "Loading
  widget..."), or text that is a widget's plain repr ("VBox(children=...", "IntSlider(value=...").
- Then every widget output with controls (the chapters' explorers; not a progress bar) is exercised as a reader
  would: it must hold an image, and the image must change when a control moves (its first dropdown set to the next
  option, else its first checkbox clicked).
- With $LAYERED_GAN_SCREENSHOTS set to a folder, a screenshot of each chapter after its run goes there (the folder is
  printed); unset (CI), none is taken: a tall page's screenshot costs seconds a chapter, and nothing reads it.
- `test_checker_flags_a_broken_notebook` runs a tiny notebook with a real widget, a fake widget repr and a cell that
  raises, and checks that the checker flags exactly what it should.

Skipped, with the reason, when /usr/bin/chromium (or $LAYERED_GAN_CHROMIUM) or the playwright package is missing;
with LAYERED_GAN_REQUIRE_BROWSER=1 (CI) that is a failure instead. LAYERED_GAN_BROWSER_CHAPTERS=01_composition,index
limits the run to some chapters; LAYERED_GAN_BROWSER_TIMEOUT (seconds, default 600) bounds one chapter's run.
"""
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from _browser import CHROMIUM, missing, skip_mark

REPO = Path(__file__).resolve().parent.parent
NBS = REPO / "nbs"
RUN_TIMEOUT = float(os.environ.get("LAYERED_GAN_BROWSER_TIMEOUT", "600"))
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


MISSING = missing()
pytestmark = skip_mark("browser test") or []


def _chapters() -> list[str]:
    names = sorted(p.name for p in NBS.glob("*.ipynb"))
    only = [s.strip() for s in os.environ.get("LAYERED_GAN_BROWSER_CHAPTERS", "").split(",") if s.strip()]
    if only: names = [n for n in names if n.removesuffix(".ipynb") in only or n in only]
    return names


# ---------------------------------------------------------------- the notebooks JupyterLab gets

def _execute_chapters():
    "scripts/execute_chapters.py as a module: which cells a full run skips is decided in one place."
    import importlib.util
    spec = importlib.util.spec_from_file_location("execute_chapters", REPO / "scripts" / "execute_chapters.py")
    mod = importlib.util.module_from_spec(spec); spec.loader.exec_module(mod)
    return mod


def _skip_flags() -> set[str]: return _execute_chapters().skip_flags()


def _skipped_cell(src: str, flags: set[str]) -> bool:
    "A cell that nbdev-test does not run: one of the `tst_flags` or `eval: false`."
    return _execute_chapters().skipped(src, flags)


def _lab_copy(src: Path, dst: Path, flags: set[str]) -> int:
    "Copy the notebook `src` to `dst` without skipped cells and outputs; return how many cells were removed."
    nb = json.loads(src.read_text())
    cells, removed = [], 0
    for c in nb["cells"]:
        if c["cell_type"] == "code":
            if _skipped_cell("".join(c["source"]), flags):
                removed += 1
                continue
            c["outputs"], c["execution_count"] = [], None
        cells.append(c)
    nb["cells"] = cells
    nb.setdefault("metadata", {})["kernelspec"] = {"display_name": "Python 3", "language": "python", "name": "python3"}
    dst.write_text(json.dumps(nb, indent=1))
    return removed


def _code_cell(src: str) -> dict:
    return {"cell_type": "code", "execution_count": None, "id": secrets.token_hex(4), "metadata": {}, "outputs": [],
            "source": src}


BROKEN_CELLS = [
    "import ipywidgets as W\nW.VBox([W.IntSlider(3, description='real')])",   # 0: a widget that must render
    "print('VBox(children=(IntSlider(value=0),))')",                            # 1: looks like an unrendered widget
    "1 / 0",                                                                     # 2: an error
    "print('never reached')",                                                    # 3: left unexecuted
]


def _write_broken(dst: Path):
    nb = {"cells": [_code_cell(s) for s in BROKEN_CELLS], "nbformat": 4, "nbformat_minor": 5,
          "metadata": {"kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"}}}
    dst.write_text(json.dumps(nb, indent=1))


# ---------------------------------------------------------------- JupyterLab and Chromium

def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Lab:
    def __init__(self, root: Path, port: int, token: str, proc: subprocess.Popen, log: Path):
        self.root, self.port, self.token, self.proc, self.log = root, port, token, proc, log
        self.base = f"http://127.0.0.1:{port}"

    def api(self, path: str, method: str = "GET"):
        req = urllib.request.Request(f"{self.base}{path}", method=method,
                                     headers={"Authorization": f"token {self.token}"})
        with urllib.request.urlopen(req, timeout=30) as r:
            body = r.read()
        return json.loads(body) if body else None

    def shutdown_kernels(self):
        "Stop every session and kernel the last page left, so that one chapter runs at a time."
        for s in self.api("/api/sessions"): self.api(f"/api/sessions/{s['id']}", "DELETE")
        for k in self.api("/api/kernels"): self.api(f"/api/kernels/{k['id']}", "DELETE")

    def log_tail(self, n: int = 4000) -> str:
        try: return self.log.read_text(errors="replace")[-n:]
        except OSError: return ""


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    if MISSING: pytest.fail("LAYERED_GAN_REQUIRE_BROWSER is set but: " + "; ".join(MISSING))
    root = tmp_path_factory.mktemp("lab")
    (root / "nbs").mkdir()
    flags = _skip_flags()
    for nb in NBS.glob("*.ipynb"):
        n = _lab_copy(nb, root / "nbs" / nb.name, flags)
        if n: print(f"\n{nb.name}: {n} cell(s) flagged {sorted(flags)} or eval: false not run")
    for extra in ("data",):
        if (REPO / extra).exists(): (root / extra).symlink_to(REPO / extra)
    (root / "selftest").mkdir()
    _write_broken(root / "selftest" / "broken.ipynb")

    settings, conf = root / ".lab-settings", root / ".jupyter-config"
    for plugin, value in {"apputils-extension/notification": {"fetchNews": "false", "checkForUpdates": False},
                          "notebook-extension/tracker": {"windowingMode": "none"}}.items():
        f = settings / "@jupyterlab" / f"{plugin}.jupyterlab-settings"
        f.parent.mkdir(parents=True, exist_ok=True)
        f.write_text(json.dumps(value))
    conf.mkdir()
    port, token = _free_port(), secrets.token_hex(16)
    env = {**os.environ, "IN_TEST": "1", "OMP_NUM_THREADS": "1", "JUPYTER_CONFIG_DIR": str(conf),
           "JUPYTER_RUNTIME_DIR": str(root / ".jupyter-runtime")}
    env.pop("JUPYTER_TOKEN", None)
    cmd = [sys.executable, "-m", "jupyterlab", "--no-browser", "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={port}",
           "--ServerApp.port_retries=0", f"--ServerApp.token={token}", f"--ServerApp.root_dir={root}",
           "--ServerApp.allow_root=True", "--ServerApp.terminals_enabled=False",
           "--LabApp.expose_app_in_browser=True", "--LabApp.news_url=None",
           f"--LabApp.user_settings_dir={settings}", f"--LabApp.workspaces_dir={root / '.lab-workspaces'}"]
    log = root / "jupyterlab.log"
    with open(log, "wb") as fh:
        proc = subprocess.Popen(cmd, cwd=root, env=env, stdout=fh, stderr=subprocess.STDOUT, start_new_session=True)
    server = Lab(root, port, token, proc, log)
    try:
        deadline = time.monotonic() + 180
        while True:
            if proc.poll() is not None: pytest.fail(f"jupyter lab exited with {proc.returncode}:\n{server.log_tail()}")
            try:
                server.api("/api/status")
                break
            except (urllib.error.URLError, ConnectionError, OSError):
                if time.monotonic() > deadline: pytest.fail(f"jupyter lab did not answer in 180 s:\n{server.log_tail()}")
                time.sleep(1)
        yield server
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
            try: proc.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(10)


@pytest.fixture(scope="module")
def browser(lab, tmp_path_factory):
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        ctx = p.chromium.launch_persistent_context(
            str(tmp_path_factory.mktemp("chromium-profile")), executable_path=CHROMIUM, headless=True,
            args=CHROMIUM_ARGS, viewport={"width": 1400, "height": 1000})
        try: yield ctx
        finally: ctx.close()


class LabPage:
    """One JupyterLab page, loaded once and kept for the notebooks that follow: loading JupyterLab costs a few seconds
    of CPU a page. Each notebook is opened in it (`docmanager:open`), run, read and then closed (its widget disposed,
    its kernel stopped), so one notebook at a time is on the page. After a failure, or if a dialog is left open, the
    page is closed and the next notebook gets a fresh one."""
    def __init__(self, lab: "Lab", browser):
        self.lab, self.browser, self.page = lab, browser, None

    def get(self):
        if self.page is None:
            page = self.browser.new_page()
            page.set_default_timeout(60_000)
            page.goto(f"{self.lab.base}/lab?reset&token={self.lab.token}", wait_until="domcontentloaded")
            page.wait_for_function("() => !!(window.jupyterapp && window.jupyterapp.shell)", timeout=180_000, polling=200)
            page.evaluate("() => window.jupyterapp.restored.then(() => true)")
            self.page = page
        return self.page

    def close_documents(self) -> bool:
        "Dispose every document on the page (no save prompt: they are marked clean first); False if a dialog is open."
        return self.page.evaluate(_JS_CLOSE)

    def drop(self):
        if self.page is not None:
            try: self.page.close()
            finally: self.page = None


@pytest.fixture(scope="module")
def lab_page(lab, browser):
    lp = LabPage(lab, browser)
    try: yield lp
    finally: lp.drop()


@pytest.fixture(scope="module")
def screenshots():
    "The folder for screenshots ($LAYERED_GAN_SCREENSHOTS), or None: no screenshots."
    if not os.environ.get("LAYERED_GAN_SCREENSHOTS"): yield None; return
    d = Path(os.environ["LAYERED_GAN_SCREENSHOTS"])
    d.mkdir(parents=True, exist_ok=True)
    print(f"\nscreenshots of the chapters: {d}")
    yield d
    print(f"\nscreenshots of the chapters: {d}")


# ---------------------------------------------------------------- running a notebook and reading the page

_JS_PANEL = """(path) => {
  const app = window.jupyterapp;
  if (!app) return null;
  for (const w of app.shell.widgets('main')) if (w.context && w.context.path === path && w.content) return w;
  return null;
}"""

_JS_READY = f"""(path) => {{
  const w = ({_JS_PANEL})(path);
  if (!w || !w.context.isReady || !w.sessionContext.isReady || w.content.widgets.length === 0) return false;
  const k = w.sessionContext.session && w.sessionContext.session.kernel;
  return !!k && k.status === 'idle' && k.connectionStatus === 'connected';
}}"""

_JS_OPEN = """(path) => window.jupyterapp.commands.execute('docmanager:open', {path, factory: 'Notebook'}).then(() => true)"""

_JS_CLOSE = """() => {
  for (const w of Array.from(window.jupyterapp.shell.widgets('main'))) {
    if (w.context && w.context.model) w.context.model.dirty = false;
    w.dispose();
  }
  return document.querySelector('.jp-Dialog') === null;
}"""

_JS_RUN = f"""(path) => {{
  const app = window.jupyterapp, w = ({_JS_PANEL})(path);
  app.shell.activateById(w.id);
  window.__lgDone = null;
  app.commands.execute('notebook:run-all-cells').then(
    r => {{ window.__lgDone = {{ok: r === undefined ? null : r}}; }},
    e => {{ window.__lgDone = {{error: String(e && e.stack || e)}}; }});
  return true;
}}"""

_JS_STATE = f"""(path) => {{
  const w = ({_JS_PANEL})(path);
  const k = w && w.sessionContext.session && w.sessionContext.session.kernel;
  const running = w ? w.content.widgets.filter(c => c.model.type === 'code' &&
      /\\[\\*\\]/.test((c.node.querySelector('.jp-InputPrompt') || {{}}).textContent || '')).length : -1;
  const loading = document.body.innerText.includes('Loading widget...');
  return {{done: window.__lgDone, kernel: k ? k.status : null, running, loading}};
}}"""

_JS_CELLS = f"""(path) => {{
  const w = ({_JS_PANEL})(path);
  return w.content.widgets.map((c, i) => {{
    const r = {{index: i, type: c.model.type, source: c.model.sharedModel.getSource().slice(0, 300)}};
    if (c.model.type !== 'code') return r;
    r.execution_count = c.model.executionCount;
    r.errors = c.model.outputs.toJSON().filter(o => o.output_type === 'error')
                 .map(o => `${{o.ename}}: ${{o.evalue}}`);
    const kids = c.outputArea.widgets;                       // one child per output of the model, in order
    r.outputs = Array.from({{length: c.model.outputs.length}}, (_, j) => {{
      const m = c.model.outputs.get(j), node = kids[j] ? kids[j].node : null;
      const widgetEls = node ? Array.from(node.querySelectorAll('*')).filter(e =>
        e.classList.contains('jupyter-widgets') || Array.from(e.classList).some(k => k.startsWith('widget-'))) : [];
      return {{output_type: m.type, mimes: Object.keys(m.data || {{}}),
               text: node ? (node.innerText || '').slice(0, 2000) : '', widget_elements: widgetEls.length}};
    }});
    return r;
  }});
}}"""

_JS_SCROLL = f"""([path, top]) => {{
  // the notebook's scroller (the element with the tallest content) scrolled to `top`; left and right areas collapsed
  const w = ({_JS_PANEL})(path);
  window.jupyterapp.shell.collapseLeft(); window.jupyterapp.shell.collapseRight();
  let s = w.content.node;
  for (const e of w.node.querySelectorAll('.jp-WindowedPanel-outer, .jp-Notebook')) if (e.scrollHeight > s.scrollHeight) s = e;
  s.scrollTop = top;
  const cells = w.content.widgets, last = cells[cells.length - 1].node;  // the content ends with the last cell
  const height = last.getBoundingClientRect().bottom - s.getBoundingClientRect().top + s.scrollTop + 20;
  return {{height: Math.min(height, s.scrollHeight), visible: s.clientHeight, top: s.scrollTop}};
}}"""

WIDGET_MIME = "application/vnd.jupyter.widget-view+json"
STDERR_MIME = "application/vnd.jupyter.stderr"
WIDGET_REPR = re.compile(r"\b(?:VBox|HBox|Box|GridBox|Tab|Accordion|Stack)\(children="
                         r"|\b(?:IntSlider|FloatSlider|IntRangeSlider|FloatRangeSlider|SelectionSlider|Dropdown|Output"
                         r"|Button|Checkbox|ToggleButton|ToggleButtons|Text|Textarea|IntText|FloatText|Play|Label|HTML"
                         r"|Image|RadioButtons|Select|SelectMultiple)\((?:value|options|outputs|description|layout)=")


def problems_in(cells: list[dict]) -> list[str]:
    "What a reader would see as broken, one line per problem, from the cells that `_JS_CELLS` read off the page."
    out = []
    for c in cells:
        if c["type"] != "code": continue
        src = c["source"].strip()
        where = f"cell {c['index']} ({src.splitlines()[0][:60] if src else 'empty'!r})"
        if src and c["execution_count"] is None: out.append(f"{where}: not executed")
        out += [f"{where}: error output {e}" for e in c["errors"]]
        for o in c["outputs"]:
            text = o["text"]
            if STDERR_MIME in o["mimes"] and "Traceback" in text and not c["errors"]:
                out.append(f"{where}: Traceback on stderr: {text[-300:]!r}")
            if WIDGET_MIME in o["mimes"] and o["widget_elements"] == 0:
                out.append(f"{where}: widget output without a rendered widget: {text[:200]!r}")
            if "Error displaying widget" in text: out.append(f"{where}: {text[:200]!r}")
            if "Loading widget..." in text: out.append(f"{where}: widget still 'Loading widget...'")
            m = WIDGET_REPR.search(text)
            if m: out.append(f"{where}: a widget shown as its plain-text repr: {text[max(0, m.start() - 20):m.start() + 80]!r}")
    return out


def exercise_widgets(page) -> list[dict]:
    """Every widget output of the page: does it hold an image, and does the image change when a control moves (the
    widget's first dropdown set to its next option, else its first checkbox clicked)? One dict per widget output."""
    out = []
    areas = page.locator(".jp-OutputArea-output").filter(has=page.locator(".jupyter-widgets"))
    for k in range(areas.count()):
        area = areas.nth(k)
        imgs = area.locator("img")
        controls = area.locator("select, input, .widget-slider, .noUi-target").count()
        r = dict(index=k, image=imgs.count() > 0, changed=False, control=None, controls=controls)
        out.append(r)
        if not controls: r["control"] = "none (a display, e.g. a progress bar)"
        if not r["image"] or not controls: continue
        img = imgs.first
        before = img.get_attribute("src")
        select, box = area.locator("select").first, area.locator("input[type=checkbox]").first
        try:
            if area.locator("select").count():
                n = select.locator("option").count()
                i = select.evaluate("e => e.selectedIndex")
                select.select_option(index=(i + 1) % n); r["control"] = f"dropdown option {(i + 1) % n}"
            elif area.locator("input[type=checkbox]").count():
                box.click(); r["control"] = "checkbox"
            else:
                r["control"] = "none found"; continue
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline and not r["changed"]:
                page.wait_for_timeout(500)
                r["changed"] = img.get_attribute("src") != before
        except Exception as e:                             # reported by the test, with the widget's index
            r["error"] = f"{e.__class__.__name__}: {str(e)[:200]}"
    return out


def run_in_browser(lab: Lab, lab_page: LabPage, path: str, shot: Path | None, timeout: float = RUN_TIMEOUT,
                   widgets: list | None = None):
    """Open `path` (relative to the lab root) in JupyterLab, run all its cells, screenshot it; return (cells, seconds).
    With a list `widgets`, each widget output is then exercised (`exercise_widgets`) and its result appended."""
    t0 = time.monotonic()
    page, ok = lab_page.get(), False
    page.set_viewport_size({"width": 1400, "height": 1000})   # a screenshot may have grown it
    messages = []
    on_error = lambda e: messages.append(f"page error: {e}")
    page.on("pageerror", on_error)
    try:
        page.evaluate(_JS_OPEN, path)
        try: page.wait_for_function(_JS_READY, arg=path, timeout=180_000, polling=200)
        except Exception as e:
            _screenshot(page, shot, None)
            raise AssertionError(f"{path}: notebook or kernel not ready after 180 s ({e.__class__.__name__});"
                                 f" {messages}\n{lab.log_tail()}") from None
        t_ready = time.monotonic()
        page.evaluate(_JS_RUN, path)
        deadline, state = time.monotonic() + timeout, None
        while time.monotonic() < deadline:                 # finished: the command's promise settled, kernel idle
            state = page.evaluate(_JS_STATE, path)
            if state["done"] is not None and state["kernel"] == "idle" and state["running"] == 0: break
            time.sleep(0.25)
        else:
            _screenshot(page, shot, path)
            raise AssertionError(f"{path}: not finished after {timeout:.0f} s: {state}")
        if state["done"].get("error"): raise AssertionError(f"{path}: run-all-cells failed: {state['done']['error']}")
        for _ in range(120):                               # widgets render asynchronously after the kernel is idle
            if not page.evaluate(_JS_STATE, path)["loading"]: break
            time.sleep(0.25)
        page.wait_for_timeout(1000)
        cells = page.evaluate(_JS_CELLS, path)
        t_run = time.monotonic()
        _screenshot(page, shot, path)
        print(f"\n{path}: notebook and kernel ready in {t_ready - t0:.0f} s, cells run in {t_run - t_ready:.0f} s,"
              f" screenshot in {time.monotonic() - t_run:.0f} s")
        if widgets is not None: widgets.extend(exercise_widgets(page))
        ok = True
        return cells, time.monotonic() - t0
    finally:
        try:
            page.remove_listener("pageerror", on_error)
            ok = lab_page.close_documents() and ok
        except Exception:
            ok = False
        finally:
            if not ok: lab_page.drop()                     # a fresh page for the next notebook
            lab.shutdown_kernels()


def _screenshot(page, shot: Path | None, path: str | None, max_height: int = 12000):
    """The whole notebook: the viewport made as tall as the notebook, in one picture `shot` or, for a notebook taller
    than `max_height` px, in pictures `shot`-1, -2, ... scrolled down one after the other."""
    if shot is None: return
    try:
        if path is None: return page.screenshot(path=str(shot))
        sc = page.evaluate(_JS_SCROLL, [path, 0])
        chrome = page.viewport_size["height"] - sc["visible"]   # menu, tool and status bars
        for _ in range(3):                                 # content may reflow when the viewport grows
            page.set_viewport_size({"width": 1400, "height": int(min(max(sc["height"] + chrome + 10, 1000), max_height))})
            page.wait_for_timeout(1000)
            sc = page.evaluate(_JS_SCROLL, [path, 0])
            if sc["height"] <= sc["visible"] or sc["visible"] + chrome >= max_height: break
        if sc["height"] <= sc["visible"] + 1: return page.screenshot(path=str(shot))
        for n in range(1, 100):
            page.wait_for_timeout(500)
            page.screenshot(path=str(shot.with_name(f"{shot.stem}-{n}{shot.suffix}")))
            if sc["top"] + sc["visible"] >= sc["height"] - 1: break
            sc = page.evaluate(_JS_SCROLL, [path, sc["top"] + sc["visible"] - 200])
    except Exception as e:                                 # a missing picture must not hide the real failure
        print(f"screenshot {shot} failed: {e}")


# ---------------------------------------------------------------- the tests

@pytest.mark.timeout(300)
def test_checker_flags_a_broken_notebook(lab, lab_page, screenshots):
    cells, _ = run_in_browser(lab, lab_page, "selftest/broken.ipynb", screenshots and screenshots / "selftest_broken.png",
                              timeout=120)
    found = problems_in(cells)
    by_cell = {i: [p for p in found if p.startswith(f"cell {i} ")] for i in range(len(BROKEN_CELLS))}
    assert by_cell[0] == [], found                         # the real widget renders and is not flagged
    assert any(o["widget_elements"] > 0 and WIDGET_MIME in o["mimes"] for o in cells[0]["outputs"]), cells[0]
    assert any("plain-text repr" in p for p in by_cell[1]), found
    assert any("ZeroDivisionError" in p for p in by_cell[2]), found
    assert any("not executed" in p for p in by_cell[3]), found
    assert len(found) == 3, found


@pytest.mark.timeout(RUN_TIMEOUT + 300)
@pytest.mark.parametrize("chapter", _chapters())
def test_chapter_runs_in_jupyterlab(chapter, lab, lab_page, screenshots):
    shot = screenshots and screenshots / chapter.replace(".ipynb", ".png")
    if shot:
        for old in [shot, *screenshots.glob(f"{shot.stem}-*.png")]: old.unlink(missing_ok=True)
    exercised = []
    cells, seconds = run_in_browser(lab, lab_page, f"nbs/{chapter}", shot, widgets=exercised)
    widgets = sum(o["widget_elements"] > 0 for c in cells if c["type"] == "code" for o in c["outputs"]
                  if WIDGET_MIME in o["mimes"])
    shots = sorted(screenshots.glob(f"{shot.stem}.png")) + sorted(screenshots.glob(f"{shot.stem}-*.png")) if shot else []
    print(f"{chapter}: {len(cells)} cells, {seconds:.0f} s in all, {widgets} widget(s) rendered, screenshot(s)",
          ", ".join(p.name for p in shots))
    for c in cells:                                        # stderr that is no error (warnings): shown, not failed
        for o in c.get("outputs", []):
            if STDERR_MIME in o["mimes"] and "Traceback" not in o["text"]:
                print(f"  stderr of cell {c['index']}: {o['text'].strip()[:300]!r}")
    found = problems_in(cells)
    for w in exercised:          # every widget with controls draws a picture, and a new one when a control moves
        print(f"  widget {w['index']}: image {w['image']}, moved {w['control']}, image changed {w['changed']}")
        if not w["controls"]: continue                     # a display without controls (tqdm's progress bar)
        if not w["image"]: found.append(f"widget {w['index']}: its output holds no image")
        elif w.get("error") or not w["changed"]:
            found.append(f"widget {w['index']}: image unchanged after moving {w['control']} {w.get('error', '')}")
    assert len(exercised) >= widgets, (exercised, widgets)
    assert not found, (f"{chapter} in JupyterLab (screenshot: {shot or 'none; set LAYERED_GAN_SCREENSHOTS=DIR'}):\n"
                       + "\n".join(found))
