"""The one Context: everything outside a command's arguments that pickenv reads.

It is built once, by the CLI, from the environment mapping ``main()`` was given
(never ``os.environ`` or ``Path.home()`` directly), so tests and embedding programs
control every input: the home folder, the per-user config and cache folders, the
interpreter running pickenv, and the platform's conventions.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from pathlib import Path

from pickenv.platforms import Platform
from pickenv.records import Record
from pickenv.versions import PythonVersion

APP = "pickenv"


# A Record, not a frozen dataclass: every `pickenv recommend` defines it (pickenv.records).
class Context(Record):
    env: Mapping[str, str]
    home: Path
    config_dir: Path  # the user config lives here (config.yaml)
    cache_dir: Path  # parsed rules, cached tool installs
    host_python: str  # the interpreter running pickenv
    host_version: PythonVersion
    platform: str  # sys.platform
    # Its conventions as data: venv layout, PATH, the shell displayed commands are for.
    system: Platform
    cwd: Path  # where relative paths the user typed start

    @classmethod
    def from_environment(
        cls,
        env: Mapping[str, str],
        *,
        executable: str = sys.executable,
        version: PythonVersion | None = None,
        platform: str = sys.platform,
        cwd: Path | None = None,
    ) -> Context:
        home = home_folder(env, platform)
        return cls(
            env=env,
            home=home,
            config_dir=user_dir("config", env, platform, home),
            cache_dir=user_dir("cache", env, platform, home),
            host_python=executable,
            host_version=version or PythonVersion(sys.version_info[0], sys.version_info[1]),
            platform=platform,
            system=Platform.from_environment(platform, env),
            cwd=cwd or Path.cwd(),
        )


def home_folder(env: Mapping[str, str], platform: str) -> Path:
    variable = "USERPROFILE" if platform == "win32" else "HOME"
    if env.get(variable):
        return Path(env[variable])
    if platform != "win32":  # what expanduser does without HOME: the password database
        import pwd

        return Path(pwd.getpwuid(os.getuid()).pw_dir)
    return Path.home()  # pragma: no cover - Windows without USERPROFILE


def expand_user(path: str | Path, home: Path) -> Path:
    """``~/x`` -> ``<home>/x``, with the Context's home rather than the process's."""
    text = str(path)
    if text == "~" or text.startswith(("~/", "~\\")):
        return home / text[2:]
    return Path(text)


# platformdirs knows these folders too, but reads os.environ rather than the mapping
# passed in, and importing it costs 5 ms (measured: 4.8-5.4 ms on top of pickenv's
# own imports, on a 70-80 ms `pickenv recommend`). The table below gives the same
# answers for pickenv's two folders; tests/test_context.py checks it against
# platformdirs on Linux, macOS and Windows.
# kind: (Windows subfolder of %LOCALAPPDATA%, macOS folder, XDG variable, its default)
_USER_DIRS = {
    "config": ("", "Library/Application Support", "XDG_CONFIG_HOME", ".config"),
    "cache": ("Cache", "Library/Caches", "XDG_CACHE_HOME", ".cache"),
}


def user_dir(kind: str, env: Mapping[str, str], platform: str, home: Path) -> Path:
    """The platform's per-user folder of ``kind`` for pickenv (where copier keeps its own)."""
    windows_sub, macos, xdg_var, xdg_default = _USER_DIRS[kind]
    if platform == "win32":  # platformdirs: not roaming, so both live in %LOCALAPPDATA%
        base = Path(env["LOCALAPPDATA"]) if env.get("LOCALAPPDATA") else home / "AppData" / "Local"
        return base / APP / windows_sub if windows_sub else base / APP
    xdg = env.get(xdg_var, "")
    if xdg.startswith("/"):  # the XDG spec ignores relative paths; they win on macOS too
        return Path(xdg) / APP
    if platform == "darwin":
        return home / macos / APP
    return home / xdg_default / APP
