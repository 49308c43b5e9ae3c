"""uv time-to-ready: `pickenv new NAME --defaults --tool uv --create-env` against the same
steps typed by hand with uv, in one run.

    python bench/uv_ready.py [--runs 5]

By hand: `uv init --package NAME`, a test file like the one pickenv's template writes,
`uv add --dev pytest`, `uv run pytest`. Both sides use the same interpreter (`--python`,
as pickenv passes the one it found), the same uv and the same uv cache; the first round
warms that cache (and the index's HTTP cache) and is dropped, then the two alternate, so
a drift in the machine's speed hits both. Wall times of whole processes; the target is
pickenv within 1.3x the steps by hand. pickenv's own report splits its time into render
(the template), each environment step and git; "start-up" is the rest (the interpreter,
imports, the recommendation).

Run it from the venv pickenv is installed in; uv is found next to the interpreter, else
on PATH.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TEST = """from {package} import main


def test_main_runs() -> None:
    assert main() is None
"""


def timed(argv: list[str], cwd: Path, env: dict[str, str]) -> tuple[float, str]:
    started = time.perf_counter()
    done = subprocess.run(
        argv, cwd=cwd, env=env, capture_output=True, text=True, check=False, stdin=subprocess.DEVNULL
    )
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} failed (exit {done.returncode}):\n{done.stdout}{done.stderr}")
    return seconds, done.stdout


def by_pickenv(root: Path, name: str, env: dict[str, str]) -> dict[str, float]:
    argv = [sys.executable, "-m", "pickenv", "new", name, "--defaults", "--tool", "uv", "--create-env"]
    total, out = timed([*argv, "--format", "json"], root, env)
    timings = dict(json.loads(out)["timings"])
    parts = {
        "render": timings.pop("render"),
        "git": timings.pop("git"),
        **{title: seconds for title, seconds in timings.items()},  # the environment's steps
    }
    parts["start-up"] = total - sum(parts.values())
    parts["total"] = total
    return parts


def by_hand(root: Path, name: str, uv: str, env: dict[str, str]) -> dict[str, float]:
    python = ["--python", sys.executable]
    init, _ = timed([uv, "init", "--package", name, *python], root, env)
    project = root / name
    (project / "tests").mkdir()
    (project / "tests" / f"test_{name}.py").write_text(TEST.format(package=name), encoding="utf-8")
    add, _ = timed([uv, "add", "--dev", "pytest", *python], project, env)
    test, _ = timed([uv, "run", "pytest", "-q"], project, env)
    total = init + add + test
    return {"uv init --package": init, "uv add --dev pytest": add, "uv run pytest": test, "total": total}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    uv = str(Path(sys.executable).with_name("uv"))
    if not Path(uv).exists():
        uv = shutil.which("uv") or sys.exit("uv is not installed (pip install uv)")
    # Without cached bytecode every start (pickenv's, setuptools' in a build, pytest's)
    # would compile each module again: measure the usual case.
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["UV_NO_PROGRESS"] = "1"
    env["PATH"] = os.pathsep.join([str(Path(uv).parent), env.get("PATH", "")])  # pickenv finds the same uv
    picked: list[dict[str, float]] = []
    typed: list[dict[str, float]] = []
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch)
        for index in range(args.runs + 1):  # round 0 warms the caches and is dropped
            p = by_pickenv(root, f"p{index}", env)
            h = by_hand(root, f"h{index}", uv, env)
            if index:
                picked.append(p)
                typed.append(h)
    version = subprocess.run([uv, "--version"], capture_output=True, text=True, check=True).stdout.strip()
    print(f"median of {args.runs} runs, Python {sys.version.split()[0]}, {version}")
    print("  pickenv new --defaults --tool uv --create-env")
    for part in picked[0]:
        print(f"    {part:<40} {statistics.median(r[part] for r in picked) * 1000:7.0f} ms")
    print("  by hand")
    for part in typed[0]:
        print(f"    {part:<40} {statistics.median(r[part] for r in typed) * 1000:7.0f} ms")
    ratios = [p["total"] / h["total"] for p, h in zip(picked, typed, strict=True)]
    print(f"pickenv / by hand: {statistics.median(ratios):.2f}x (median of the pairs; target: 1.3x)")


if __name__ == "__main__":
    main()
