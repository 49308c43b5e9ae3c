"""The Context reads only the environment it is given. Its per-user folders give the
answers platformdirs gives (pickenv keeps a small table instead of importing it: see
context.py for the figure), on Linux, macOS and Windows."""

from __future__ import annotations

from pathlib import Path

import pytest

from pickenv.context import Context, expand_user, user_dir
from pickenv.versions import PythonVersion

WINDOWS_LOCAL = "C:\\Users\\ada\\AppData\\Local"


def platformdirs_answer(kind: str, platform: str, monkeypatch: pytest.MonkeyPatch) -> str:
    from platformdirs.macos import MacOS
    from platformdirs.unix import Unix
    from platformdirs.windows import Windows

    # Windows folders come from the Windows API; platformdirs' documented override
    # variable stands in for it off Windows.
    monkeypatch.setenv("WIN_PD_OVERRIDE_LOCAL_APPDATA", WINDOWS_LOCAL)
    cls = {"linux": Unix, "darwin": MacOS, "win32": Windows}[platform]
    dirs = cls("pickenv", appauthor=False)
    return str(dirs.user_config_dir if kind == "config" else dirs.user_cache_dir)


@pytest.mark.parametrize("kind", ["config", "cache"])
@pytest.mark.parametrize("platform", ["linux", "darwin", "win32"])
@pytest.mark.parametrize("xdg", [None, "/x/folder", "relative/folder"])
def test_user_folders_match_platformdirs(
    kind: str, platform: str, xdg: str | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    variable = "XDG_CONFIG_HOME" if kind == "config" else "XDG_CACHE_HOME"
    env = {"HOME": "/home/ada", "LOCALAPPDATA": WINDOWS_LOCAL}
    monkeypatch.setenv("HOME", "/home/ada")
    monkeypatch.delenv("XDG_CONFIG_HOME", raising=False)
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    if xdg is not None:
        env[variable] = xdg
        monkeypatch.setenv(variable, xdg)
    ours = user_dir(kind, env, platform, Path("/home/ada"))
    assert str(ours) == platformdirs_answer(kind, platform, monkeypatch)


def test_the_context_reads_the_mapping_not_the_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HOME", "/somewhere/else")
    env = {"HOME": str(tmp_path), "XDG_CACHE_HOME": str(tmp_path / "cache")}
    ctx = Context.from_environment(
        env, executable="/usr/bin/python3.12", version=PythonVersion(3, 12), platform="linux"
    )
    assert ctx.home == tmp_path
    assert ctx.config_dir == tmp_path / ".config" / "pickenv"
    assert ctx.cache_dir == tmp_path / "cache" / "pickenv"
    assert ctx.host_version == PythonVersion(3, 12) and str(ctx.host_version) == "3.12"
    assert expand_user("~/team.yaml", ctx.home) == tmp_path / "team.yaml"
    assert expand_user("/etc/team.yaml", ctx.home) == Path("/etc/team.yaml")
