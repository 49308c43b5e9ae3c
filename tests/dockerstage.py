"""Running a generated project's Dockerfile without Docker, and its README's blocks, for
tests/test_generated_deploy.py: the stages of a Dockerfile, its ENV lines, `COPY . .`
as `docker build` sends the context (without what .dockerignore names), and a script
run in a fresh shell as the README tests run theirs."""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
from dataclasses import dataclass
from fnmatch import fnmatch
from pathlib import Path


@dataclass(frozen=True)
class Stage:
    image: str
    steps: tuple[tuple[str, str], ...]  # (instruction, its argument), continuation lines joined


def stages(dockerfile: str) -> list[Stage]:
    lines = re.sub(r"\\\n\s*", " ", dockerfile).splitlines()
    found: list[Stage] = []
    for line in (line.strip() for line in lines):
        if not line or line.startswith("#"):
            continue
        word, _, rest = line.partition(" ")
        if word == "FROM":
            found.append(Stage(rest.split()[0], ()))
        else:
            found[-1] = Stage(found[-1].image, (*found[-1].steps, (word, rest)))
    return found


def env_of(argument: str, env: dict[str, str]) -> dict[str, str]:
    pairs = dict(pair.split("=", 1) for pair in shlex.split(argument))
    return {k: re.sub(r"\$(\w+)", lambda m: env.get(m.group(1), ""), v) for k, v in pairs.items()}


def copy_context(project: Path, workdir: Path) -> None:
    """`COPY . .`: the project as `docker build` sends it, without what .dockerignore names."""
    patterns = (project / ".dockerignore").read_text(encoding="utf-8").split()
    patterns = [p for p in patterns if not p.startswith("#")]

    def ignored(relative: str) -> bool:
        parts = relative.split("/")
        prefixes = ["/".join(parts[: i + 1]) for i in range(len(parts))]
        return any(
            fnmatch(prefix, pattern)
            or (pattern.startswith("**/") and fnmatch(prefix.split("/")[-1], pattern[3:]))
            for prefix in prefixes
            for pattern in patterns
        )

    for path in sorted(project.rglob("*")):
        relative = path.relative_to(project).as_posix()
        if ignored(relative) or path.is_dir():
            continue
        (workdir / relative).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, workdir / relative)


def run_in_shell(lines: list[str], cwd: Path, env: dict[str, str], shell: str = "bash") -> str:
    script = "\n".join(lines) + "\n"
    argv = ["bash", "--noprofile", "--norc", "-e", "-u", "-o", "pipefail", "-c", script]
    if shell == "sh":  # Docker's RUN: /bin/sh -c
        argv = ["/bin/sh", "-c", script]
    result = subprocess.run(
        argv, cwd=cwd, env=env, capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=1500
    )
    assert result.returncode == 0, (
        f"{script}\n--- stdout\n{result.stdout[-3000:]}\n--- stderr\n{result.stderr[-3000:]}"
    )
    return result.stdout


def readme_part(project: Path, title: str) -> str:
    text = (project / "README.md").read_text(encoding="utf-8")
    return text.split(f"\n## {title}\n")[1].split("\n## ")[0]
