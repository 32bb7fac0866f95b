"""Every code example the docs site shows runs against FakeKlaviyo: the pages' ```python blocks (one page's
blocks in order, sharing a namespace with an open ``kv``, as the README's do) and the examples in the
docstrings the pages render. A block that cannot run here is marked ``<!-- no-run: why -->`` and counted."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.docs.rendered import DOCS, code_blocks, pages, rendered_docstrings
from tests.examples.harness import python_blocks, run_blocks

PAGES = {page.relative_to(DOCS).as_posix(): python_blocks(page.read_text(encoding="utf-8")) for page in pages()}
DOCSTRING_EXAMPLES = [(name, block) for name, doc in rendered_docstrings() for block in code_blocks(doc)]
# Blocks that may not run, at most: each must say why.
MAX_NO_RUN = 2


def test_the_docs_have_examples_to_run() -> None:
    runnable = [code for blocks in PAGES.values() for code, reason in blocks if reason is None]
    assert len(runnable) >= 9
    assert any(name == "klaviyo_generated.filters" for name, _ in DOCSTRING_EXAMPLES)


def test_few_blocks_are_marked_no_run_and_each_says_why() -> None:
    marked = [(page, reason) for page, blocks in PAGES.items() for _, reason in blocks if reason is not None]
    assert len(marked) <= MAX_NO_RUN, marked
    assert all(len(reason) >= 10 for _, reason in marked), marked


@pytest.mark.parametrize("page", sorted(page for page, blocks in PAGES.items() if blocks))
def test_every_block_of_the_page_runs_against_the_fake(
    page: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    run_blocks([code for code, reason in PAGES[page] if reason is None], f"docs/{page}", monkeypatch, tmp_path)


@pytest.mark.parametrize(("name", "block"), DOCSTRING_EXAMPLES, ids=[name for name, _ in DOCSTRING_EXAMPLES])
def test_every_docstring_example_on_the_site_runs_against_the_fake(
    name: str, block: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    run_blocks([block], f"the docstring of {name}", monkeypatch, tmp_path)
