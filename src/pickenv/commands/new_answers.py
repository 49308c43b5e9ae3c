"""The answers `pickenv new` needs besides the questionnaire's: tool, description,
author, licence and whether to create the environment. Each comes from its flag, the
answers file, a prompt or its default (the questionnaire's order), and on a terminal
the user reviews everything before a file is written: create, change one answer, go
back through the questions (Esc does that too), or abort (exit 130, nothing written).
Esc at a prompt asked from the review returns to the review with nothing changed.

A support module of ``commands.new``: it knows the command's flags.
"""

from __future__ import annotations

import argparse
import shlex
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from functools import partial
from typing import TYPE_CHECKING, Any

from pickenv.commands.options import answering_of
from pickenv.commands.terminal import Terminal
from pickenv.context import Context
from pickenv.creation.fields import LICENSES, check_bool, check_license, git_user_name, one_line
from pickenv.errors import EXIT_INTERRUPTED, AnswerError, Fix, NoTTYError, PickenvError, UsageError
from pickenv.questionnaire.questions import QUESTIONS, Question, Value, format_value, get_question
from pickenv.questionnaire.resolve import Resolver

if TYPE_CHECKING:
    from pickenv.creation.choice import ToolChoice
    from pickenv.questionnaire.prompts import Prompts
    from pickenv.rules.engine import Assessment, Recommendation

FIELDS = ("tool", "description", "author", "license", "create_env")
LABELS = {
    "tool": "Tool",
    "description": "Description",
    "author": "Author",
    "license": "Licence",
    "create_env": "Create the environment",
}
TEXT_HELP = {
    "description": "one line, for pyproject.toml and the README",
    "author": "for pyproject.toml and LICENSE",
}
# Abort keeps its place (third) from before "back" existed; Esc goes back too.
ACTIONS = [
    ("create", "Create the project"),
    ("change", "Change an answer"),
    ("abort", "Abort: write nothing"),
    ("back", "Back through the questions (your answers preselected)"),
]
ABORTED = "aborted; nothing was created"


@dataclass
class Gathered:
    """Everything answered, and what the answers led to."""

    result: Recommendation
    choice: ToolChoice
    values: dict[str, Any]  # the project's answers, by field
    asked: bool = False  # a prompt was shown: worth printing the command that repeats it
    chosen: set[str] = field(default_factory=set)  # fields the user set (not defaults)
    # What was asked at a prompt (questions and fields), so going back asks it again;
    # what came from flags, the answers file or the team file stays as it is.
    prompted: set[str] = field(default_factory=set)


def _given(args: argparse.Namespace, extras: Mapping[str, object], key: str) -> tuple[object, str] | None:
    flag = getattr(args, key)
    if flag is not None:
        return flag, f"--{key.replace('_', '-')}"
    return (extras[key], "answers file") if key in extras else None


