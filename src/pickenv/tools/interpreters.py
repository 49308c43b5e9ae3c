"""Find a Python interpreter of a given MAJOR.MINOR version.

Looks at PATH (as given, not os.environ), then pyenv's versions folder, and checks
each candidate by running it: pyenv shims exist on PATH for versions that are not
active and fail when run.
"""

from __future__ import annotations

import subprocess
from collections.abc import Iterator, Mapping
from pathlib import Path

from pickenv.versions import PythonVersion

_PROBE = "import sys; sys.stdout.write('%d.%d' % sys.version_info[:2])"


def interpreter_version(executable: str) -> PythonVersion | None:
    try:
        result = subprocess.run(
            [executable, "-c", _PROBE],
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    if result.returncode != 0:
        return None
    try:  # /bin/true "succeeds" too: only a real MAJOR.MINOR answer counts
        return PythonVersion.parse(result.stdout)
    except ValueError:
        return None


def _candidates(version: PythonVersion, env: Mapping[str, str], home: Path) -> Iterator[str]:
    for entry in env.get("PATH", "").split(":"):
        if entry:
            on_path = Path(entry) / f"python{version}"
            if on_path.exists():
                yield str(on_path)
    pyenv_root = Path(env["PYENV_ROOT"]) if env.get("PYENV_ROOT") else home / ".pyenv"
    versions = pyenv_root / "versions"
    if versions.is_dir():
        # Newest patch release first ("3.9.18" before "3.9.2").
        def patch(path: Path) -> tuple[int, ...]:
            return tuple(int(p) for p in path.name.split(".") if p.isdigit())

        for folder in sorted(versions.glob(f"{version}.*"), key=patch, reverse=True):
            executable = folder / "bin" / f"python{version}"
            if executable.exists():
                yield str(executable)


def find_interpreter(
    version: PythonVersion,
    env: Mapping[str, str],
    home: Path,
    running: tuple[str, PythonVersion] | None = None,
) -> str | None:
    """An interpreter for ``version``: pickenv's own when it matches (``running`` is its
    executable and version), else PATH, else pyenv's versions folder."""
    if running is not None and running[1] == version:
        return running[0]
    for candidate in _candidates(version, env, home):
        if interpreter_version(candidate) == version:
            return candidate
    return None
