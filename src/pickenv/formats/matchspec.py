"""conda's match spec grammar (``numpy >=1.24,<2``, ``conda-forge::python=3.12``,
``pytorch[build=*cuda*]``), parsed as conda and rattler's lenient parser read a spec.

Parsed here rather than with py-rattler: rattler is 81 MB installed and takes 36-40 ms to
import, so it is the tests' oracle, not a run-time dependency.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import lru_cache


@dataclass(frozen=True)
class Constraint:
    """One version constraint. ``op`` "=" is conda's starts-with (``1.2.*``), "!=*" its
    negation, "*" any version, "glob" a pattern conda's own parser matches (rattler refuses)."""

    op: str
    version: str = ""

    def __str__(self) -> str:  # rattler's canonical text
        special = {"*": "*", "=": f"{self.version}.*", "!=*": f"!={self.version}.*", "glob": self.version}
        return special.get(self.op, f"{self.op}{self.version}")


@dataclass(frozen=True)
class Versions:
    """Constraints joined by ``,`` (all must hold) or ``|`` (one must)."""

    join: str
    parts: tuple[Constraint | Versions, ...]

    def __str__(self) -> str:
        return self.join.join(
            f"({p})" if self.join == "," and isinstance(p, Versions) else str(p) for p in self.parts
        )


@dataclass(frozen=True)
class MatchSpec:
    name: str  # lower case, as conda compares names
    version: Constraint | Versions | None = None
    build: str = ""
    channel: str = ""  # "pytorch", "conda-forge/linux-64"
    fields: tuple[str, ...] = ()  # other [key=value] fields (build_number, md5...): conda's own
    url: str = ""  # a package file instead of a name
    written: str = ""  # the version as written, blanks removed (">=3.10", "=3.12")


class SpecError(ValueError):
    """Not a match spec conda reads."""


_NUMBER = r"(?:0|[1-9]\d{0,17})"
NAME_RE = r"[A-Za-z0-9](?:[A-Za-z0-9_.-]*[A-Za-z0-9])?"  # also the names PEP 508 allows
_SIMPLE = re.compile(rf"({NAME_RE})(?:\s*(==|=|>=|<=|>|<|!=|~=|\s)\s*({_NUMBER}(?:\.{_NUMBER})*)(\.?\*)?)?")
_COMP = r"[A-Za-z0-9*]+(?:[-._]+[A-Za-z0-9*]+)*[-_]*"  # greedy and unambiguous: linear
_VER = rf"(?:\d+!)?{_COMP}(?:\+{_COMP})?"
_SPECIAL = re.compile(rf"=(?:{_VER}(?:\.?\*)?|\*)")  # tried first in rattler's lenient mode
_ANY = re.compile(r"\*(?:\.\*)?")
_OPERATOR = re.compile(r"\s*(?:==|!=|~=|>=|<=|=|>|<)\s*")
_TERM = re.compile(rf"{_VER}[.*]*")
_SEP = re.compile(r"\s*([,|])\s*")
_OPEN, _CLOSE = re.compile(r"\(\s*"), re.compile(r"\s*\)")
_OP_RUN, _WORD = re.compile(r"[=!<>~]*"), re.compile(r"[A-Za-z0-9!\-_.*+]+")
_VERSION = re.compile(r"(\d+!)?[A-Za-z0-9]+(?:[-._][A-Za-z0-9]+)*(?:[-._][-_]|[-_])?")
_LOCAL = re.compile(r"\+[A-Za-z0-9]+(?:[-._][A-Za-z0-9]+)*(?:[-._][-_]|[-_])?")
_FIELD = re.compile(
    r"""\s*([\w-]*)\s*=\s*("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|\[[^\]]*\]|[^,\]'"]+)\s*([,\]])"""
)
_COMMENT = re.compile(r"(?:\[[^\]]*\]|[^#\[])*")
_FIELDS = {"version", "build", "build_number", "extras", "flags", "sha256", "md5", "fn", "url", "subdir",
           "channel", "license", "track_features", "when", "license_family", "namespace"}  # fmt: skip
_IF, _URL = re.compile(r";\s*if\s"), re.compile(r"[A-Za-z][\w+.-]*://|/")
_PACKAGE_FILE = re.compile(r".*/([^/]+)-[^-/]+-[^-/]+\.(?:conda|tar\.bz2)")
_NAME, _EXACT_NAME = re.compile(r"[^\s<>=!~]*"), re.compile(r"[A-Za-z0-9_.-]+")
_HEX = re.compile(r"[^0-9a-fA-F]")
_DEPTH = 32  # parentheses nested deeper than any real spec are refused, not recursed into