class NewAnswers:
    def __init__(
        self,
        args: argparse.Namespace,
        ctx: Context,
        terminal: Terminal,
        name: str,
        scaffolded: tuple[str, ...],
    ) -> None:
        self.args, self.ctx, self.terminal, self.name = args, ctx, terminal, name
        # The run's answers by the one policy (flags, answers file, team file), read once;
        # the answers file's other keys are the project's fields.
        self.policy, self.extras = answering_of(args, ctx, terminal.stdin)
        self.scaffolded = scaffolded  # the tools the template has files for
        # A team template's own limits on pickenv's questions: defaults among its
        # choices, and a check of the answers against them.
        self.template_defaults: dict[str, Value] = {}
        self.refuse: Callable[[Mapping[str, Value]], None] | None = None
        # Fields settled by the template when no flag or answers file says (a team
        # template's environment is set up as its README says: create_env is no).
        self.template_fields: dict[str, object] = {}
        # A team template that sets up its own environment tool: pickenv chooses none
        # (the recommendation is still made and shown), and --tool cannot choose one.
        self.tool_owner = ""
        # A team template's own choices for a field (its `license` question's): they
        # replace pickenv's for checking and asking.
        self.field_choices: dict[str, tuple[str, ...]] = {}
        self.prompting = terminal.interactive and not args.defaults
        self._prompts: Prompts | None = None

    @property
    def prompts(self) -> Prompts:
        if self._prompts is None:
            from pickenv.questionnaire.prompts import Prompts  # questionary: only when a prompt is shown

            self._prompts = Prompts(self.terminal.prompt_colors())
        return self._prompts

    def choice(self, result: Recommendation) -> ToolChoice:
        from pickenv.creation.choice import ToolChoice
        from pickenv.rules.service import assess_with_layer
        from pickenv.tools import tool_names

        known = tool_names()
        scaffolded = self.scaffolded
        answers = dict(result.answers)

        def outside(tool: str) -> Assessment | None:
            return assess_with_layer(self.ctx, self.policy.rules, self.policy.layers, answers, tool)

        return ToolChoice(result, [t for t in known if t in scaffolded], known, outside)

    def _checks(self, choice: ToolChoice) -> dict[str, Callable[[object, str], Any]]:
        def text(what: str) -> Callable[[object, str], str]:
            return lambda value, origin: one_line(what, value, origin)

        checks: dict[str, Callable[[object, str], Any]] = {
            "tool": choice.check,
            "description": text("description"),
            "author": text("author"),
            "license": check_license,
            "create_env": check_bool,
        }
        for key, allowed in self.field_choices.items():
            checks[key] = partial(_one_of, key, allowed)
        return checks

    def _ask(self, key: str, choice: ToolChoice, default: Any, back: bool = False) -> Any:
        """The prompt of one project field (``back``: asked from the review, Esc returns there)."""
        if key == "tool":
            from pickenv.questionnaire.prompts import shortened

            why = choice.why_recommended()
            help = f"pickenv recommends {choice.recommendation.recommendation}" + (f": {why}" if why else ".")
            menu = choice.menu()
            return self.prompts.select("Which environment tool?", menu, default, shortened(help), back=back)
        if key == "license":
            licences = [(x, x) for x in self.field_choices.get("license", LICENSES)]
            return self.prompts.select("Licence?", licences, default, "the LICENSE file", back=back)
        if key == "create_env":
            help = "create it, install the project and run its tests now"
            return self.prompts.confirm("Create the environment now?", bool(default), help, back=back)
        check = self._checks(choice)[key]
        return self.prompts.text(f"{LABELS[key]}?", str(default), check, TEXT_HELP[key], back=back)

    def text_defaults(self) -> dict[str, Callable[[], str]]:
        """pickenv's defaults for the project's description, author and licence."""
        return {
            "description": lambda: f"{self.name}: a Python project",
            "author": lambda: git_user_name(self.ctx.env),
            "license": lambda: "MIT",
        }

    def gather(self) -> Gathered:
        asked = False
        prompted: set[str] = set()

        def ask(question: Question, default: Value) -> Value:
            nonlocal asked
            asked = True
            prompted.add(question.id)
            return self.prompts.question(question, default)

        result = self.policy.recommend(
            self.ctx,
            use_defaults=self.args.defaults,
            ask=ask if self.prompting else None,
            template_defaults=self.template_defaults,
        )
        extras = self.extras
        if self.refuse is not None:
            self.refuse(dict(result.answers))
        choice = self.choice(result)
        checks = self._checks(choice)
        defaults: dict[str, Callable[[], Any]] = {
            "tool": choice.default,
            **self.text_defaults(),
            "create_env": lambda: self.prompting,  # yes when asked on a terminal, no with --defaults
        }
        resolver = Resolver(use_defaults=self.args.defaults, can_ask=self.prompting)
        values: dict[str, Any] = {}
        chosen: set[str] = set()
        if self.tool_owner and _given(self.args, extras, "tool") is not None:
            raise UsageError(
                f"the template {self.tool_owner} sets up its own environment tool (it asks no `tool` "
                "pickenv can answer): leave out --tool (and `tool` in the answers file)"
            )
        for key in FIELDS:
            if key == "tool" and self.tool_owner:
                values[key] = choice.default()
                continue
            given = _given(self.args, extras, key)
            if given is None and key in self.template_fields:
                given = (self.template_fields[key], "the template")
            if given is not None:
                chosen.add(key)
            elif self.prompting:
                asked = True
                prompted.add(key)
            ask_field = partial(self._ask, key, choice)
            values[key] = resolver.resolve(key, given, checks[key], defaults[key], ask_field)
            if key == "tool" and key in prompted and values[key] != choice.default():
                chosen.add(key)  # picked over the recommendation: it stays when answers change
        if resolver.missing:
            flags = ["--[no-]create-env" if k == "create_env" else f"--{k}" for k in resolver.missing]
            raise NoTTYError(
                "no terminal to ask the project questions",
                fixes=[Fix.ANSWER_PROJECT],
                facts={"missing": ", ".join(flags)},
            )
        gathered = Gathered(result, choice, values, asked, chosen, prompted)
        return self.review(gathered) if self.prompting else gathered

    def review(self, gathered: Gathered) -> Gathered:
        """Show every answer and the choice; create, change one answer, go back through
        the questions (also Esc), or abort. Esc during a change or the way back returns
        here with the answers as they were."""
        from pickenv.questionnaire.prompts import Back

        while True:
            entries = self.summary(gathered)
            shown = "\n".join(f"  {label}: {value}" for _, label, value in entries)
            self.terminal.stderr.write(f"\n{shown}\n\n")
            try:
                action = self.prompts.select(f"Create {self.name}?", ACTIONS, "create", back=True)
            except Back:
                action = "back"
            if action == "abort":
                # A stop the user chose: exit 130 like Ctrl-C, in words of its own.
                raise PickenvError(ABORTED, exit_code=EXIT_INTERRUPTED)
            if action == "create":
                return gathered
            try:
                changed = self._again(gathered) if action == "back" else self._change(gathered, entries)
                if self.refuse is not None:
                    self.refuse(dict(changed.result.answers))
            except Back:
                continue
            except AnswerError as exc:  # an answer the team's template does not offer: say so here
                self.terminal.stderr.write(f"\npickenv: {exc}\n")
                continue
            gathered = changed

    def _change(self, gathered: Gathered, entries: list[tuple[str, str, str]]) -> Gathered:
        """Change one answer, picked from the review."""
        listed = [(key, f"{label}: {value}") for key, label, value in entries]
        key = self.prompts.select("Which answer?", listed, entries[0][0], back=True)
        if key in FIELDS:
            value = self._ask(key, gathered.choice, gathered.values[key], back=True)
            values = {**gathered.values, key: self._checks(gathered.choice)[key](value, "prompt")}
            return replace(gathered, values=values, chosen=gathered.chosen | {key})
        answers = dict(gathered.result.answers)
        answers[key] = self.prompts.question(get_question(key), answers[key], back=True)
        result = self._recommend(answers, ask=None)
        return self._rechoose(replace(gathered, prompted=gathered.prompted | {key}), result)

    def _again(self, gathered: Gathered) -> Gathered:
        """Back through the questions: everything asked before is asked again, in the
        same order, with its answer chosen; what flags or files gave stays."""
        answers = dict(gathered.result.answers)
        fixed = {k: v for k, v in answers.items() if k not in gathered.prompted}
        result = self._recommend(fixed, ask=partial(self.prompts.question, back=True), preselected=answers)
        again = self._rechoose(gathered, result, ask_tool="tool" not in gathered.prompted)
        values = dict(again.values)
        for key in FIELDS:
            if key in gathered.prompted:
                value = self._ask(key, again.choice, values[key], back=True)
                values[key] = self._checks(again.choice)[key](value, "prompt")
        chosen = set(gathered.chosen)
        if "tool" in gathered.prompted and values["tool"] != again.choice.default():
            chosen.add("tool")
        return replace(again, values=values, chosen=chosen)

    def _recommend(
        self,
        given: Mapping[str, Value],
        ask: Callable[[Question, Value], Value] | None,
        preselected: Mapping[str, Value] | None = None,
    ) -> Recommendation:
        return self.policy.recommend(
            self.ctx,
            use_defaults=False,
            ask=ask,
            given=given,
            template_defaults=self.template_defaults,
            preselected=preselected,
        )

    def _rechoose(self, gathered: Gathered, result: Recommendation, *, ask_tool: bool = True) -> Gathered:
        """New answers, new recommendation: a tool the user picked stays if it still
        fits, a tool that was only the recommendation follows the new one. A picked tool
        that no longer fits is asked again (unless ``ask_tool`` is off: the caller asks)."""
        choice = self.choice(result)
        values = dict(gathered.values)
        tool = values["tool"]
        if "tool" not in gathered.chosen:
            values["tool"] = choice.default()
        elif tool not in choice.usable or choice.refusal(tool):
            values["tool"] = (
                choice.check(self._ask("tool", choice, choice.default(), back=True), "prompt")
                if ask_tool
                else choice.default()
            )
        return replace(gathered, result=result, choice=choice, values=values)

    def summary(self, gathered: Gathered) -> list[tuple[str, str, str]]:
        """(key, label, shown value) of every answer, the questionnaire's first."""
        answers = dict(gathered.result.answers)
        rows = [(q.id, q.id, format_value(answers[q.id])) for q in QUESTIONS]  # the names -a takes
        for key in FIELDS:
            if key == "tool" and self.tool_owner:
                continue  # not pickenv's to choose: nothing to change at the review
            value = gathered.values[key]
            shown = ("yes" if value else "no") if isinstance(value, bool) else str(value)
            if key == "tool" and value == gathered.result.recommendation:
                shown += " (recommended)"
            rows.append((key, LABELS[key], shown))
        return rows


