"""`pickenv new --template` against what it does by hand: `copier copy` of the same team
template, then `git init`, `git add -A` and a first commit, in one run.

    python bench/new_template.py [--runs 7] [--files 30]

The template is made here: a git repository tagged v1.0.0 with a copier.yml that asks
no `tool` (pickenv records its own answers beside the render) and --files rendered
files. Both sides run as fresh processes, in turn (a drift in the machine's speed hits
both), each into a new folder; the first round is dropped. Prints the median wall and
CPU time of each side and the median of the paired ratios. The target is pickenv
within 1.10x. Run it from the venv pickenv is installed in (copier is found next to
the interpreter).
"""

from __future__ import annotations

import argparse
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def template(folder: Path, files: int) -> Path:
    folder.mkdir()
    (folder / "copier.yml").write_text(
        '_min_copier_version: "9.0.0"\nproject_name: {type: str, default: demo}\n'
        "author_fullname: {type: str, default: Someone}\n"
    )
    (folder / "{{ _copier_conf.answers_file }}.jinja").write_text("{{ _copier_answers|to_nice_yaml }}")
    (folder / "pyproject.toml.jinja").write_text(
        '[project]\nname = "{{ project_name }}"\nversion = "0.1.0"\n'
    )
    (folder / "docs").mkdir()
    for number in range(files):
        (folder / "docs" / f"page{number}.md.jinja").write_text(f"# {{{{ project_name }}}} page {number}\n")
    for args in (("init", "-q", "-b", "main"), ("add", "-A"), ("commit", "-qm", "v1"), ("tag", "v1.0.0")):
        subprocess.run(["git", *args], cwd=folder, check=True, capture_output=True)
    return folder


def timed(commands: list[list[str]], cwd: Path) -> tuple[float, float]:
    """Wall and CPU seconds (children's user + system) of running ``commands`` in turn."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    for argv in commands:
        subprocess.run(argv, cwd=cwd, check=True, capture_output=True, stdin=subprocess.DEVNULL)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--files", type=int, default=30)
    args = parser.parse_args()
    python = Path(sys.executable)
    copier = str(python.with_name("copier"))
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch)
        source = template(root / "template", args.files)
        pickenv_times: list[tuple[float, float]] = []
        copier_times: list[tuple[float, float]] = []
        for run in range(args.runs + 1):
            out = root / f"p{run}"
            out.mkdir()
            ours = timed([[str(python), "-m", "pickenv", "new", "demo", "--template", str(source),
                           "--defaults", "--output-dir", str(out)]], root)  # fmt: skip
            project = root / f"c{run}" / "demo"
            theirs = timed(
                [
                    [copier, "copy", "--defaults", "--quiet", str(source), str(project)],
                    ["git", "-C", str(project), "init", "-q"],
                    ["git", "-C", str(project), "add", "-A"],
                    ["git", "-C", str(project), "commit", "-qm", "init", "--no-verify"],
                ],
                root,
            )
            if run:  # the first round warms the caches
                pickenv_times.append(ours)
                copier_times.append(theirs)
    for label, index in (("wall", 0), ("cpu", 1)):
        ours_median = statistics.median(t[index] for t in pickenv_times)
        theirs_median = statistics.median(t[index] for t in copier_times)
        ratio = statistics.median(
            o[index] / t[index] for o, t in zip(pickenv_times, copier_times, strict=True)
        )
        print(f"{label:4}  pickenv new --template {ours_median:.3f} s   "
              f"copier copy + git {theirs_median:.3f} s   ratio {ratio:.2f}x (target 1.10x)")  # fmt: skip


if __name__ == "__main__":
    main()
