"""Write the Sphinx source tree of the docs site: cleaned copies of the notebooks plus the reference pages.

The notebooks in nbs/ stay untouched; their copies lose nbdev's `#|` directive lines, `#| hide` cells, show_doc
cells without output (the API pages cover those) and local paths in outputs. Usage: `python prepare.py OUT_DIR`.
"""
from __future__ import annotations

import ast, copy, re, shutil, sys
from configparser import ConfigParser
from pathlib import Path

import nbformat

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
NBS = ROOT / "nbs"
_settings = ConfigParser(delimiters=["="])
_settings.read(ROOT / "settings.ini", encoding="utf-8")
CFG = _settings["DEFAULT"]
REPO_URL = f"{CFG['git_url']}/blob/{CFG['branch']}"

DIRECTIVE = re.compile(r"^\s*#\s*\|\s*(.*?)\s*$")
# the TqdmWarning that tqdm.auto prints when ipywidgets is missing, with the line it quotes
TQDM_WARNING = re.compile(r"^.*TqdmWarning: IProgress not found.*\n(?:\s+from \.autonotebook import tqdm.*\n)?", re.M)
# absolute paths of the machine that ran the notebook: /work/..., /home/..., /tmp/..., a venv's site-packages
LOCAL_PATH = re.compile(r"(?<![\w.:/-])(?:/(?:work|home|root|Users|tmp|private|opt|usr)(?:/[\w.@+-]+)+|[\w./-]*\.venv(?:/[\w.@+-]+)+)")
MD_LINK = re.compile(r"(\]\()([^)\s]+)(\))")


def notebook_pages() -> list[Path]:
    "Notebooks to render, pipeline order: index (the README), nbs/NN_*.ipynb, then the benchmark notebooks."
    main = sorted(p for p in NBS.glob("*.ipynb") if p.stem != "index" and not p.name.startswith("_"))
    return [NBS / "index.ipynb", *main, *sorted((NBS / "benchmarks").glob("*.ipynb"))]


def scrub(text: str) -> str:
    "Drop the ipywidgets warning and replace absolute local paths in an output by their last parts."
    text = TQDM_WARNING.sub("", text)
    def short(m):
        p = m.group(0)
        if "site-packages/" in p: return "<site-packages>/" + p.split("site-packages/", 1)[1]
        rel = Path(p).relative_to(ROOT) if p.startswith(str(ROOT) + "/") else None
        return str(rel) if rel else "<local path>/" + Path(p).name
    return LOCAL_PATH.sub(short, text)


def scrub_output(out: dict) -> dict | None:
    "`out` with local paths scrubbed from its text; None when nothing is left of it."
    if out.get("output_type") == "stream":
        out["text"] = scrub(out["text"])
        return out if out["text"].strip() else None
    for mime, val in out.get("data", {}).items():
        if isinstance(val, str) and not mime.startswith("image/"): out["data"][mime] = scrub(val)
    if out.get("output_type") == "error": out["traceback"] = [scrub(t) for t in out.get("traceback", [])]
    return out


def tidy_show_doc(md: str) -> str:
    "show_doc's markdown without its rule (docutils allows none inside an output) and quarto's link attributes."
    md = re.sub(r"^\s*---\s*\n", "", md)
    return re.sub(r"(\]\([^)]*\))\{[^}]*\}", r"\1", md)


def fix_links(md: str, nb: Path, pages: set[Path]) -> str:
    "Links to other notebooks stay (Sphinx resolves them); links to other files of the repository go to the DEVELOPING page or GitHub."
    def fix(m):
        target = m.group(2)
        if re.match(r"^(?:[a-z]+:|#)", target): return m.group(0)
        path, _, anchor = target.partition("#")
        dest = (nb.parent / path).resolve()
        if dest in pages or not dest.exists(): return m.group(0)  # Sphinx resolves pages and warns on missing files
        if dest == ROOT / "DEVELOPING.md":
            rel = Path(*[".."] * len(nb.parent.relative_to(NBS).parts), "developing.md")
            return f"{m.group(1)}{rel.as_posix()}{'#' + anchor if anchor else ''}{m.group(3)}"
        try: rel = dest.relative_to(ROOT).as_posix()
        except ValueError: return m.group(0)
        return f"{m.group(1)}{REPO_URL}/{rel}{'#' + anchor if anchor else ''}{m.group(3)}"
    return MD_LINK.sub(fix, md)


def clean_notebook(nb: nbformat.NotebookNode, nb_path: Path, pages: set[Path]) -> nbformat.NotebookNode:
    "The notebook (read from `nb_path`) as the site shows it; changes `nb` in place."
    cells = []
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            cell.source = fix_links(cell.source, nb_path, pages)
            cells.append(cell); continue
        if cell.cell_type != "code": continue
        lines = cell.source.splitlines()
        directives = [DIRECTIVE.match(l).group(1) for l in lines if DIRECTIVE.match(l)]
        if any(re.match(r"^(hide|exporti?\s*hide|include:\s*false)\b", d) for d in directives): continue
        cell.source = "\n".join(l for l in lines if not DIRECTIVE.match(l)).strip("\n")
        outputs = [o for o in (scrub_output(o) for o in cell.get("outputs", [])) if o is not None]
        if any(re.match(r"^output:\s*false", d) for d in directives): outputs = []
        tags = []
        if re.match(r"^show_doc\(", cell.source):
            if not outputs: continue  # nothing to show: the API page documents it
            for o in outputs:
                if "text/markdown" in o.get("data", {}): o["data"]["text/markdown"] = tidy_show_doc(o["data"]["text/markdown"])
            tags.append("remove-input")
        if any(re.match(r"^echo:\s*false", d) for d in directives): tags.append("remove-input")
        if not cell.source and not outputs: continue
        cell.outputs = outputs
        cell.metadata = {"tags": tags} if tags else {}
        cells.append(cell)
    nb.cells = cells
    # nbdev_clean strips the kernel's metadata; myst-nb needs the language to highlight code
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.metadata["language_info"] = {"name": "python", "pygments_lexer": "ipython3"}
    return nb


