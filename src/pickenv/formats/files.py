"""A project's files, read the one safe way: inside the project, regular files only,
within a size limit, as UTF-8 text.

Every dependency format reads through ``ProjectFiles``, so a ``-r /etc/shadow`` line,
a symlink to a file outside the project, a FIFO named requirements.txt or a
multi-gigabyte lock file is a one-line error naming the file, never read, hung on or
printed. YAML is read without aliases (no environment file needs them, and an alias
bomb of a few hundred bytes expands to gigabytes); TOML and JSON are bounded by size.
"""

from __future__ import annotations

import json
import stat
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from pickenv.errors import Fix, ProjectError

# Lock files of large monorepos reach a few MiB (a 300,000-line requirements file is
# 4.7 MiB): generous for any real file, far below what would strain memory.
FILE_LIMIT = 16 << 20  # 16 MiB


class FileError(ProjectError):
    """A project file cannot be read as its format says; names the file."""

    def __init__(self, path: str, why: str) -> None:
        super().__init__(f"{path} {why}", fixes=[Fix.FIX_FILE], facts={"file": path})
        self.path = path


@dataclass(frozen=True)
class ProjectFiles:
    """Reading files relative to a project's folder, never outside it."""

    root: Path
    limit: int = FILE_LIMIT
    _cache: dict[str, str] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "root", self.root.resolve())

    # ---- paths ---------------------------------------------------------------------
    def relative(self, path: str, start: str = "") -> str:
        """``path`` as written in the file ``start`` (relative to that file's folder, or
        absolute), as a posix path relative to the project; a path that leaves the
        project is an error naming ``start``."""
        base = self.root / PurePosixPath(start).parent if start else self.root
        target = (base / path) if not Path(path).is_absolute() else Path(path)
        try:
            resolved = target.resolve()
        except (OSError, RuntimeError):  # a symlink loop
            raise FileError(start or path, f"names {path}, a symlink loop") from None
        try:
            return resolved.relative_to(self.root).as_posix()
        except ValueError:
            if start:
                raise FileError(start, f"names {path}, outside the project") from None
            raise FileError(path, "is outside the project") from None

    def exists(self, path: str) -> bool:
        """A regular file inside the project (a symlink to one outside is not)."""
        target = self.root / path
        try:
            resolved = target.resolve()
            resolved.relative_to(self.root)
            return stat.S_ISREG(resolved.stat().st_mode)
        except (OSError, RuntimeError, ValueError):
            return False

    def is_dir(self, path: str) -> bool:
        target = self.root / path
        try:
            resolved = target.resolve()
            resolved.relative_to(self.root)
            return resolved.is_dir()
        except (OSError, RuntimeError, ValueError):
            return False

    def glob(self, pattern: str) -> list[str]:
        """Regular files inside the project matching ``pattern``, sorted."""
        found = []
        for path in sorted(self.root.glob(pattern)):
            rel = path.relative_to(self.root).as_posix()
            if self.exists(rel):
                found.append(rel)
        return found

    # ---- contents ------------------------------------------------------------------
    def text(self, path: str) -> str:
        """The file's text: UTF-8 (a byte-order mark dropped, as pip does), bounded."""
        if path in self._cache:
            return self._cache[path]
        target = self.root / path
        try:
            resolved = target.resolve(strict=True)
        except FileNotFoundError:
            raise FileError(path, "does not exist") from None
        except (OSError, RuntimeError):
            raise FileError(path, "is a symlink loop") from None
        try:
            resolved.relative_to(self.root)
        except ValueError:
            raise FileError(path, "is a symlink to a file outside the project") from None
        try:
            info = resolved.stat()
        except OSError as exc:
            raise FileError(path, f"cannot be read ({exc.strerror})") from None
        if stat.S_ISDIR(info.st_mode):
            raise FileError(path, "is a folder, not a file")
        if not stat.S_ISREG(info.st_mode):
            raise FileError(path, "is not a regular file (a device, pipe or socket)")
        if info.st_size > self.limit:
            raise FileError(path, f"is larger than {self.limit >> 20} MiB")
        try:
            with resolved.open("rb") as handle:
                data = handle.read(self.limit + 1)
        except OSError as exc:
            raise FileError(path, f"cannot be read ({exc.strerror})") from None
        if len(data) > self.limit:
            raise FileError(path, f"is larger than {self.limit >> 20} MiB")
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise FileError(path, f"is not UTF-8 text (byte {exc.start})") from None
        if "\0" in text:
            raise FileError(path, "is binary, not text")
        self._cache[path] = text
        return text

    def toml(self, path: str) -> dict[str, Any]:
        if sys.version_info >= (3, 11):
            import tomllib
        else:  # pragma: no cover - Python 3.10
            import tomli as tomllib

        try:
            data: dict[str, Any] = tomllib.loads(self.text(path))
        except tomllib.TOMLDecodeError as exc:
            raise FileError(path, f"is not valid TOML ({exc})") from None
        return data

    def json(self, path: str) -> Any:
        try:
            return json.loads(self.text(path))
        except ValueError as exc:
            raise FileError(path, f"is not valid JSON ({str(exc).splitlines()[0]})") from None

    def yaml(self, path: str) -> Any:
        """YAML without aliases: refused before anything is built from them."""
        return load_yaml(self.text(path), path)


def load_yaml(text: str, path: str) -> Any:
    import yaml

    try:
        from yaml import CSafeLoader as Loader
    except ImportError:  # pragma: no cover - depends on how PyYAML was built
        from yaml import SafeLoader as Loader  # type: ignore[assignment]
    try:
        for event in yaml.parse(text, Loader=Loader):
            if isinstance(event, yaml.AliasEvent):
                mark = event.start_mark
                where = f" (line {mark.line + 1})" if mark is not None else ""
                raise FileError(path, f"uses a YAML alias{where}; write the values out instead")
        return yaml.load(text, Loader=Loader)  # a safe loader: no Python objects
    except yaml.YAMLError as exc:
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        raise FileError(path, f"is not valid YAML{where} ({first.rstrip(':')})") from None


def mask(text: str) -> str:
    """Credentials in a URL shown as ``****`` (``https://user:****@host``)."""
    import re

    return re.sub(
        r"(?<=://)([^/@\s:]+):([^/@\s]+)@", r"\1:****@", re.sub(r"(?<=://)([^/@\s:]+)@", "****@", text)
    )


def as_mapping(value: object) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}