# Linear: 300,000 entries read in 2.9 s when simple (name=1.2), 4.6 s mixed with channels, builds
# and | (PyYAML's load is 1.4-1.6 s of either); 150,000 distinct four-term specs in 7.7 s (2 busy cores).
def parse_matchspec(entry: str) -> MatchSpec:
    """A conda match spec as conda (and rattler) read it; ``SpecError`` if it is not one."""
    if simple := _SIMPLE.fullmatch(entry):  # most entries: name, name=1.2, name >=1.2 (no regex below)
        name, op, number, star = simple.groups()
        if not op:
            return MatchSpec(name.lower())
        written, op = f"{op.strip()}{number}{star or ''}", op.strip()
        if star:
            op = "=" if op in ("", "=", "==") else ">=" if op == ">" else "!=*" if op == "!=" else op
        return MatchSpec(name.lower(), Constraint(op or "==", number), written=written)
    kept = _COMMENT.match(entry)
    text = entry[: kept.end()] if kept and entry[kept.end() : kept.end() + 1] == "#" else entry
    if ";" in text and (_IF.search(text) or text.count(";") > 1):
        raise SpecError("conda's '; if' is not part of a match spec")
    text, fields = _brackets(text.strip())
    if _URL.match(text) and "::" not in text:
        file = _PACKAGE_FILE.fullmatch(text)
        if file is None:
            raise SpecError("a package URL names no package file")
        return MatchSpec(file[1].lower(), url=text)
    channel, _, text = text.rsplit(":", 2) if text.count(":") >= 2 else ("", "", text)
    text = text.strip()
    name = _NAME.match(text)[0]  # type: ignore[index]
    if not _EXACT_NAME.fullmatch(name):
        raise SpecError(
            f"{name[:30]!r} is not an exact package name" if name else "a package name is missing"
        )
    version: Constraint | Versions | None = None
    build = written = ""
    if rest := text[len(name) :].strip():
        if "[" in rest:
            raise SpecError("more than one [...] section")
        written, build, version = _version_and_build(rest)
    spec = MatchSpec(name.lower(), version, build, channel.strip(), written=written)
    return _with_fields(spec, fields) if fields else spec


@lru_cache(maxsize=4096)  # files repeat their version texts (=1.2, >=1.2,<2): each is parsed once
def _version_and_build(rest: str) -> tuple[str, str, Constraint | Versions]:
    written, build = _split_version(rest)
    return written, build, _versions(_strip_equals(written, build))


def _brackets(text: str) -> tuple[str, list[tuple[str, str]]]:
    """``name[key=value, ...]``: the text before, and the fields (an unquoted value keeps the
    blanks after it, as rattler reads it)."""
    if not text.endswith("]") or "[" not in text:
        return text, []
    start = text.index("[")
    fields, pos, end = [], start + 1, "," if text[start + 1 :] != "]" else ""
    while end == ",":
        found = _FIELD.match(text, pos)
        if found is None:
            raise SpecError("a [key=value] section conda cannot read")
        fields.append((found[1], found[2][1:-1] if found[2][:1] in ("'", '"') else found[2]))
        pos, end = found.end(), found[3]
    if end and pos != len(text):
        raise SpecError("a [key=value] section conda cannot read")
    return text[:start], fields


def _with_fields(spec: MatchSpec, fields: list[tuple[str, str]]) -> MatchSpec:
    extra = []
    for key, value in fields:
        if key not in _FIELDS:
            raise SpecError(f"{key[:30]!r} is not a field of a match spec")
        if key == "version":  # a field wins over what is outside the brackets
            spec = replace(spec, version=_versions(value), written=value)
        elif key == "build":
            spec = replace(spec, build=value)
        elif key == "channel":  # wins over ``channel::``, whose subdir stays
            subdir = re.findall(r"/(?:noarch|[a-z]+-\w+)$", spec.channel)
            spec = replace(spec, channel=value + "".join(subdir))
        elif key in ("md5", "sha256") and (len(value) != (32 if key == "md5" else 64) or _HEX.search(value)):
            raise SpecError(f"{key} is not a hexadecimal digest")
        else:
            extra.append(f"{key}={value}")
    return replace(spec, fields=tuple(extra)) if extra else spec


def _split_version(text: str) -> tuple[str, str]:
    """The version group (blanks removed) and the build string after it (``>=1.2,<2 py312*``)."""
    end = _term_end(text, 0, 0)
    while sep := _SEP.match(text, end):
        end = _term_end(text, sep.end(), 0)
    if text[end : end + 1] == "+":
        raise SpecError("a local version (+...) is empty")
    build = text[end + (text[end : end + 1] in (" ", "=")) :].strip()
    for stars in re.finditer(r"\*{2,}", "" if build.startswith("^") else build):  # a glob conda reads?
        around = build[stars.start() - 1 : stars.start()] + build[stars.end() : stars.end() + 1]
        if stars[0] != "**" or around.strip("/"):
            raise SpecError(f"the build string {build[:30]!r} is not a glob conda reads")
    return re.sub(r"\s+", "", text[:end]), build


