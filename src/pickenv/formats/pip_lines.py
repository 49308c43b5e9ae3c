"""pip's grammar of a requirements file: its logical lines, the options pip's option parser
takes on a line, and what a requirement or an ``-e`` line names (a requirement, the project
itself, another folder; the parts of a VCS URL), as ``pip/_internal/req/req_file.py`` and
``req/constructors.py`` read them. Checked against pip 23.2 and 26.2: the options either takes
are taken (``--global-option`` left in pip 25). ``pickenv.formats.requirements`` reads whole
files with it; pipenv's formats split VCS URLs with its ``split_vcs``.
"""

from __future__ import annotations

import optparse
import posixpath
import re
import shlex
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, NoReturn
from urllib.parse import unquote, urlsplit

from packaging.markers import Marker
from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import InvalidWheelFilename, canonicalize_name, parse_wheel_filename

from pickenv.formats.files import FileError, ProjectFiles, mask

_VCS = ("bzr", "git", "hg", "svn")
VCS_SCHEMES = {f"{v}+{s}" for v in _VCS for s in ("http", "https", "ssh", "file", "ftp", "sftp")}
VCS_SCHEMES |= {"bzr+lp", "git+git", "hg+static-http", "svn+svn"}
_URL_SCHEMES = {"http", "https", "file", "ftp"} | VCS_SCHEMES
_ARCHIVES = (".zip", ".whl", ".tar", ".tar.gz", ".tgz", ".tar.bz2", ".tbz", ".tar.xz", ".txz", ".tlz",
             ".tar.lz", ".tar.lzma")  # fmt: skip
_EGG_NAME = re.compile(r"[A-Z0-9]([A-Z0-9._-]*[A-Z0-9])?", re.I)  # pip 26 refuses any other #egg=
_QUOTING = re.compile(r"[\"'\\]")  # without these, shlex.split splits on its whitespace


# Linear. Measured in CPU seconds (2-CPU machine, shared) on two 300,000-line files: a
# pip-compile lock (60,000 pins, each with a --hash continuation line, a "# via" comment and a
# comment line; 8.7 MiB) reads in 1.7-1.9 s, where pip's parse_requirements takes 9.4 s (pip
# 23.2) and 9.8 s (pip 26.2), 23.9 s and 11.7 s with its constructors; a manifest of 100,000
# requirements (half of them hashed pins, 8.4 MiB) in 2.7-2.9 s, pip 13.6 s and 14.4 s (39.1 s
# and 17.5 s). pip builds an option parser and runs shlex for every line.
def logical_lines(text: str) -> Iterator[tuple[int, str]]:
    """pip's preprocess: ``\\`` joins the next line (not after a comment line), comments (``#``
    at the start or after whitespace) and blank lines go; numbered by the first physical line.
    Linear where pip's comment regex backtracks on long runs of spaces."""
    pending: list[str] = []
    first = 0
    for number, line in enumerate(text.splitlines(), 1):
        comment = line.lstrip().startswith("#")
        if not comment and line.endswith("\\"):
            first = first if pending else number
            pending.append(line.strip("\\"))
            continue
        if pending:
            number, line, pending = first, "".join([*pending, " " + line if comment else line]), []
        if line := _uncomment(line):
            yield number, line
    if pending and (line := _uncomment("".join(pending))):
        yield first, line


def _uncomment(line: str) -> str:
    start = 0
    while (at := line.find("#", start)) >= 0:
        if at == 0 or line[at - 1].isspace():
            return line[:at].strip()
        start = at + 1
    return line.strip()


class Refused(Exception):
    """pip refuses the line; the message says why."""


class _Parser(optparse.OptionParser):
    def error(self, msg: str) -> NoReturn:
        raise Refused(msg)


def _digest(opt: str, value: str) -> str:
    algo, colon, _ = value.partition(":")
    if not colon or algo not in ("sha256", "sha384", "sha512"):
        raise Refused(f"{opt} takes sha256:, sha384: or sha512: and a digest")
    return value


