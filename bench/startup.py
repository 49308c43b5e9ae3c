"""Start-up cost of the quick commands (`pickenv recommend --defaults --format json`,
`pickenv --help`, `pickenv completion bash`, `pickenv detect`), side by side with a
bare interpreter (`python -c pass`) and `copier --help`, in one run.

    python bench/startup.py [--runs 20]

Prints the median wall time of each command and its ratio to `python -c pass`, the
ratio taken pair by pair (the two run in turn, so a drift in the machine's speed hits
both). The target for recommend is 4x. Run it from the venv pickenv is installed in
(copier is found next to the interpreter). `detect` reads a folder holding one
requirements file. Every command runs in that small scratch folder (`python -m` puts
the current folder on sys.path, and a folder of thousands of entries, such as /tmp,
costs every import a long listing), with PYTHONDONTWRITEBYTECODE removed from the
environment (without cached bytecode each start compiles every module).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def seconds(argv: list[str], cwd: Path) -> float:
    started = time.perf_counter()
    subprocess.run(argv, cwd=cwd, env=ENV, capture_output=True, check=True, stdin=subprocess.DEVNULL)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    python = sys.executable
    pickenv = [python, "-m", "pickenv"]
    commands = {
        "pickenv recommend --defaults --format json": [
            *pickenv,
            "recommend",
            "--defaults",
            "--format",
            "json",
        ],
        "pickenv --help": [*pickenv, "--help"],
        "pickenv completion bash": [*pickenv, "completion", "bash"],
        "pickenv detect --format json": [*pickenv, "detect", "--format", "json"],
        "copier --help": [str(Path(python).with_name("copier")), "--help"],
    }
    bare = [python, "-c", "pass"]
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        (folder / "requirements.txt").write_text("requests\n", encoding="utf-8")
        base: list[float] = []
        times: dict[str, list[float]] = {name: [] for name in commands}
        ratios: dict[str, list[float]] = {name: [] for name in commands}
        for name, argv in commands.items():
            seconds(argv, folder)  # warm the OS file cache and pickenv's rules cache
            for _ in range(args.runs):
                b, a = seconds(bare, folder), seconds(argv, folder)
                base.append(b)
                times[name].append(a)
                ratios[name].append(a / b)
    print(f"median of {args.runs} runs, Python {sys.version.split()[0]}")
    print(f"  {'python -c pass':<45} {statistics.median(base) * 1000:7.1f} ms")
    for name in commands:
        median = statistics.median(times[name]) * 1000
        print(f"  {name:<45} {median:7.1f} ms   {statistics.median(ratios[name]):5.1f}x python -c pass")


if __name__ == "__main__":
    main()