def _term_end(text: str, pos: int, depth: int) -> int:
    if depth > _DEPTH:
        raise SpecError("parentheses nested too deep")
    if text.startswith("(", pos):
        end = _term_end(text, pos + 1, depth + 1)
        while sep := _SEP.match(text, end):
            end = _term_end(text, sep.end(), depth + 1)
        if text.startswith(")", end):
            return end + 1
    if found := _SPECIAL.match(text, pos) or _ANY.match(text, pos):
        return found.end()
    operator = _OPERATOR.match(text, pos)
    found = _TERM.match(text, operator.end() if operator else pos)
    if found is None:  # rattler's parser cuts here: no other reading is tried
        raise SpecError(f"{text[pos:].strip()[:30]!r} is not a version conda reads")
    return found.end()


def _strip_equals(version: str, build: str) -> str:
    """conda's ``=1.2`` is ``1.2.*`` and ``==1.2`` is ``1.2``, unless a build follows."""
    if not version.startswith("="):
        return version
    bare = version[1:]
    if bare.startswith("=") and not build:
        return bare[1:]
    if any(c in bare for c in "=,|"):
        return version
    return f"{bare}*" if not build and not bare.endswith("*") else bare


def _versions(text: str) -> Constraint | Versions:
    """A version spec: ``|`` of ``,`` of terms, ``(...)`` grouping, blanks around them."""
    spec, end = _group(text, 0, 0)
    if end != len(text):
        raise SpecError(f"{text[:30]!r} is not a version spec conda reads")
    return spec


def _group(text: str, pos: int, depth: int) -> tuple[Constraint | Versions, int]:
    """``,`` binds tighter than ``|``; nested groups of the same join are flattened."""
    ors: list[list[Constraint | Versions]] = [[]]
    while True:
        if depth > _DEPTH:
            raise SpecError("parentheses nested too deep")
        if opened := _OPEN.match(text, pos):
            term, pos = _group(text, opened.end(), depth + 1)
            if (closed := _CLOSE.match(text, pos)) is None:
                raise SpecError("a '(' is not closed")
            pos = closed.end()
        elif found := _ANY.match(text, pos):
            term, pos = Constraint("*"), found.end()
        else:
            op, pos = _OP_RUN.match(text, pos)[0], _OP_RUN.match(text, pos).end()  # type: ignore[index,union-attr]
            if (word := _WORD.match(text, pos)) is None:
                raise SpecError("a version is missing")
            term, pos = _constraint(op, word[0]), word.end()
        ors[-1].append(term)
        if (sep := _SEP.match(text, pos)) is None:
            break
        pos = sep.end()
        if sep[1] == "|":
            ors.append([])
    return _joined("|", [_joined(",", terms) for terms in ors]), pos


def _joined(join: str, parts: list[Constraint | Versions]) -> Constraint | Versions:
    flat = [q for p in parts for q in (p.parts if isinstance(p, Versions) and p.join == join else (p,))]
    return flat[0] if len(flat) == 1 else Versions(join, tuple(flat))


def _constraint(op: str, text: str) -> Constraint:
    if op and op not in ("==", "!=", "~=", ">=", "<=", "=", ">", "<"):
        raise SpecError(f"{op[:10]!r} is not a version operator")
    if text == "*":
        if op in (">=", "<=", "~=", "=", "=="):
            return Constraint("*")
        raise SpecError(f"'*' cannot follow {op!r}")
    version, rest = _version(text)
    starry = rest == "*" or (rest != "" and re.fullmatch(r"(?:\.\*)+", rest) is not None)
    if rest == "":
        return Constraint(op or "==", version)
    if starry and op in (">=", ">"):
        return Constraint(">=", version)
    if rest in ("*", ".*") and op == "!=":
        return Constraint("!=*", version)
    if starry and op:
        return Constraint(op, version)
    if not op and (starry or re.fullmatch(r"(?:\.\*)+\.?", rest)):
        return Constraint("=", version)
    if "*" in text and not op:  # conda's own parser matches it as a glob (rattler refuses it)
        return Constraint("glob", text)
    raise SpecError(f"{text[:30]!r} is not a conda version")


def _version(text: str) -> tuple[str, str]:
    """The conda version at the start of ``text``, normalised as conda compares it, and the rest."""
    found = _VERSION.match(text)
    if found is None:
        raise SpecError(f"{text[:30]!r} is not a conda version")
    end = found.end()
    if local := _LOCAL.match(text, end):
        end = local.end()
    elif text[end : end + 1] == "+":
        raise SpecError("a local version (+...) is empty")
    version = text[:end]
    if "-" in version and "_" in version:
        raise SpecError(f"{version[:30]!r} mixes '-' and '_'")
    if any(len(d) > 19 and int(d) >= 1 << 64 for d in re.findall(r"\d+", version)):
        raise SpecError(f"{version[:30]!r} has a number too large")
    return re.sub(r"\d+", lambda d: str(int(d[0])), version.lower()), text[end:]
