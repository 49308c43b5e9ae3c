"""Command-line options of `pickenv new` (kept apart so parsing never imports copier)."""

from __future__ import annotations

import argparse
from pathlib import Path

TOOLS = ("venv", "virtualenv", "pipenv", "conda")
LICENSES = ("MIT", "Apache-2.0", "BSD-3-Clause", "GPL-3.0-or-later", "Proprietary")


def add_new_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--tool", choices=TOOLS, help="use this tool instead of the recommendation")
    parser.add_argument("--description", help="one-line project description")
    parser.add_argument("--author", help="author name (default: git config user.name)")
    parser.add_argument("--license", choices=LICENSES, help="project licence (default: MIT)")
    parser.add_argument(
        "--create-env",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="create the environment for real (asked interactively; default with --defaults: no)",
    )
    parser.add_argument(
        "--python",
        metavar="INTERPRETER",
        help="interpreter to create the environment with (default: pythonX.Y found on PATH)",
    )
    parser.add_argument(
        "--output-dir",
        type=Path,
        default=Path("."),
        metavar="DIR",
        help="create the project folder inside DIR (default: the current folder)",
    )
    parser.add_argument(
        "--force", action="store_true", help="write into an existing, non-empty folder (never deletes files)"
    )
    parser.add_argument("--dry-run", action="store_true", help="show the files and commands, write nothing")
    parser.add_argument("--verbose", "-v", action="store_true", help="report each step and its time")
    parser.add_argument("--format", choices=("text", "json"), default="text")
