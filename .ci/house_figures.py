"""House figures of a checkout (python .ci/house_figures.py ROOT): longest function of the exported package, longest code cell, share of exported cells followed by an example or check."""
import ast, json, glob, sys, re
root = sys.argv[1]
longest = (0, "")
for f in glob.glob(f"{root}/layered_gan/*.py"):
    if f.endswith("_modidx.py"): continue
    tree = ast.parse(open(f).read())
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            n = node.end_lineno - node.lineno + 1
            if n > longest[0]: longest = (n, f"{f.split('/')[-1]}:{node.name}")
cell_max, exp, checked = (0, ""), 0, 0
for f in sorted(glob.glob(f"{root}/nbs/*.ipynb")):
    cells = json.load(open(f))["cells"]
    for i, c in enumerate(cells):
        s = "".join(c["source"])
        if c["cell_type"] != "code": continue
        n = len(s.splitlines())
        if n > cell_max[0]: cell_max = (n, f"{f.split('/')[-1]} cell {i}")
        if re.match(r"#\|\s*export\b", s):
            exp += 1
            # followed (before the next exported cell) by a non-exported code cell: an example or a check
            for d in cells[i + 1:]:
                ds = "".join(d["source"])
                if d["cell_type"] != "code": continue
                if re.match(r"#\|\s*export\b", ds): break
                if not re.match(r"#\|\s*(hide|eval:\s*false)", ds) or "test_" in ds or "assert" in ds:
                    checked += 1; break
print(f"longest function: {longest[0]} lines ({longest[1]}); longest code cell: {cell_max[0]} lines ({cell_max[1]}); "
      f"exported cells followed by an example or check: {checked} of {exp} ({checked / exp:.0%})")
# stricter: the very next cell (markdown or code) that follows is a non-exported code cell
exp2 = chk2 = 0
for f in sorted(glob.glob(f"{root}/nbs/*.ipynb")):
    cells = json.load(open(f))["cells"]
    for i, c in enumerate(cells):
        s = "".join(c["source"])
        if c["cell_type"] == "code" and re.match(r"#\|\s*export\b", s):
            exp2 += 1
            nxt = cells[i + 1] if i + 1 < len(cells) else None
            if nxt and nxt["cell_type"] == "code" and not re.match(r"#\|\s*export", "".join(nxt["source"])): chk2 += 1
print(f"strict (the next cell is an example or check): {chk2} of {exp2} ({chk2 / exp2:.0%})")
