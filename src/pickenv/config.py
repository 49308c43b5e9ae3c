"""The user config file and the order in which rules files are layered.

Nothing here reads ``os.environ`` or the home directory itself: the caller passes
the Context, so tests and embedding programs control every input.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from pickenv.context import Context, expand_user
from pickenv.errors import ConfigError, UsageError
from pickenv.inputs import CONFIG_LIMIT, InputError, read_text
from pickenv.records import Record
from pickenv.resources import builtin_rules_path, bundled_layers

CONFIG_NAME = "config.yaml"
RULES_ENV = "PICKENV_RULES"
TEAM_ENV = "PICKENV_TEAM"
_KEYS = ("rules", "with", "trust", "team")


# A Record, not a frozen dataclass: every `pickenv recommend` defines it (pickenv.records).
class UserConfig(Record):
    path: Path
    rules: tuple[Path, ...]  # team rules layers
    layers: tuple[str, ...]  # bundled layers to include (`with: [uv]`)
    trust: tuple[str, ...] = ()  # template sources (or prefixes ending in /) allowed to run tasks
    team: str | None = None  # the team file used by default


def read_user_config(config_dir: Path, home: Path) -> UserConfig | None:
    path = config_dir / CONFIG_NAME
    if not path.exists() and not path.is_symlink():
        return None
    try:
        text = read_text(path, CONFIG_LIMIT)
    except InputError as exc:
        raise UsageError(f"the user config {path} {exc}; fix or remove it") from None
    from pickenv.yamlio import excerpt, load_located, trimmed  # only when a config file exists

    root, problems = load_located(text, str(path))
    if root is None and not problems:
        return UserConfig(path, (), ())
    if root is not None and not isinstance(root.value, dict):
        problems.append(root.problem(f"the config must be a mapping with `rules:`, not {root.kind()}"))
    values: dict[str, list[str]] = {key: [] for key in _KEYS}
    if root is not None and isinstance(root.value, dict):
        for key, node in root.value.items():
            if key not in _KEYS:
                problems.append(
                    root.key_problem(key, f"unknown key {excerpt(key)}; allowed: {', '.join(_KEYS)}")
                )
                continue
            for item in node.value if isinstance(node.value, list) else [node]:
                if not isinstance(item.value, str) or not item.value.strip():
                    problems.append(item.problem(f"`{key}` entries must be text"))
                elif key == "with" and item.value.strip() not in bundled_layers():
                    problems.append(item.problem(_unknown_layer(item.value.strip())))
                else:
                    values[key].append(item.value.strip())
    if problems:
        raise trimmed(ConfigError(problems, hint=f"fix or remove the user config {path}"))
    # Relative rules paths are relative to the config file, not the current folder.
    rules = tuple(config_dir / expand_user(p, home) for p in values["rules"])
    team = values["team"][-1] if values["team"] else None
    if team:
        from pickenv.templating.source import is_remote  # only with a team: start-up pays nothing

        if not is_remote(team):
            team = str(config_dir / expand_user(team, home))  # relative to the config file too
    return UserConfig(path, rules, tuple(values["with"]), tuple(values["trust"]), team)


def chosen_team(flag: str | None, ctx: Context) -> str | None:
    """The team file in force: --team, then PICKENV_TEAM, then the user config."""
    if flag:
        return flag
    if ctx.env.get(TEAM_ENV):
        return ctx.env[TEAM_ENV]
    config = read_user_config(ctx.config_dir, ctx.home)
    return config.team if config else None


def _unknown_layer(name: str) -> str:
    from pickenv.yamlio import excerpt  # only on this error: start-up never imports YAML

    return f"unknown bundled rules layer {excerpt(name)}; pickenv ships: {', '.join(bundled_layers())}"


def check_layers(names: Sequence[str]) -> tuple[str, ...]:
    """Bundled layer names as given on the command line, checked."""
    known = bundled_layers()
    for name in names:
        if name not in known:
            raise UsageError(_unknown_layer(name))
    return tuple(names)


def rules_paths(
    ctx: Context, cli_rules: Sequence[Path], cli_layers: Sequence[str] = (), *, team_layers: bool = True
) -> list[Path]:
    """Built-in rules, bundled layers (config `with:` and --with), then team layers:
    the user config's and PICKENV_RULES (unless ``team_layers`` is false), then --rules."""
    config = read_user_config(ctx.config_dir, ctx.home)
    layers = bundled_layers()
    wanted = dict.fromkeys([*(config.layers if config else ()), *check_layers(cli_layers)])
    paths: list[Path] = [builtin_rules_path(), *(layers[name] for name in wanted)]
    if team_layers:
        if config is not None:
            paths.extend(config.rules)
        for entry in ctx.system.split_path_list(ctx.env.get(RULES_ENV, "")):  # a list like PATH
            if entry.strip():
                paths.append(expand_user(entry.strip(), ctx.home))
    paths.extend(cli_rules)
    return paths
