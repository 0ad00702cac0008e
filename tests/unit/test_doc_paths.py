"""The docs are a map that must not lie: every repository path they name exists, README stays a
front door (≤ 200 lines), and prose is wrapped at 100 characters.

What counts as a path named:
- in README.md and docs/**/*.md, outside fenced code blocks: an inline `code` token whose first
  segment is a top-level entry of the repository (`tray_app/core/holds.py`, `docs/x.md`,
  `scripts/system-packages`, `template.yaml`), resolved from the repository root; and the target
  of a markdown link that is not a URL or an anchor, resolved from the document's folder, as a
  forge does (`[x](../tests/README.md)`);
- in the docstrings of tray_app/, lambda_function/, bench/ and scripts/ (*.py): any word that
  starts with one of the repository's top-level folders and a `/` (`docs/design/session-core.md`),
  resolved from the repository root.
A token holding a placeholder (`<`, `*`, `…`, `{`, `$`) names a pattern, not a path: skipped.
Partial paths (`core/holds.py`) and bare file names (`machine.py`) are not checked, and a
top-level file is recognised only by its exact name (TOP_FILES): a misspelt `template.yml` in
backticks goes unseen; in a link it is caught.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
TOP_FOLDERS = (
    "tray_app",
    "lambda_function",
    "bench",
    "scripts",
    "docs",
    "tests",
    "policies",
    "assets",
    ".ci",
    ".github",
)
TOP_FILES = (
    "README.md",
    "template.yaml",
    "session-control.yaml",
    "Makefile",
    "pyproject.toml",
    "setup.py",
    "MANIFEST.in",
)
PLACEHOLDERS = ("<", "*", "…", "{", "$")
INLINE_CODE = re.compile(r"`([^`\n]+)`")
LINK = re.compile(r"\]\(([^)\s]+)\)")
FENCE = re.compile(r"^```.*?^```", re.MULTILINE | re.DOTALL)
DOCSTRING_PATH = re.compile(
    r"(?<![\w./-])(?:" + "|".join(re.escape(f) for f in TOP_FOLDERS) + r")/[\w./-]*"
)
# Made by the build (setup.py copies the shipped files there), so absent from a checkout.
BUILT = {"tray_app/bundled/"}
MAX_README_LINES = 200
MAX_WIDTH = 100


def documents() -> list[Path]:
    return [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]


def repository_path(token: str) -> bool:
    if any(mark in token for mark in PLACEHOLDERS) or " " in token:
        return False
    first = token.split("/", 1)[0]
    return (first in TOP_FOLDERS and "/" in token) or token in TOP_FILES


def named_in_markdown(text: str, folder: Path) -> list[tuple[str, Path]]:
    prose = FENCE.sub("", text)
    named = [(t, ROOT / t) for t in INLINE_CODE.findall(prose) if repository_path(t)]
    for target in LINK.findall(prose):
        if "://" in target or target.startswith(("#", "mailto:")):
            continue
        named.append((target, folder / target.split("#", 1)[0]))
    return named


def named_in_docstrings(source: Path) -> list[tuple[str, Path]]:
    tree = ast.parse(source.read_text(encoding="utf-8"))
    named = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            doc = ast.get_docstring(node) or ""
            for word in DOCSTRING_PATH.findall(doc):
                token = word.rstrip(".,:;")
                if not any(mark in token for mark in PLACEHOLDERS):
                    named.append((token, ROOT / token))
    return named


def missing(named: list[tuple[str, Path]]) -> list[str]:
    return [token for token, path in named if token not in BUILT and not path.exists()]


@pytest.mark.parametrize("doc", documents(), ids=lambda p: str(p.relative_to(ROOT)))
def test_every_path_a_document_names_exists(doc: Path) -> None:
    assert missing(named_in_markdown(doc.read_text(encoding="utf-8"), doc.parent)) == []


def test_every_path_a_docstring_names_exists() -> None:
    sources = [
        source
        for folder in ("tray_app", "lambda_function", "bench", "scripts")
        for source in sorted((ROOT / folder).rglob("*.py"))
    ]
    gone = {str(s.relative_to(ROOT)): missing(named_in_docstrings(s)) for s in sources}
    assert {source: paths for source, paths in gone.items() if paths} == {}


def test_the_check_sees_a_path_that_is_not_there() -> None:
    # the checks above pass on an empty list too; this one shows they look
    text = "See `tray_app/core/no_such_module.py` and [the map](no-such-page.md); `~/.config/x`."
    assert missing(named_in_markdown(text, ROOT / "docs")) == [
        "tray_app/core/no_such_module.py",
        "no-such-page.md",
    ]
    assert missing(named_in_markdown("`tray_app/core/holds.py`", ROOT / "docs")) == []


def test_readme_is_a_front_door() -> None:
    lines = (ROOT / "README.md").read_text(encoding="utf-8").splitlines()
    assert len(lines) <= MAX_README_LINES


@pytest.mark.parametrize("doc", documents(), ids=lambda p: str(p.relative_to(ROOT)))
def test_prose_is_wrapped_at_100_characters(doc: Path) -> None:
    # Fenced code blocks are exempt (a shell line is what it is); tables are not.
    prose = FENCE.sub("", doc.read_text(encoding="utf-8"))
    long = [line for line in prose.splitlines() if len(line) > MAX_WIDTH]
    assert long == []


def test_no_source_sends_the_reader_outside_the_repository() -> None:
    # the design notes (EMULATOR.md and its siblings) are not in the repository: docs/ has
    # the facts the code relies on
    outside = re.compile(r"\b(EMULATOR|ARCHITECTURE|DESKTOP_LINUX|WAYLAND|WINDOWS_WINE)\.md\b")
    sources = [
        source
        for folder in ("tray_app", "lambda_function", "bench", "scripts")
        for source in sorted((ROOT / folder).rglob("*.py"))
    ]
    named = [str(s.relative_to(ROOT)) for s in sources if outside.search(s.read_text("utf-8"))]
    assert named == []
