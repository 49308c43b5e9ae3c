"""Where the built-in rules.yaml, the bundled rules layers and templates/ are.

All three live at the repository root (people edit them there) and are copied into
the package by the wheel build (see ``[tool.hatch.build.targets.wheel.force-include]``).
An installed wheel finds them beside this module; a source checkout or an editable
install finds them two levels above ``src/pickenv``.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent
LAYERS_FOLDER = "rules.d"


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


def bundled_layers() -> dict[str, Path]:
    """Opt-in rules layers shipped with pickenv, by name (``--with uv`` reads ``uv.yaml``)."""
    return {path.stem: path for path in sorted(_find(LAYERS_FOLDER).glob("*.yaml"))}


def templates_path() -> Path:
    return _find("templates")


def project_template() -> Path:
    return templates_path() / "project"
