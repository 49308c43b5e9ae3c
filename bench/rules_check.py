"""`pickenv rules check` on large team files: how long the exhaustive check of all
336,960 answer combinations takes with 50, 500 and 5,000 team rules.

    python bench/rules_check.py [--sizes 50,500,5000] [--seed 1]

Each team file is generated (a fixed seed: the same files every run) with rules as
teams write them: one to three conditions on random questions, a score for one or two
tools, now and then an exclusion or advice. Prints the wall time of each check, run
as a fresh `pickenv rules check FILE` process. Targets: 500 rules under 2 s, 5,000
under 20 s.
"""

from __future__ import annotations

import argparse
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from pickenv.questionnaire.questions import QUESTIONS, format_value

TOOLS = ("venv", "virtualenv", "pipenv", "conda")


def _condition(rng: random.Random, question_index: int) -> str:
    question = QUESTIONS[question_index]
    if question.kind == "version":
        bound = rng.choice(["3.8", "3.10", "3.12"])
        return f'{question.id}: "{rng.choice(["<", ">="])}{bound}"'
    values = list(question.values)
    chosen = rng.sample(values, rng.randint(1, max(1, len(values) - 1)))
    shown = ", ".join(format_value(v) for v in chosen)
    return f"{question.id}: [{shown}]"


def team_file(count: int, seed: int) -> str:
    rng = random.Random(seed)
    lines = ["schema_version: 1", "rules:"]
    for number in range(count):
        lines.append(f"  - id: team-rule-{number}")
        roll = rng.random()
        # Exclusions are rare and narrow in real files (about ten per file, on three
        # questions): at 2% of 5,000 rules every tool would be excluded everywhere.
        excluding = roll < min(0.02, 10 / count)
        questions = rng.sample(range(len(QUESTIONS)), 3 if excluding else rng.randint(1, 3))
        lines.append("    when:")
        lines += [f"      {_condition(rng, q)}" for q in sorted(questions)]
        if excluding:
            lines.append(f"    exclude: {rng.choice(TOOLS)}")
        elif roll < 0.1:
            lines.append(f"    advice: {{{rng.choice(TOOLS)}: Team advice {number}.}}")
        else:
            tools = rng.sample(TOOLS, rng.randint(1, 2))
            scores = ", ".join(f"{t}: {rng.choice([-3, -2, -1, 1, 2, 3, 4])}" for t in tools)
            lines.append(f"    score: {{{scores}}}")
        lines.append(f"    because: Team reason {number}.")
        lines.append("    source: https://wiki.example.org/python")
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="50,500,5000")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        for size in (int(s) for s in args.sizes.split(",")):
            path = Path(scratch) / f"team-{size}.yaml"
            path.write_text(team_file(size, args.seed), encoding="utf-8")
            started = time.perf_counter()
            result = subprocess.run(
                [sys.executable, "-m", "pickenv", "rules", "check", str(path)],
                capture_output=True,
                text=True,
                check=False,
                env={"PATH": "/usr/bin:/bin", "HOME": scratch, "NO_COLOR": "1"},
            )
            seconds = time.perf_counter() - started
            summary = result.stdout.strip().splitlines()[-1:] or result.stderr.strip().splitlines()[-1:]
            print(f"  {size:>5} team rules  {seconds:7.2f} s   {summary[0] if summary else ''}")


if __name__ == "__main__":
    main()
