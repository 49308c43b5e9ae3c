"""The README's Layout table names every package of the source, so a newcomer finds the
home of a tool, a command, a format and an output in one look."""

from __future__ import annotations

import re
from pathlib import Path

import pickenv

ROOT = Path(__file__).resolve().parents[1]


def _named() -> set[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("\n## Layout\n", 1)[1].split("\n## ", 1)[0]
    return {
        name
        for row in section.splitlines()
        if row.startswith("| `")
        for name in re.findall(r"`([\w./]+)`", row.split("|")[1])
    }


def test_every_package_is_in_the_layout_table() -> None:
    source = Path(pickenv.__file__).parent
    packages = {f"{p.name}/" for p in source.iterdir() if (p / "__init__.py").is_file()}
    assert packages <= _named(), sorted(packages - _named())
    # and the table names nothing that is not there
    for name in _named():
        assert (source / name).exists(), name