def _append(option: optparse.Option, opt: str, value: str, parser: optparse.OptionParser) -> None:
    """pip's checks of what --hash, -C and --no-binary (and alike) take."""
    if option.dest == "hash":
        _digest(opt, value)
    elif option.dest == "config_settings" and "=" not in value:
        raise Refused(f"{opt} takes KEY=VALUE")
    elif option.dest != "config_settings" and value.startswith("-"):
        raise Refused(f"{opt} requires 1 argument")
    assert parser.values is not None  # optparse sets them before any callback
    parser.values.ensure_value(str(option.dest), []).append(value)


def _parser() -> _Parser:
    parser = _Parser(add_help_option=False)
    parser.add_option("-i", "--index-url", "--pypi-url", dest="index_url")
    for flags in ("-c --constraint", "-r --requirement", "-e --editable", "-f --find-links"):
        parser.add_option(*flags.split(), action="append")
    for flag in ("--extra-index-url", "--trusted-host", "--use-feature", "--global-option"):
        parser.add_option(flag, action="append")
    for flag in ("--no-index", "--prefer-binary", "--require-hashes", "--no-require-hashes", "--pre"):
        parser.add_option(flag, action="store_true")
    for flags in (
        "--no-binary",
        "--only-binary",
        "--all-releases",
        "--only-final",
        "--hash",
        "-C --config-settings",
    ):
        dest = flags.split()[-1][2:].replace("-", "_")
        parser.add_option(*flags.split(), action="callback", callback=_append, type="str", dest=dest)
    return parser


_PARSER = _parser()


def pip_options(text: str) -> dict[str, Any]:
    """What pip's option parser makes of the options of a line, by destination (``Refused``)."""
    if not text:
        return {}
    if _QUOTING.search(text) is None:
        tokens = re.split(r"[ \t\r\n]+", text)
        if all(token.startswith("--hash=") for token in tokens):  # a pin's hashes: the common case
            return {"hash": [_digest("--hash", token[7:]) for token in tokens]}
    else:
        try:
            tokens = shlex.split(text)
        except ValueError:
            raise Refused("unbalanced quotes") from None
    values = optparse.Values()
    _PARSER.parse_args(tokens, values)
    return vars(values)


def split_args(line: str) -> tuple[str, str]:
    """pip's break_args_options: the requirement ends where a space-separated token starts with -."""
    if line.startswith("-"):
        return "", line
    at = line.find(" -")
    return (line, "") if at < 0 else (line[:at], line[at + 1 :])


@dataclass(frozen=True)
class Local:
    """A local path (or file: URL) pip installs: the project itself (root), or another folder."""

    path: str
    extras: frozenset[str] = frozenset()
    root: bool = False


def _is_url(text: str) -> bool:
    return text.split(":", 1)[0].lower() in _URL_SCHEMES if ":" in text else False


def _path_like(text: str) -> bool:
    return "/" in text or text.startswith(".")


def _strip_extras(text: str) -> tuple[str, frozenset[str]]:
    found = re.match(r"^(.+)(\[[^\]]+\])$", text)  # pip's: ".[a,b]", "./pkg[dev]"
    if not found:
        return text, frozenset()
    return found[1], frozenset(str(canonicalize_name(e)) for e in Requirement(f"x{found[2].lower()}").extras)


def _egg(url: str) -> str | None:
    found = re.search(r"[#&]egg=([^&]*)", url)
    if found and not _EGG_NAME.fullmatch(found[1]):
        raise Refused(f"#egg={found[1][:40]} is not a project name")
    return found[1] if found else None


def _named(name: str, url: str) -> Requirement:
    """``name @ url`` without the #egg= that named it (a #subdirectory= stays)."""
    base, _, fragment = url.partition("#")
    kept = "&".join(part for part in fragment.split("&") if part and not part.startswith("egg="))
    return Requirement(f"{name} @ {base}{'#' + kept if kept else ''}")


