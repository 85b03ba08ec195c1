"""The docs cannot drift from the code: every file path and dotted module the pages of docs/ name
must exist, and nothing in the repository cites design notes kept outside it.

docs/architecture.md promises a newcomer finds any path of the system in one hop; a renamed module
would silently break that promise. So every `path/like.py` in docs/*.md (and `file.py::name`: the
name must be defined there) and every `dotted.module` (or `dotted.module.Name`) of our packages is
resolved against the tree, without importing anything.
"""

import re
from pathlib import Path

import pytest

from cpms.conformance import CATALOGUE

ROOT = Path(__file__).resolve().parents[2]
DOCS = sorted((ROOT / "docs").glob("*.md"))
PACKAGES = ("cpms", "stations", "billing", "loadmgmt", "tenants", "tests", "bench")
TOP_DIRS = (*PACKAGES, "docs", "deploy", "templates", "static")
EXTENSIONS = ("py", "md", "html", "toml", "conf", "sh", "yml", "yaml", "cfg", "ini", "txt", "json")

# `a/b/c.py` or `a/b/c.py::name`: not preceded by a word character, slash or dot (so no URL's path)
FILE = re.compile(r"(?<![\w/.<>-])((?:[\w.-]+/)+[\w.-]+\.(?:" + "|".join(EXTENSIONS) + r"))\b(?:::(\w+))?")
# a top-level folder of the repository, named as such: `billing/pricing/`
FOLDER = re.compile(r"`((?:" + "|".join(TOP_DIRS) + r")/(?:[\w.-]+/)*)`")
DOTTED = re.compile(r"`((?:" + "|".join(PACKAGES) + r")(?:\.\w+)+)`")
# Design notes that live outside the repository (its own words are in docs/)
OUTSIDE = re.compile(r"DESIGN\.md|DOMAIN\.md|OCPP16-CONFORMANCE|OCPP201-NOTES|\.\./shared/|/work/shared")


def references(pattern: re.Pattern) -> list[tuple[str, str]]:
    """(page, reference) for every match of `pattern` in docs/*.md."""
    return [(page.name, match.group(0)) for page in DOCS
            for match in pattern.finditer(page.read_text(encoding="utf-8"))]


def defines(source: Path, name: str) -> bool:
    """Does the module file define `name` (a function, class or module-level assignment)?"""
    text = source.read_text(encoding="utf-8")
    return re.search(rf"^(?:async def|def|class) {name}\b|^{name}\s*(?::[^=\n]*)?=", text, re.M) is not None


def module_file(dotted: str) -> Path | None:
    base = ROOT.joinpath(*dotted.split("."))
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def resolves(dotted: str) -> bool:
    """A module or package of ours, a name defined in one (`stations.models.Station`), or a model
    as Django names it, app label and class (`billing.LoadGroupTariff`)."""
    if module_file(dotted) is not None:
        return True
    parent, _, name = dotted.rpartition(".")
    for module in (parent, f"{parent}.models"):
        source = module_file(module)
        if source is not None and (defines(source, name) or re.search(rf"\b{name}\b", source.read_text(
                encoding="utf-8"))):
            return True
    return False


def test_the_docs_exist_and_are_indexed():
    index = (ROOT / "docs" / "README.md").read_text(encoding="utf-8")
    assert DOCS, "docs/ has no pages"
    unlisted = [page.name for page in DOCS if page.name != "README.md" and page.name not in index]
    assert not unlisted, f"docs/README.md does not list {unlisted}"


@pytest.mark.parametrize(("page", "reference"), references(FILE))
def test_every_file_the_docs_name_exists(page, reference):
    path, _, name = reference.partition("::")
    target = ROOT / path
    assert target.is_file(), f"docs/{page} names {path}, which does not exist"
    if name:
        assert defines(target, name), f"docs/{page} names {reference}: {path} defines no {name}"


@pytest.mark.parametrize(("page", "reference"), references(FOLDER))
def test_every_folder_the_docs_name_exists(page, reference):
    assert (ROOT / reference.strip("`")).is_dir(), f"docs/{page} names {reference}, which does not exist"


@pytest.mark.parametrize(("page", "reference"), references(DOTTED))
def test_every_module_the_docs_name_exists(page, reference):
    assert resolves(reference.strip("`")), f"docs/{page} names {reference}, which does not resolve"


def test_the_conformance_page_lists_every_case_of_the_catalogue():
    page = (ROOT / "docs" / "conformance.md").read_text(encoding="utf-8")
    missing = [case.id for case in CATALOGUE if f"| {case.id} |" not in page]
    assert not missing, f"docs/conformance.md has no row for {missing}"


def test_nothing_in_the_repository_cites_design_notes_outside_it():
    suffixes = {".py", ".md", ".html", ".toml", ".txt", ".cfg", ".sh", ".conf", ".yml", ".yaml"}
    skipped = {".venv", ".git", "node_modules", "cpms.egg-info", "media"}
    this = Path(__file__).resolve()
    cited = []
    for path in ROOT.rglob("*"):
        relative = path.relative_to(ROOT)
        if skipped & set(relative.parts) or path == this or not path.is_file():
            continue
        if path.suffix in suffixes or path.name == "Makefile":
            for number, line in enumerate(path.read_text(encoding="utf-8", errors="replace").splitlines(), 1):
                if OUTSIDE.search(line):
                    cited.append(f"{relative}:{number}: {line.strip()}")
    assert not cited, "cite docs/ instead:\n" + "\n".join(cited)
