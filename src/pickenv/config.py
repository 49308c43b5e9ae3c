"""The user config file and the layering of rules files.

Nothing here reads ``os.environ`` or the home directory itself: the caller passes
them in, so tests and embedding programs control every input.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from pickenv.errors import ConfigError, UsageError

CONFIG_NAME = "config.yaml"
RULES_ENV = "PICKENV_RULES"
_KEYS = ("rules",)


# (Windows variable, its default under home, macOS folder, XDG variable, its default)
_USER_DIRS = {
    "config": ("APPDATA", "AppData/Roaming", "Library/Application Support", "XDG_CONFIG_HOME", ".config"),
    "cache": ("LOCALAPPDATA", "AppData/Local", "Library/Caches", "XDG_CACHE_HOME", ".cache"),
}


def _user_dir(kind: str, env: Mapping[str, str], platform: str, home: Path) -> Path:
    """The platform's per-user folder of ``kind`` for pickenv (where pipx and copier look)."""
    windows_var, windows_default, macos, xdg_var, xdg_default = _USER_DIRS[kind]
    if platform == "win32":
        base = Path(env[windows_var]) if env.get(windows_var) else home / windows_default
    elif platform == "darwin":
        base = home / macos
    else:
        base = Path(env[xdg_var]) if env.get(xdg_var) else home / xdg_default
    return base / "pickenv"


def user_config_dir(env: Mapping[str, str], platform: str, home: Path) -> Path:
    return _user_dir("config", env, platform, home)


@dataclass(frozen=True)
class UserConfig:
    path: Path
    rules: tuple[Path, ...]


def read_user_config(config_dir: Path) -> UserConfig | None:
    path = config_dir / CONFIG_NAME
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"cannot read the user config {path}: {exc}; fix or remove it") from None
    from pickenv.yamlio import load_located  # only when a config file exists

    root, problems = load_located(text, str(path))
    if root is None and not problems:
        return UserConfig(path, ())
    if root is not None and not isinstance(root.value, dict):
        problems.append(root.problem(f"the config must be a mapping with `rules:`, not {root.describe()}"))
    rules: list[Path] = []
    if root is not None and isinstance(root.value, dict):
        for key, node in root.value.items():
            if key not in _KEYS:
                problems.append(root.key_problem(key, f"unknown key {key!r}; allowed: {', '.join(_KEYS)}"))
                continue
            items = node.value if isinstance(node.value, list) else [node]
            for item in items:
                if not isinstance(item.value, str) or not item.value.strip():
                    problems.append(item.problem("`rules` entries must be paths to rules files"))
                else:
                    # Relative paths are relative to the config file, not the current folder.
                    rules.append(config_dir / Path(item.value).expanduser())
    if problems:
        raise ConfigError(problems, hint=f"fix or remove the user config {path}")
    return UserConfig(path, tuple(rules))


def rules_paths(
    builtin: Path,
    cli_rules: Sequence[Path],
    env: Mapping[str, str],
    config_dir: Path | None,
) -> list[Path]:
    """Built-in rules, then the user config's, then PICKENV_RULES, then --rules."""
    paths: list[Path] = [builtin]
    if config_dir is not None:
        config = read_user_config(config_dir)
        if config is not None:
            paths.extend(config.rules)
    for entry in env.get(RULES_ENV, "").split(_pathsep(env)):
        if entry.strip():
            paths.append(Path(entry.strip()).expanduser())
    paths.extend(cli_rules)
    return paths


def _pathsep(env: Mapping[str, str]) -> str:
    # PICKENV_RULES is a list like PATH; ';' on Windows, ':' elsewhere.
    return ";" if env.get("OS") == "Windows_NT" else ":"


def user_cache_dir(env: Mapping[str, str], platform: str, home: Path) -> Path:
    """Parsed rules and pinned virtualenv installs live here."""
    return _user_dir("cache", env, platform, home)
