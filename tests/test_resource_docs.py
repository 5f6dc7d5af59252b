"""docs/resources/ is what scripts/gen_resource_docs.py writes from the code today: a page cannot go stale."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

from cac_director.conventions import REGISTRY

REPO_ROOT = Path(__file__).resolve().parent.parent
PAGES = REPO_ROOT / "docs" / "resources"


def _generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("gen_resource_docs", REPO_ROOT / "scripts" / "gen_resource_docs.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_page_is_current() -> None:
    expected = _generator().render_all()
    on_disk = {path.name: path.read_text(encoding="utf-8") for path in PAGES.glob("*.md")}
    assert sorted(on_disk) == sorted(expected), "run .venv/bin/python scripts/gen_resource_docs.py"
    stale = [name for name, text in expected.items() if on_disk[name] != text]
    assert not stale, f"out of date: {stale}; run .venv/bin/python scripts/gen_resource_docs.py"


def test_one_page_per_type_with_what_it_promises() -> None:
    pages = _generator().render_all()
    for conv in REGISTRY:
        page = pages[f"{conv.yaml_section}.md"]
        assert f"pulumi-python:dynamic/cacdirector:{conv.type_name}" in page
        assert f"`{conv.name_key}`" in page
        for ref in conv.references:
            assert f"`{ref.path}`" in page
        for key in conv.immutable_fields:
            assert f"`{key}`" in page.split("## Changes that replace", 1)[1].split("##", 1)[0]
        assert f"  {conv.yaml_section}:\n  - " in page, "the example shows an object of the section"
        assert f"]({conv.yaml_section}.md)" in pages["README.md"]


def test_check_mode_reports_a_stale_page(tmp_path: Path) -> None:
    generator = _generator()
    for name, text in generator.render_all().items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    generator.OUT = tmp_path
    assert generator.main(["--check"]) == 0
    (tmp_path / "repos.md").write_text("# edited by hand\n", encoding="utf-8")
    assert generator.main(["--check"]) == 1
    assert generator.main([]) == 0
    assert generator.main(["--check"]) == 0
