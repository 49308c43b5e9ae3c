"""Shell completion scripts generated from the argparse parser itself, so they never
drift from the real options.

What a value completes to is decided once, here, for every shell (``value_kind``):
an option's choices (or the values ``offer`` lists), else by what the value is named:
folders for a ``DIR``, a ``SOURCE`` and a project's ``path``; files for a ``FILE``,
``FILE_OR_URL`` and an ``INTERPRETER``; nothing for free text (a name, an author, a
description, ``NAME=VALUE``, a version), where a list of files would only mislead.
``complete_as`` overrides that for one argument.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Sequence

from pickenv.questionnaire.questions import QUESTIONS, format_value


def subparsers(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    return {}


def _walk(parser: argparse.ArgumentParser, path: str = "") -> list[tuple[str, argparse.ArgumentParser]]:
    found = [(path, parser)]
    for name, sub in subparsers(parser).items():
        found += _walk(sub, f"{path} {name}".strip())
    return found


# An option whose values are listed only for completion (see ``offer``).
VALUES = "pickenv_values"
# What an argument's value completes to, when its name does not say (see ``complete_as``).
COMPLETES = "pickenv_completes"
FOLDERS, FILES, NOTHING = "folders", "files", "nothing"
_BY_METAVAR = {"DIR": FOLDERS, "SOURCE": FOLDERS, "FILE": FILES, "FILE_OR_URL": FILES, "INTERPRETER": FILES}
_BY_DEST = {"path": FOLDERS, "source": FOLDERS, "file": FILES}  # positionals, which have no metavar


def offer(action: argparse.Action, values: Callable[[], Sequence[str]]) -> None:
    """Let completion offer ``values()`` for an option that argparse does not restrict
    (its valid values are checked by the command, e.g. tools from plugins)."""
    setattr(action, VALUES, values)


def complete_as(action: argparse.Action, kind: str) -> None:
    """Complete ``action``'s value as ``FOLDERS``, ``FILES`` or ``NOTHING``, whatever its name."""
    setattr(action, COMPLETES, kind)


def value_kind(action: argparse.Action) -> str | list[str]:
    """What the value of ``action`` completes to: its choices, or FOLDERS, FILES or NOTHING."""
    values = getattr(action, VALUES, None)  # values known only when asked (plugins)
    if values is not None:
        return list(values())
    if action.choices:
        return [str(c) for c in action.choices]
    if action.option_strings and action.option_strings[0] in ("--answer", "-a"):
        return answer_values()
    explicit: str | None = getattr(action, COMPLETES, None)
    if explicit is not None:
        return explicit
    if isinstance(action.metavar, str) and action.metavar in _BY_METAVAR:
        return _BY_METAVAR[action.metavar]
    if not action.option_strings:
        return _BY_DEST.get(action.dest, NOTHING)
    return NOTHING


def _positional(parser: argparse.ArgumentParser) -> argparse.Action | None:
    """The parser's positional argument (pickenv's commands have one at most)."""
    for action in parser._actions:
        if not action.option_strings and not isinstance(action, argparse._SubParsersAction):
            return action
    return None


def _options(parser: argparse.ArgumentParser) -> tuple[list[str], dict[str, str | list[str]]]:
    """All option strings (and a positional's choices), and what each option's value completes to."""
    words: list[str] = []
    valued: dict[str, str | list[str]] = {}
    for action in parser._actions:
        words += list(action.option_strings)
        positional = not action.option_strings and not isinstance(action, argparse._SubParsersAction)
        if positional and action.choices:
            words += [str(c) for c in action.choices]  # a positional with choices: `completion bash`
        if action.option_strings and action.nargs != 0:
            for option in action.option_strings:
                valued[option] = value_kind(action)
    return words, valued


def answer_values() -> list[str]:
    return [f"{q.id}={format_value(v)}" for q in QUESTIONS for v in q.values]


def _bash_reply(kind: str | list[str]) -> str:
    if isinstance(kind, list):
        return f'COMPREPLY=($(compgen -W "{" ".join(kind)}" -- "$cur"))'
    if kind in (FOLDERS, FILES):
        return f"_pickenv_paths {kind}"
    return "COMPREPLY=()"  # free text: nothing to offer


