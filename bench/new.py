"""What `pickenv new` adds over copier, and how long each tool takes to create an
environment, in one run.

    python bench/new.py [--runs 5] [--tools venv,virtualenv,pipenv]

1. `pickenv new NAME --defaults` against a plain `copier copy --defaults` of the same
   template with the same answers (both as fresh processes, median of --runs); the
   target is under 15% added by pickenv (rules, staging, atomic move, git commit).
2. `pickenv new --create-env` once per tool, with the time of each step.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from pickenv.resources import templates_path


def timed(argv: list[str], cwd: Path) -> float:
    started = time.perf_counter()
    subprocess.run(argv, cwd=cwd, capture_output=True, check=True, stdin=subprocess.DEVNULL)
    return time.perf_counter() - started


def compare(runs: int) -> None:
    python = sys.executable
    copier = str(Path(python).with_name("copier"))
    template = str(templates_path() / "project")
    pickenv_times, copier_times = [], []
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch)
        for index in range(runs + 1):  # the first round warms caches and is dropped
            p = timed([python, "-m", "pickenv", "new", f"p{index}", "--defaults", "--author", "Bench"], root)
            # The same answers pickenv gives copier, read back from its answers file.
            answers = root / f"p{index}" / ".copier-answers.yml"
            data = [f"--data-file={answers}"]
            c = timed(
                [copier, "copy", "--quiet", "--defaults", *data, template, str(root / f"c{index}")], root
            )
            if index:
                pickenv_times.append(p)
                copier_times.append(c)
    p, c = statistics.median(pickenv_times), statistics.median(copier_times)
    print(f"median of {runs} runs")
    print(f"  copier copy --defaults   {c * 1000:7.1f} ms")
    print(f"  pickenv new --defaults   {p * 1000:7.1f} ms")
    print(f"  pickenv adds {100 * (p - c) / c:+.1f}% over copier (target: under 15%)")


def environments(tools: list[str]) -> None:
    python = sys.executable
    print("environment creation (pickenv new --create-env, domain=library):")
    with tempfile.TemporaryDirectory() as scratch:
        for tool in tools:
            result = subprocess.run(
                [
                    python,
                    "-m",
                    "pickenv",
                    "new",
                    f"env-{tool}",
                    "--defaults",
                    "--answer",
                    "domain=library",
                    "--tool",
                    tool,
                    "--create-env",
                    "--format",
                    "json",
                ],
                cwd=scratch,
                capture_output=True,
                text=True,
                check=False,
                stdin=subprocess.DEVNULL,
            )
            if result.returncode != 0:
                print(f"  {tool}: failed: {result.stderr.strip().splitlines()[-1:]}")
                continue
            report = json.loads(result.stdout)
            steps = report["environment"]["steps"]
            total = sum(s["seconds"] for s in steps)
            print(
                f"  {tool:<11} {total:6.2f} s  "
                + ", ".join(f"{s['title']}: {s['seconds']:.2f}s" for s in steps)
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--tools", default="venv,virtualenv,pipenv")
    args = parser.parse_args()
    compare(args.runs)
    environments([t for t in args.tools.split(",") if t])


if __name__ == "__main__":
    main()
