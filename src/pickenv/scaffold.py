"""Render the copier template atomically, and undo everything on failure.

The project is rendered into a temporary folder beside the destination (same
filesystem), then renamed into place in one step. Environments are not relocatable
(their scripts hold absolute paths), so they are created after the move; a
``Placement`` remembers exactly what pickenv created so a failure or Ctrl-C at any
point removes that and nothing else: pre-existing files are never touched.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from pickenv.errors import DestinationError, TemplateError


@dataclass
class Placement:
    destination: Path
    created_root: bool  # the destination folder itself is ours
    created: list[Path] = field(default_factory=list)  # files and folders we added (force mode)
    kept: list[str] = field(default_factory=list)  # files that existed and were left alone
    preexisting: frozenset[str] = frozenset()  # top-level names that were there before

    def rollback(self) -> None:
        """Remove what pickenv created; never anything that existed before."""
        if self.created_root:
            shutil.rmtree(self.destination, ignore_errors=True)
            return
        for path in reversed(self.created):
            try:
                if path.is_dir() and not path.is_symlink():
                    shutil.rmtree(path)
                else:
                    path.unlink()
            except FileNotFoundError:
                pass
        # Environment tools add top-level entries of their own (.venv, Pipfile.lock, .git).
        for path in self.destination.iterdir():
            if path.name not in self.preexisting:
                if path.is_dir() and not path.is_symlink():
                    shutil.rmtree(path, ignore_errors=True)
                else:
                    path.unlink(missing_ok=True)


def check_destination(destination: Path, force: bool) -> None:
    """Refuse unusable destinations before anything is written."""
    parent = destination.parent
    if not parent.is_dir():
        raise DestinationError(
            f"the folder {parent} does not exist; create it or choose another --output-dir"
        )
    if not os.access(parent, os.W_OK):
        raise DestinationError(f"cannot write in {parent}; choose another --output-dir")
    if destination.exists() or destination.is_symlink():
        if not destination.is_dir():
            raise DestinationError(f"{destination} exists and is not a folder; choose another project name")
        if any(destination.iterdir()) and not force:
            raise DestinationError(
                f"{destination} exists and is not empty; choose another name, or pass --force "
                "to add the project's files beside yours (existing files are kept)"
            )


def render(template: Path, data: Mapping[str, object], target: Path) -> None:
    """Render the template into ``target`` (an existing, empty folder)."""
    import copier
    from copier.errors import CopierError

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            copier.run_copy(
                str(template),
                str(target),
                data=dict(data),
                defaults=True,
                quiet=True,
                overwrite=True,
                unsafe=False,  # the built-in template has no tasks: nothing to trust
                cleanup_on_error=False,  # the temporary folder is ours to remove
            )
    except (CopierError, ValueError) as exc:
        raise TemplateError(f"rendering the template {template} failed: {exc}") from None


def list_files(root: Path) -> list[str]:
    return sorted(
        str(p.relative_to(root))
        for p in root.rglob("*")
        if p.is_file() and ".git" not in p.relative_to(root).parts
    )


def place(staging: Path, destination: Path) -> Placement:
    """Move the rendered ``staging`` folder into ``destination``."""
    if not destination.exists():
        os.rename(staging, destination)  # atomic on one filesystem
        return Placement(destination, created_root=True)
    placement = Placement(
        destination, created_root=False, preexisting=frozenset(p.name for p in destination.iterdir())
    )
    try:
        for source in sorted(staging.rglob("*")):
            relative = source.relative_to(staging)
            target = destination / relative
            if source.is_dir():
                if not target.exists():
                    target.mkdir()
                    placement.created.append(target)
            elif target.exists() or target.is_symlink():
                placement.kept.append(str(relative))
            else:
                os.rename(source, target)
                placement.created.append(target)
    except BaseException:
        placement.rollback()
        raise
    return placement


def staging_dir(destination: Path) -> Path:
    """A temporary folder beside the destination, so the final rename is atomic."""
    path = Path(
        tempfile.mkdtemp(prefix=f".{destination.name}.", suffix=".pickenv-tmp", dir=destination.parent)
    )
    # mkdtemp makes the folder private (0700); the project folder gets the usual mode.
    umask = os.umask(0)
    os.umask(umask)
    path.chmod(0o777 & ~umask)
    return path
