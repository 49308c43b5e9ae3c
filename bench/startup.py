"""Start-up cost of `pickenv recommend --defaults --format json`, side by side with a
bare interpreter (`python -c pass`) and `copier --help`, in one run.

    python bench/startup.py [--runs 20]

Prints the median wall time of each command and the ratios. Run it from the venv
pickenv is installed in (copier is found next to the interpreter).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path


def median_seconds(argv: list[str], runs: int) -> float:
    subprocess.run(argv, capture_output=True, check=True)  # warm the OS file cache
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(argv, capture_output=True, check=True)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    python = sys.executable
    copier = str(Path(python).with_name("copier"))
    commands = {
        "python -c pass": [python, "-c", "pass"],
        "pickenv recommend --defaults --format json": [
            python,
            "-m",
            "pickenv",
            "recommend",
            "--defaults",
            "--format",
            "json",
        ],
        "copier --help": [copier, "--help"],
    }
    results = {name: median_seconds(argv, args.runs) for name, argv in commands.items()}
    bare = results["python -c pass"]
    pickenv = results["pickenv recommend --defaults --format json"]
    print(f"median of {args.runs} runs, Python {sys.version.split()[0]}")
    for name, seconds in results.items():
        print(f"  {name:<45} {seconds * 1000:7.1f} ms   {seconds / bare:5.1f}x python -c pass")
    print(f"pickenv recommend / copier --help: {pickenv / results['copier --help']:.2f}")


if __name__ == "__main__":
    main()