def toctree(caption: str, entries: list[str], hidden=True) -> str:
    "A MyST toctree: a group of pages in the navigation."
    opts = ":hidden:\n" if hidden else ""
    return f"```{{toctree}}\n:caption: {caption}\n{opts}:maxdepth: 1\n\n" + "\n".join(entries) + "\n```\n"


def title_of(nb: nbformat.NotebookNode) -> str:
    "The notebook's `# title`."
    for c in nb.cells:
        if c.cell_type == "markdown" and c.source.lstrip().startswith("# "):
            return c.source.strip().splitlines()[0][2:].strip()
    return ""


def module_of(nb: nbformat.NotebookNode) -> str | None:
    "The module the notebook exports to (its `#| default_exp`)."
    for c in nb.cells:
        if c.cell_type == "code":
            for l in c.source.splitlines():
                m = DIRECTIVE.match(l)
                if m and m.group(1).startswith("default_exp"): return m.group(1).split()[1]
    return None


def module_constants(mod: str) -> list[tuple[str, bool]]:
    """Public module-level values (names in `__all__` bound by assignment), each with whether its source is short.
    Read from the source, not imported: autodoc's automodule lists only values that carry a doc comment."""
    source = (ROOT / CFG["lib_path"] / f"{mod}.py").read_text()
    public, short = set(), {}
    for node in ast.parse(source).body:
        if not isinstance(node, (ast.Assign, ast.AnnAssign)) or node.value is None: continue
        for t in getattr(node, "targets", [getattr(node, "target", None)]):
            if not isinstance(t, ast.Name): continue
            if t.id == "__all__": public = set(ast.literal_eval(node.value))
            else: short[t.id] = len(ast.get_source_segment(source, node.value) or "") <= 60
    return [(name, is_short) for name, is_short in short.items() if name in public]


def api_pages(out: Path, nbs: list[tuple[Path, nbformat.NotebookNode]]) -> list[str]:
    "One autodoc page per exported module, in pipeline order; returns their document names."
    (out / "api").mkdir()
    names = []
    for path, nb in nbs:
        mod = module_of(nb)
        if not mod or mod.startswith("_"): continue  # __init__: the top-level names are documented in their modules
        title = title_of(nb)  # its `> summary` line is the module's docstring, which automodule shows
        (out / "api" / f"{mod}.md").write_text(
            f"# `{mod}`: {title}\n\nExplained, with examples and tests, in the notebook {{doc}}`../{path.stem}`.\n\n"
            f"```{{eval-rst}}\n.. automodule:: schybridbert.{mod}\n   :members:\n   :undoc-members:\n\n"
            + "".join(f".. autodata:: schybridbert.{mod}.{name}\n" + ("" if short else "   :no-value:\n") + "\n"
                      for name, short in module_constants(mod)) + "```\n")
        names.append(f"api/{mod}")
    return names


def prepare(out: Path) -> None:
    if out.exists(): shutil.rmtree(out)
    out.mkdir(parents=True)
    paths = notebook_pages()
    pages = {p.resolve() for p in paths}
    originals = []
    for path in paths:
        nb = nbformat.read(path, as_version=4)
        originals.append((path, copy.deepcopy(nb)))
        dest = out / path.relative_to(NBS)
        dest.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(clean_notebook(nb, path, pages), dest)
    api = api_pages(out, originals)
    for page in HERE.glob("*.md"):  # the API page's module list is generated: `<!-- modules -->` marks its place
        (out / page.name).write_text(page.read_text().replace("<!-- modules -->", toctree("Modules", api, hidden=False)))
    (out / "developing.md").write_text((ROOT / "DEVELOPING.md").read_text())
    # the home page (nbs/index.ipynb) holds the site's navigation: a hidden toctree appended to its copy
    index = nbformat.read(out / "index.ipynb", as_version=4)
    pipeline = [p.relative_to(NBS).with_suffix("").as_posix() for p in paths if p.parent == NBS and p.stem != "index"]
    bench = [p.relative_to(NBS).with_suffix("").as_posix() for p in paths if p.parent != NBS]
    index.cells.append(nbformat.v4.new_markdown_cell(
        toctree("Pipeline notebooks", pipeline) + toctree("Reference", ["api", "cli"])
        + toctree("Benchmark notebooks", bench) + toctree("Development", ["developing"])))
    nbformat.write(index, out / "index.ipynb")


if __name__ == "__main__":
    prepare(Path(sys.argv[1]))