def _one_of(key: str, allowed: tuple[str, ...], value: object, origin: str) -> str:
    if str(value) not in allowed:
        raise AnswerError(
            f"invalid {LABELS[key].lower()} {value!r} ({origin}); the template offers: {', '.join(allowed)}"
        )
    return str(value)


def repeat_command(args: argparse.Namespace, name: str, gathered: Gathered, *, tool: bool = True) -> str:
    """The non-interactive command that makes the same project (``tool``: with --tool;
    not for a template that sets up its own)."""
    words = ["pickenv", "new", name, "--defaults"]
    for question_id, value in gathered.result.answers:
        words += ["-a", f"{question_id}={format_value(value)}"]
    values = gathered.values
    if tool:
        words += ["--tool", values["tool"]]
    words += ["--description", values["description"], "--author", values["author"]]
    words += ["--license", values["license"], "--create-env" if values["create_env"] else "--no-create-env"]
    if str(args.output_dir) != ".":
        words += ["--output-dir", str(args.output_dir)]
    for path in args.rules:
        words += ["--rules", str(path)]
    for flag in ("team", "template", "template_ref"):
        if getattr(args, flag, None):
            words += [f"--{flag.replace('_', '-')}", str(getattr(args, flag))]
    words += [w for pair in getattr(args, "data", []) for w in ("--data", pair)]
    if getattr(args, "trust", False):
        words.append("--trust")
    if getattr(args, "skip_tasks", False):
        words.append("--skip-tasks")
    for layer in args.layers:
        words += ["--with", layer]
    return shlex.join(words)
