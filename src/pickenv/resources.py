"""Where the built-in rules.yaml and templates/ are.

Both live at the repository root (people edit them there) and are copied into the
package by the wheel build (see ``[tool.hatch.build.targets.wheel.force-include]``).
An installed wheel finds them beside this module; a source checkout or an editable
install finds them two levels above ``src/pickenv``.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def _find(name: str) -> Path:
    shipped = _PACKAGE / name
    if shipped.exists():
        return shipped
    checkout = _PACKAGE.parent.parent / name
    if checkout.exists():
        return checkout
    raise FileNotFoundError(f"pickenv is installed without its {name}; reinstall pickenv")


def builtin_rules_path() -> Path:
    return _find("rules.yaml")


def templates_path() -> Path:
    return _find("templates")