def _bash(parser: argparse.ArgumentParser, register: str) -> str:
    cases = []
    takes: set[str] = set()
    prev_cases = []
    walked = _walk(parser)
    groups = " ".join(f"|{path}|" for path, sub in walked if subparsers(sub))
    for path, sub in walked:
        words, valued = _options(sub)
        words = list(subparsers(sub)) + words
        positional = _positional(sub)
        pos = "" if positional is None or positional.choices else value_kind(positional)
        cases.append(f'    "{path}") opts="{" ".join(words)}"; pos="{pos}" ;;')
        # Per subcommand: the same option may take different values (`rules check --format`).
        for option, kind in sorted(valued.items()):
            takes.add(option)
            prev_cases.append(f'    "{path}|{option}") {_bash_reply(kind)}; return ;;')
    takes_value = " ".join(sorted(takes))
    return f"""# pickenv bash completion: eval "$(pickenv completion bash)"
_pickenv_paths() {{  # $1: folders or files
  local IFS=$'\\n'  # one name a line: names with spaces stay whole
  compopt -o filenames 2>/dev/null || :  # bash: quote names, mark folders (zsh: -o filenames)
  local flag=-f
  if [ "$1" = folders ]; then flag=-d; fi
  COMPREPLY=($(compgen "$flag" -- "$cur"))
}}
_pickenv() {{
  local cur="${{COMP_WORDS[COMP_CWORD]}}" prev="${{COMP_WORDS[COMP_CWORD-1]}}"
  local path="" skip="" w opts pos given=0
  for w in "${{COMP_WORDS[@]:1:$((COMP_CWORD - 1))}}"; do  # zsh: an arithmetic length
    if [ -n "$skip" ]; then skip=""; continue; fi
    case " {takes_value} " in *" $w "*) skip=1; continue ;; esac
    case "$w" in
      -*) ;;
      *) case " {groups} " in *" |$path| "*) path="${{path:+$path }}$w" ;; *) given=$((given + 1)) ;; esac ;;
    esac
  done
  case "$path|$prev" in
{chr(10).join(prev_cases)}
  esac
  case "$path" in
{chr(10).join(cases)}
    *) opts="" pos="" ;;
  esac
  if [ -n "$pos" ] && [ "$given" -eq 0 ] && [ "${{cur#-}}" = "$cur" ]; then
    case "$pos" in folders|files) _pickenv_paths "$pos" ;; *) COMPREPLY=() ;; esac
    return
  fi
  COMPREPLY=($(compgen -W "$opts" -- "$cur"))
}}
{register}
"""


_FISH_DIRS = "(__fish_complete_directories (commandline -ct) '')"


def _fish_value(kind: str | list[str]) -> str:
    if isinstance(kind, list):
        return f" -r -f -a '{' '.join(kind)}'"
    if kind == FOLDERS:
        return f' -r -f -a "{_FISH_DIRS}"'
    if kind == FILES:
        return " -r -F"
    return " -r -f"  # free text: a value is required, and nothing is offered for it


def _fish(parser: argparse.ArgumentParser) -> str:
    lines = ["# pickenv fish completion: pickenv completion fish | source"]
    top = subparsers(parser)
    lines.append(f"complete -c pickenv -n __fish_use_subcommand -f -a '{' '.join(top)}'")
    for path, sub in _walk(parser):
        condition = " && ".join(f"__fish_seen_subcommand_from {word}" for word in path.split())
        condition = condition or "__fish_use_subcommand"
        children = subparsers(sub)
        if children and path:  # a group's subcommands, until one is given
            names = " ".join(children)
            chosen = f"not __fish_seen_subcommand_from {names}"
            lines.append(f"complete -c pickenv -n '{condition} && {chosen}' -f -a '{names}'")
        positional = _positional(sub)
        if positional is not None and not children and path:
            kind = value_kind(positional)
            if isinstance(kind, list):  # positional choices, e.g. `completion bash`
                lines.append(f"complete -c pickenv -n '{condition}' -f -a '{' '.join(kind)}'")
            elif kind == FOLDERS:
                lines.append(f"complete -c pickenv -n '{condition}' -f -a \"{_FISH_DIRS}\"")
            elif kind == NOTHING:
                lines.append(f"complete -c pickenv -n '{condition}' -f")
        elif not children and path:
            lines.append(f"complete -c pickenv -n '{condition}' -f")  # no positional: no file names
        words, valued = _options(sub)
        for option in words:
            if not option.startswith("--"):
                continue
            extra = _fish_value(valued[option]) if option in valued else ""
            lines.append(f"complete -c pickenv -n '{condition}' -l {option[2:]}{extra}")
    return "\n".join(lines) + "\n"


def completion_script(shell: str, parser: argparse.ArgumentParser) -> str:
    if shell == "fish":
        return _fish(parser)
    if shell == "zsh":
        # zsh runs bash completion functions through bashcompinit, whose `complete`
        # needs compinit's compdef: a plain ~/.zshrc has not loaded it. Without -o default
        # nothing falls back to file names (free text offers none); -o filenames makes
        # the files and folders it offers behave as zsh's own.
        return (
            '# pickenv zsh completion: eval "$(pickenv completion zsh)"\n'
            "(( $+functions[compdef] )) || { autoload -Uz compinit && compinit; }\n"
            "autoload -U +X bashcompinit && bashcompinit\n"
            + _bash(parser, "complete -o filenames -F _pickenv pickenv")
        )
    # No -o default: bash would offer file names wherever the function offers nothing.
    return _bash(parser, "complete -F _pickenv pickenv")
