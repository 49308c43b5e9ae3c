"""Shell completion scripts generated from the argparse parser itself, so they never
drift from the real options."""

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


def offer(action: argparse.Action, values: Callable[[], Sequence[str]]) -> None:
    """Let completion offer ``values()`` for an option that argparse does not restrict
    (its valid values are checked by the command, e.g. tools from plugins)."""
    setattr(action, VALUES, values)


def _options(parser: argparse.ArgumentParser) -> tuple[list[str], dict[str, list[str]]]:
    """All option strings, and for options taking a value: their choices ([] = files)."""
    words: list[str] = []
    valued: dict[str, list[str]] = {}
    for action in parser._actions:
        words += [o for o in action.option_strings]
        positional = not action.option_strings and not isinstance(action, argparse._SubParsersAction)
        if positional and action.choices:
            words += [str(c) for c in action.choices]  # a positional with choices: `completion bash`
        if action.option_strings and action.nargs != 0:
            choices = [str(c) for c in action.choices] if action.choices else []
            values = getattr(action, VALUES, None)  # values known only when asked (plugins)
            if values is not None:
                choices = list(values())
            for option in action.option_strings:
                valued[option] = choices
    return words, valued


def answer_values() -> list[str]:
    return [f"{q.id}={format_value(v)}" for q in QUESTIONS for v in q.values]


def _bash(parser: argparse.ArgumentParser) -> str:
    cases = []
    takes: set[str] = set()
    prev_cases = []
    for path, sub in _walk(parser):
        words, valued = _options(sub)
        words = list(subparsers(sub)) + words
        cases.append(f'    "{path}") opts="{" ".join(words)}" ;;')
        # Per subcommand: the same option may take different values (`rules check --format`).
        for option, choices in sorted(valued.items()):
            takes.add(option)
            if option in ("--answer", "-a"):
                choices = answer_values()
            if choices:
                reply = f'COMPREPLY=($(compgen -W "{" ".join(choices)}" -- "$cur"))'
            else:
                reply = 'COMPREPLY=($(compgen -f -- "$cur"))'
            prev_cases.append(f'    "{path}|{option}") {reply}; return ;;')
    takes_value = " ".join(sorted(takes))
    return f"""# pickenv bash completion: eval "$(pickenv completion bash)"
_pickenv() {{
  local cur="${{COMP_WORDS[COMP_CWORD]}}" prev="${{COMP_WORDS[COMP_CWORD-1]}}"
  local path="" skip="" w opts
  for w in "${{COMP_WORDS[@]:1:COMP_CWORD-1}}"; do
    if [ -n "$skip" ]; then skip=""; continue; fi
    case " {takes_value} " in *" $w "*) skip=1; continue ;; esac
    case "$w" in -*) ;; *) case "$path" in ""|rules) path="${{path:+$path }}$w" ;; esac ;; esac
  done
  case "$path|$prev" in
{chr(10).join(prev_cases)}
  esac
  case "$path" in
{chr(10).join(cases)}
    *) opts="" ;;
  esac
  COMPREPLY=($(compgen -W "$opts" -- "$cur"))
}}
complete -o default -F _pickenv pickenv
"""


def _fish(parser: argparse.ArgumentParser) -> str:
    lines = ["# pickenv fish completion: pickenv completion fish | source"]
    top = subparsers(parser)
    lines.append(f"complete -c pickenv -n __fish_use_subcommand -f -a '{' '.join(top)}'")
    for path, sub in _walk(parser):
        condition = " && ".join(f"__fish_seen_subcommand_from {word}" for word in path.split())
        condition = condition or "__fish_use_subcommand"
        children = subparsers(sub)
        if children and path:
            lines.append(f"complete -c pickenv -n '{condition}' -f -a '{' '.join(children)}'")
        for action in sub._actions:  # positional choices, e.g. `completion bash`
            if not action.option_strings and action.choices and not children:
                values = " ".join(str(c) for c in action.choices)
                lines.append(f"complete -c pickenv -n '{condition}' -f -a '{values}'")
        words, valued = _options(sub)
        for option in words:
            if not option.startswith("--"):
                continue
            choices = answer_values() if option == "--answer" else valued.get(option)
            extra = f" -r -f -a '{' '.join(choices)}'" if choices else (" -r -F" if option in valued else "")
            lines.append(f"complete -c pickenv -n '{condition}' -l {option[2:]}{extra}")
    return "\n".join(lines) + "\n"


def completion_script(shell: str, parser: argparse.ArgumentParser) -> str:
    if shell == "fish":
        return _fish(parser)
    script = _bash(parser)
    if shell == "zsh":
        # zsh runs bash completion functions through bashcompinit, whose `complete`
        # needs compinit's compdef: a plain ~/.zshrc has not loaded it.
        return (
            '# pickenv zsh completion: eval "$(pickenv completion zsh)"\n'
            "(( $+functions[compdef] )) || { autoload -Uz compinit && compinit; }\n"
            "autoload -U +X bashcompinit && bashcompinit\n" + script
        )
    return script
