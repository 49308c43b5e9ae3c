"""Find a Python interpreter of a given MAJOR.MINOR version.

In order: the interpreter running pickenv when it is that version; pyenv's versions
folder (exact installs, whichever pyenv version is active); python-discovery, which
reads PATH (as given, not os.environ; pyenv, mise and asdf shims resolved to what they
run), the Windows registry of PEP 514 (what the py launcher reads: python.org's and
conda's installers write it) and uv's managed Pythons; then the py launcher itself
(``py -X.Y``), where there is one. Every candidate is checked by running it: pyenv
shims exist on PATH for versions that are not active and fail when run.

python-discovery queries Python 3.6 and later only: older targets (2.7) are looked up
as ``pythonX.Y`` on PATH, in pyenv and through the py launcher, as before.

Why python-discovery (virtualenv's, tox-dev) rather than PDM's findpython, measured on
the development machine (2 cores under a load of 4 to 10, Python 3.11; python-discovery
1.9.9, findpython 0.9.0):

- import, on top of pickenv's tool registry and `pickenv new`'s service (64.1 ms;
  medians of 21 interleaved runs): python-discovery +27.2 ms, findpython +9.8 ms. Both
  are imported only when an interpreter is searched (``pickenv new --create-env``,
  ``switch``), never by ``pickenv recommend``.
- finding 2.7 and 3.6 to 3.13, all in ~/.pyenv/versions, 3.11 active, two runs each:
  findpython alone found 3.6-3.13 in 40.4-52.4 s with the pyenv shims on PATH and
  6.6-6.8 s without (it runs every candidate to rank them); python-discovery alone took
  8.6-8.9 s and 0.4-0.5 s and found only the running 3.11 (it resolves shims to the
  active version and lists no pyenv folder). Neither finds 2.7: findpython runs
  candidates with -I, which 2.7 lacks, and python-discovery refuses below 3.6. pickenv's
  own search before found all nine in 2.7 s and 0.23 s; this module finds all nine in
  0.18-0.29 s either way (pyenv's folder first: one probe each, python-discovery not
  even imported).
- what each knows: both read PATH, pyenv, uv-managed Pythons and the PEP 514 registry;
  findpython adds asdf's and rye's folders and macOS's framework builds, python-discovery
  resolves pyenv, mise and asdf shims. Neither asks the py launcher (this module does).
  python-discovery takes the environment as a mapping (pickenv passes its Context's;
  findpython reads os.environ), is typed, and is installed already with virtualenv, tox
  and nox, which depend on it; 38 releases (1.0.0 to 1.9.9). findpython, PDM's: 27
  releases (0.1.0 to 0.9.0).
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator, Mapping
from pathlib import Path

from pickenv.versions import PythonVersion

_PROBE = "import sys; sys.stdout.write('%d.%d' % sys.version_info[:2])"
_WHERE = "import sys; sys.stdout.write(sys.executable)"
# The oldest Python python-discovery can query (it refuses older interpreters).
_DISCOVERABLE = PythonVersion(3, 6)


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


def _pyenv(version: PythonVersion, env: Mapping[str, str], home: Path) -> Iterator[str]:
    """pyenv's installs of ``version``, newest patch release first ("3.9.18" before
    "3.9.2"). pyenv's own layout (pyenv-win's differs, and python-discovery covers
    Windows through the registry)."""
    pyenv_root = Path(env["PYENV_ROOT"]) if env.get("PYENV_ROOT") else home / ".pyenv"
    versions = pyenv_root / "versions"
    if not versions.is_dir():
        return

    def patch(path: Path) -> tuple[int, ...]:
        return tuple(int(p) for p in path.name.split(".") if p.isdigit())

    for folder in sorted(versions.glob(f"{version}.*"), key=patch, reverse=True):
        executable = folder / "bin" / f"python{version}"
        if executable.exists():
            yield str(executable)


def _on_path(version: PythonVersion, env: Mapping[str, str]) -> Iterator[str]:
    """``pythonX.Y`` in each PATH entry: for the versions python-discovery cannot query.
    PATH is the running OS's, so its separator is the running OS's too."""
    for entry in env.get("PATH", "").split(os.pathsep):
        if entry:
            on_path = Path(entry) / f"python{version}"
            if on_path.exists():
                yield str(on_path)


def _discovered(version: PythonVersion, env: Mapping[str, str]) -> Iterator[str]:
    from python_discovery import get_interpreter  # imported only here: see the figures above

    try:
        info = get_interpreter(str(version), env=env)
    except (OSError, RuntimeError):  # an unreadable PATH entry, an interpreter that cannot be queried
        return
    if info is not None and info.version_info[:2] == (version.major, version.minor):
        # the interpreter itself rather than a venv built on it: new environments start clean
        yield info.system_executable or info.executable


def _py_launcher(version: PythonVersion, env: Mapping[str, str]) -> Iterator[str]:
    """What ``py -X.Y`` runs: the Windows launcher (and python-launcher on Unix) find
    installs the others miss, 2.7's on Windows among them."""
    launcher = shutil.which("py", path=env.get("PATH", ""))
    if launcher is None:
        return
    try:
        result = subprocess.run(
            [launcher, f"-{version}", "-c", _WHERE],
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
            env=dict(env),
        )
    except (OSError, subprocess.TimeoutExpired):
        return
    if result.returncode == 0 and result.stdout.strip():
        yield result.stdout.strip()


def _candidates(version: PythonVersion, env: Mapping[str, str], home: Path) -> Iterator[str]:
    yield from _pyenv(version, env, home)
    yield from _discovered(version, env) if version >= _DISCOVERABLE else _on_path(version, env)
    yield from _py_launcher(version, env)


def find_interpreter(
    version: PythonVersion,
    env: Mapping[str, str],
    home: Path,
    running: tuple[str, PythonVersion] | None = None,
) -> str | None:
    """An interpreter for ``version``: pickenv's own when it matches (``running`` is its
    executable and version), else pyenv's, python-discovery's or the py launcher's."""
    if running is not None and running[1] == version:
        return running[0]
    for candidate in _candidates(version, env, home):
        if interpreter_version(candidate) == version:
            return candidate
    return None
