"""Writing uv.lock at another lock's versions (``pickenv switch`` from Pipfile.lock,
pip-tools' compiled files or a pylock.toml to uv).

uv writes its own lock and takes no constraints file on `uv lock`, so the pins go into
pyproject.toml's ``[tool.uv] constraint-dependencies`` for one `uv lock`, which
resolves at those versions; pyproject.toml is then put back and `uv lock` runs again,
which keeps the locked versions where they still satisfy the project (uv prefers what a
lock has). The result is a lock with the old versions and a pyproject.toml with nothing
of pickenv's in it. It needs the package index (as any `uv lock`); without it, or when
the old versions do not resolve together, no lock is written and the ledger says so.
"""

from __future__ import annotations

import re
import subprocess
from collections.abc import Mapping
from pathlib import Path

from pickenv.formats.model import Pin

TIMEOUT = 600  # seconds for one `uv lock` of a large project on a slow index


def constraints(pins: tuple[Pin, ...]) -> list[str]:
    """The pins as PEP 508 constraints. A package pinned to two versions keeps the second
    only under another marker (a fork: one for Python < 3.9, one for the rest); else the
    first version given wins (the caller gives the default group's first)."""
    held: dict[str, list[Pin]] = {}
    lines: list[str] = []
    for pin in pins:
        if not pin.version or pin.url:
            continue  # a URL is the requirement's own (a git source), not a version to hold
        same = held.setdefault(pin.name, [])
        if any(
            p.version != pin.version and (not p.marker or not pin.marker or p.marker == pin.marker)
            for p in same
        ):
            continue
        same.append(pin)
        line = f"{pin.name}=={pin.version}" + (f"; {pin.marker}" if pin.marker else "")
        if line not in lines:
            lines.append(line)
    return lines


def lock_at(folder: Path, pins: tuple[Pin, ...], env: Mapping[str, str], python: str | None) -> str:
    """uv.lock in ``folder`` at the versions of ``pins``; ``python``: an interpreter the
    project's requires-python admits, for uv to lock with (None: uv finds or fetches one)."""
    import tomlkit

    from pickenv.formats.uvlock import uv_command

    uv = uv_command()
    if uv is None:
        return "uv is not installed here to write uv.lock"
    pyproject = folder / "pyproject.toml"
    original = pyproject.read_bytes()
    document = tomlkit.parse(original.decode("utf-8"))
    tool = document.setdefault("tool", tomlkit.table(is_super_table=True))
    uv_table = tool.setdefault("uv", tomlkit.table())
    held = list(uv_table.get("constraint-dependencies", []))
    uv_table["constraint-dependencies"] = held + constraints(pins)
    try:
        pyproject.write_text(tomlkit.dumps(document), encoding="utf-8")
        why = _lock(uv, folder, env, python)
    finally:
        pyproject.write_bytes(original)
    if not why:
        why = _lock(uv, folder, env, python)
    if why:
        (folder / "uv.lock").unlink(missing_ok=True)
    return why


def _lock(uv: list[str], folder: Path, env: Mapping[str, str], python: str | None) -> str:
    """Run `uv lock` in ``folder``: "" when it wrote the lock, else uv's reason."""
    try:
        done = subprocess.run(
            [*uv, "lock", "--directory", str(folder), *(("--python", python) if python else ())],
            capture_output=True,
            text=True,
            env={**env, "UV_NO_PROGRESS": "1"},
            timeout=TIMEOUT,
            stdin=subprocess.DEVNULL,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return f"`uv lock` did not finish within {TIMEOUT} s"
    except OSError as exc:
        return f"uv does not run ({exc.strerror})"
    if done.returncode == 0:
        return ""
    said = [
        line.strip().lstrip("╰─▶ ").removeprefix("cause: ")
        for line in done.stderr.splitlines()
        if line.strip()
    ]
    # uv says "No solution found" first and why after it: the why is what to show
    causes = [line for line in said if line.startswith("Because")]
    first = (
        causes[-1]
        if causes
        else next((line for line in said if "error" in line.lower()), said[-1] if said else "")
    )
    first = re.sub(r" after \d+ retries in [\d.]+m?s", "", first)  # the same words every time
    return f"`uv lock` could not keep them ({first[:200]})"
