"""What `pickenv switch` adds over re-answering `tool` with a plain `copier update`, and
what the plain update loses, in one run.

    python bench/switch.py [--runs 5]

A pickenv venv project (web) with a package the user added to requirements.txt is
committed once and cloned for every run; each clone is moved to pipenv by
`pickenv switch --to pipenv` or by `copier update --data tool=pipenv` (both as fresh
processes, median of --runs). Most of either is copier's own update (two renders of
the template and a three-way merge); pickenv adds detection, the rules, reading and
writing the dependency files, and reading them back.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import tomllib


def run(argv: list[str], cwd: Path) -> float:
    started = time.perf_counter()
    subprocess.run(argv, cwd=cwd, capture_output=True, check=True, stdin=subprocess.DEVNULL)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    runs = parser.parse_args().runs
    python = sys.executable
    copier = str(Path(python).with_name("copier"))
    git = ["git", "-c", "user.name=Bench", "-c", "user.email=bench@localhost"]
    timings: dict[str, list[float]] = {"pickenv": [], "copier": []}
    kept = {"pickenv": False, "copier": False}
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch)
        subprocess.run(
            [python, "-m", "pickenv", "new", "shop", "--defaults", "--tool", "venv", "-a", "domain=web"],
            cwd=root, capture_output=True, check=True,
        )  # fmt: skip
        origin = root / "shop"
        with (origin / "requirements.txt").open("a") as f:
            f.write("attrs>=23.1\n")
        subprocess.run([*git, "add", "-A"], cwd=origin, check=True)
        subprocess.run([*git, "commit", "-qm", "attrs"], cwd=origin, check=True)
        for index in range(runs + 1):  # the first round warms caches and is dropped
            for who in ("pickenv", "copier"):
                clone = root / f"{who}{index}"
                subprocess.run(["git", "clone", "-q", str(origin), str(clone)], check=True)
                command = [python, "-m", "pickenv", "switch", "--to", "pipenv"]
                if who == "copier":
                    command = [copier, "update", "--defaults", "--quiet", "--data", "tool=pipenv"]
                seconds = run(command, clone)
                pipfile = tomllib.loads((clone / "Pipfile").read_text())
                kept[who] = "attrs" in pipfile["packages"]
                if index:
                    timings[who].append(seconds)
    p, c = statistics.median(timings["pickenv"]), statistics.median(timings["copier"])
    print(f"median of {runs} runs, venv -> pipenv on a pickenv web project")
    for label, seconds, who in (
        ("copier update --data tool=pipenv", c, "copier"),
        ("pickenv switch --to pipenv      ", p, "pickenv"),
    ):
        print(f"  {label}  {seconds * 1000:7.1f} ms  (keeps the user's attrs: {kept[who]})")
    print(f"  pickenv adds {100 * (p - c) / c:+.1f}% over copier")


if __name__ == "__main__":
    main()