def split_vcs(url: str) -> tuple[str, str, str, str]:
    """``git+https://host/repo@ref#subdirectory=sub`` -> ("git", "git+https://host/repo",
    "ref", "sub"); ("", url, "", "") for a URL that is not a VCS one."""
    vcs = url.partition("+")[0]
    if vcs not in _VCS or "+" not in url.partition(":")[0]:
        return "", url, "", ""
    base, _, fragment = url.partition("#")
    sub = dict(p.partition("=")[::2] for p in fragment.split("&") if p).get("subdirectory", "")
    rest = base.partition("://")[2]
    if "/" not in rest or "@" not in rest[rest.index("/") :]:  # pip's rule: a ref is an "@" in the path
        return vcs, base, "", sub
    base, _, ref = base.rpartition("@")
    return vcs, base, ref, sub


def excerpt(line: str) -> str:
    shown = mask(line)  # never a credential, never more than a short excerpt
    return shown if len(shown) <= 60 else shown[:57] + "..."


def parse_requirement(text: str, files: ProjectFiles | None) -> Requirement | Local | None:
    """pip's parse_req_from_line: PEP 508, a URL (None: pip names it by building it), a path
    (looked up through ``files``: see ``_where``)."""
    url = _is_url(text)
    marker = None
    if (sep := "; " if url else ";") in text:
        text, marker_text = text.split(sep, 1)
        marker = Marker(marker_text.strip()) if marker_text.strip() else None
    text = text.strip()
    path, extras = (text, frozenset[str]()) if url else _strip_extras(text)
    where = _where(files, path, installable=True) if _path_like(text) and not url else "missing"
    local = unquote(urlsplit(text).path) if url else ""  # a URL's path, or a file: URL's
    filename = posixpath.basename(local.rstrip("/"))
    if text.lower().startswith("file:"):
        return Local(local, root=_where(files, local) == "root")
    if where in ("root", "folder"):
        return Local(path, extras, where == "root")
    if filename.endswith(".whl"):
        try:
            found: Requirement | None = _named(str(parse_wheel_filename(filename)[0]), text)
        except InvalidWheelFilename:
            raise Refused(f"{filename[:40]} is not a wheel's file name") from None
    elif url:
        found = _named(egg, text) if (egg := _egg(text)) else None
    elif path.lower().endswith(_ARCHIVES) and not ("@" in text and not _path_like(text.split("@")[0])):
        return Local(path, extras)  # an archive, even a missing one (not "name @ .../x.zip")
    else:
        try:
            found = Requirement(text)
        except InvalidRequirement:
            if where == "unknown" and not any(c.isspace() for c in text):
                return Local(path, extras)  # outside the project: pickenv does not look
            raise
    if found is not None and marker is not None:
        found.marker = marker
    return found


def parse_editable(text: str, files: ProjectFiles | None) -> Requirement | Local:
    """pip's parse_editable: a local folder, or a VCS URL naming its package with #egg=."""
    path, extras = _strip_extras(text)
    if (where := _where(files, path)) in ("root", "folder"):
        return Local(path, extras, where == "root")
    if path.lower().startswith("file:"):
        local = unquote(urlsplit(path).path)
        return Local(local, extras, _where(files, local) == "root")
    url = next((f"{vcs}+{text}" for vcs in _VCS if text.lower().startswith(f"{vcs}:")), text)
    if url.split(":", 1)[0].lower() in VCS_SCHEMES:
        if (egg := _egg(url)) is None:
            raise Refused("names no package: add #egg=<name>")
        return _named(egg, url)
    if where == "unknown" and not _is_url(url):
        return Local(path, extras)
    raise Refused("is neither a local folder nor a VCS URL")


def _where(files: ProjectFiles | None, path: str, installable: bool = False) -> str:
    """pip's isdir from the project's root: "root", "folder", "missing", or "unknown"
    (outside the project, or no files: never looked at, the line is a Note)."""
    if files is None:
        return "root" if posixpath.normpath(path) == "." else "unknown"
    try:
        rel = files.relative(path)
    except FileError:
        return "unknown"
    if not files.is_dir(rel):
        return "missing"
    metadata = (f"{rel}/pyproject.toml", f"{rel}/setup.py")
    if installable and not any(files.exists(name) for name in metadata):
        raise Refused(f"pip cannot install the folder {excerpt(path)}: no pyproject.toml or setup.py")
    return "root" if rel == "." else "folder"
