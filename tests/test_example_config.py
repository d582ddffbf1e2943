"""The example config is the reference: every setting the loader knows, its default, a comment.

Also the other first-hour papers a newcomer reads: the README sections the config files
point at exist, the licence `pyproject.toml` names is in the repository, and the README's
sealing-key recipe is one command that works after the quick start.
"""

from __future__ import annotations

import dataclasses
import re
import tomllib
import typing
from pathlib import Path
from typing import Any

from bot.config import Config, key_line, load_config

REPO = Path(__file__).resolve().parents[1]
EXAMPLE = REPO / "config" / "doxguard.toml"


def known_settings(cls: Any = Config, prefix: str = "") -> list[tuple[str, Any, Any]]:
    """(dotted key, default, type) of every setting the loader accepts (from its dataclasses)."""
    hints = typing.get_type_hints(cls)
    found: list[tuple[str, Any, Any]] = []
    for f in dataclasses.fields(cls):
        if "internal" in f.metadata:
            continue
        if f.default is not dataclasses.MISSING:
            default = f.default
        else:
            default = f.default_factory()  # type: ignore[misc]
        dotted = f"{prefix}{f.name}"
        if dataclasses.is_dataclass(default):
            found += known_settings(type(default), f"{dotted}.")
        else:
            found.append((dotted, default, hints[f.name]))
    return found


def _as_toml(value: Any) -> Any:
    if isinstance(value, tuple):
        return [_as_toml(v) for v in value]
    return value


def _lookup(data: dict[str, Any], dotted: str) -> Any:
    node: Any = data
    for part in dotted.split("."):
        node = node[part]
    return node


def test_example_lists_every_setting_with_its_default_and_a_comment() -> None:
    text = EXAMPLE.read_text(encoding="utf-8")
    data = tomllib.loads(text)
    lines = text.splitlines()
    settings = known_settings()
    assert len(settings) > 50  # the walk found the sections, not just the top level
    missing, wrong, silent = [], [], []
    for dotted, default, tp in settings:
        if typing.get_origin(tp) is dict:
            # a table of free keys (e.g. detection.actions): shown as a table with examples
            if not re.search(rf"^\s*\[{re.escape(dotted)}\]", text, re.M):
                missing.append(dotted)
            continue
        try:
            value = _lookup(data, dotted)
        except KeyError:
            missing.append(dotted)
            continue
        number = key_line(text, dotted)
        assert number is not None, dotted
        line = lines[number - 1]
        comment = line.partition("#")[2] if "#" in line.split("=", 1)[1] else ""
        above = lines[number - 2].lstrip().startswith("#") if number > 1 else False
        if not comment.strip() and not above:
            silent.append(dotted)
        if value != _as_toml(default) and "default:" not in comment:
            wrong.append(f"{dotted} = {value!r} (default {default!r}, not noted)")
    assert not missing, f"settings missing from {EXAMPLE.name}: {missing}"
    assert not wrong, f"values that are not the default and do not say so: {wrong}"
    assert not silent, f"settings without a comment: {silent}"


def test_example_has_no_setting_the_loader_does_not_know() -> None:
    load_config(EXAMPLE)  # unknown keys are refused at load


def _readme_headings() -> set[str]:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    return {m.group(1).strip() for m in re.finditer(r"^#{1,4}\s+(.+)$", readme, re.M)}


def test_config_files_point_at_readme_sections_that_exist() -> None:
    headings = _readme_headings()
    pointers = []
    for path in sorted((REPO / "config").glob("*.toml")):
        for m in re.finditer(r'README[^"\n]*"([^"]+)"', path.read_text(encoding="utf-8")):
            pointers.append((path.name, m.group(1)))
    assert pointers, "the servants file points at the README section with its format"
    for name, section in pointers:
        assert section in headings, f"{name} points at README section {section!r}, which is absent"


def test_licence_file_matches_pyproject() -> None:
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert project["license"] == {"text": "MIT"}
    licence = (REPO / "LICENSE").read_text(encoding="utf-8")
    assert licence.startswith("MIT License")
    assert "Permission is hereby granted, free of charge" in licence


def test_readme_has_one_sealing_key_recipe_that_works_after_the_quick_start() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    recipes = re.findall(r"^\s*export DOXGUARD_SEAL_KEY=(.+)$", readme, re.M)
    assert recipes, "the README shows how to set the sealing key"
    assert set(recipes) == {'"$(.venv/bin/doxguard keygen)"'}, recipes
    assert "from bot.seal" not in readme and "os.urandom" not in readme
