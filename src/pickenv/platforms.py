"""An operating system's conventions as data: the one place that knows them.

Where a venv keeps its scripts (bin or Scripts), what separates a path's parts and
PATH's entries, the executables' suffix, and the shell a displayed command is written
for: how it quotes a word, sets a variable for a command and removes a folder. The
Context builds one ``Platform`` from the environment it is given, and ``ToolContext``
carries it to the tools; the tests build a Windows one on Linux and read the real
output. Nothing else asks ``os.name`` or ``sys.platform`` what to display.

Starting ``pickenv recommend`` imports this module (through the Context): it imports
nothing beyond the standard library's typing at import time.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from pickenv.records import Record

TYPE_CHECKING = False  # as typing's, without importing typing on every start (README, Speed)
if TYPE_CHECKING:
    from typing import Literal

    from pickenv.versions import PythonVersion

    Family = Literal["linux", "macos", "windows"]
    Shell = Literal["sh", "powershell", "cmd"]

# Words PowerShell and cmd take as they are. PowerShell reads `,` (an array), `@` (splatting),
# `~`, `$`, `;`, `(`, `{` and quotes itself; cmd reads `=`, `,` and `;` as separators
# in batch arguments and `%`, `^`, `&`, `|`, `<`, `>` always.
_SAFE_WORD = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_./\\:+-")
# PowerShell takes the typographic single quotes for ' too (about_Quoting_Rules): each
# of them is doubled inside a single-quoted string, like ' itself.
_PS_SINGLE_QUOTES = "'\u2018\u2019\u201a\u201b"


# A Record, not a frozen dataclass: every `pickenv recommend` defines it (pickenv.records).
class Platform(Record):
    """How one operating system lays out files and how its shell reads a command."""

    family: Family
    shell: Shell  # what displayed commands are written for
    path_separator: str  # between a path's parts: "/" or "\\"
    path_list_separator: str  # between PATH's entries: ":" or ";"
    exe_suffix: str  # "" or ".exe"
    venv_bin: str  # a venv's folder of scripts: "bin" or "Scripts"

    @classmethod
    def posix(cls, family: Family = "linux") -> Platform:
        return cls(family, "sh", "/", ":", "", "bin")

    @classmethod
    def windows(cls, shell: Shell = "powershell") -> Platform:
        return cls("windows", shell, "\\", ";", ".exe", "Scripts")

    @classmethod
    def from_environment(cls, sys_platform: str, env: Mapping[str, str]) -> Platform:
        """The platform of ``sys_platform`` (``sys.platform``'s values), with the shell
        ``env`` says: on Windows PowerShell (the shell of Windows Terminal's default
        profile), or a POSIX shell in Git Bash and MSYS2, which set MSYSTEM."""
        if sys_platform == "win32":
            return cls.windows("sh" if env.get("MSYSTEM") else "powershell")
        # Every other POSIX system (Cygwin too) keeps a venv's scripts in bin.
        return cls.posix("macos" if sys_platform == "darwin" else "linux")

    @classmethod
    def running(cls) -> Platform:
        """The OS running pickenv, from sys.platform alone: for a caller that has no
        Context to take it from (the Context's reads the shell from its environment)."""
        import sys

        return cls.from_environment(sys.platform, {})

    # ---- paths -------------------------------------------------------------------------
    @property
    def shown_separator(self) -> str:
        """A POSIX shell on Windows (Git Bash) takes "/" unquoted, "\\" only quoted."""
        return "/" if self.shell == "sh" else self.path_separator

    def path(self, *parts: str) -> str:
        """``parts`` joined as this platform's shell shows a relative path."""
        return self.shown_separator.join(p for p in parts if p)

    def venv_script(self, env_dir: str, name: str) -> str:
        """A program inside a venv: ``.venv/bin/python``, ``.venv\\Scripts\\python.exe``."""
        return self.path(env_dir, self.venv_bin, name + self.exe_suffix)

    def activate(self, env_dir: str) -> str:
        """The line that activates a venv in this platform's shell. PowerShell and cmd
        both run ``activate`` (Activate.ps1 and activate.bat)."""
        script = self.path(env_dir, self.venv_bin, "activate")
        return f"source {self.quote(script)}" if self.shell == "sh" else self.quote(script)

    def python_command(self, version: PythonVersion) -> tuple[str, ...]:
        """How a person starts Python ``version`` (a MAJOR.MINOR): ``python3.12``; on
        Windows, which installs no pythonX.Y, the py launcher: ``py -3.12``."""
        return ("py", f"-{version}") if self.family == "windows" else (f"python{version}",)

    def interpreter_name(self, version: PythonVersion) -> str:
        """What a tool's ``--python`` option is given to find Python ``version``: its
        name on PATH, or on Windows the bare version (virtualenv, pipenv and uv look it
        up in the registry the py launcher reads)."""
        return str(version) if self.family == "windows" else f"python{version}"

    def split_path_list(self, value: str) -> list[str]:
        """PATH's entries (or any list written like PATH), empty ones dropped."""
        return [entry for entry in value.split(self.path_list_separator) if entry]

    # ---- commands ----------------------------------------------------------------------
    def quote(self, word: str) -> str:
        """``word`` as one argument in this platform's shell."""
        if self.shell == "sh":  # "\\" escapes there: shlex knows the rest
            import shlex

            return shlex.quote(word)
        if word and all(c in _SAFE_WORD for c in word):
            return word
        if self.shell == "powershell":
            return _powershell_literal(word)
        # cmd: double quotes; a quote inside is doubled (the C runtime's convention).
        # cmd still expands %NAME% inside them: nothing escapes that on a command line.
        return '"' + word.replace('"', '""') + '"'

    def join(self, words: Sequence[str]) -> str:
        """A command line; PowerShell runs a quoted program only after the call operator."""
        line = " ".join(self.quote(w) for w in words)
        if self.shell == "powershell" and words and self.quote(words[0]) != words[0]:
            return f"& {line}"
        return line

    def command(self, words: Sequence[str], env: Iterable[tuple[str, str]] = ()) -> str:
        """``words`` with the variables ``env`` set for it (no words: only set them). A
        POSIX shell sets them for the one command; PowerShell and cmd set them for the
        rest of the session, the only way either has."""
        line = self.join(words)
        pairs = list(env)
        if not pairs:
            return line
        if self.shell == "sh":
            settings = " ".join(f"{k}={self.quote(v)}" for k, v in pairs)
            return f"{settings} {line}" if line else f"export {settings}"
        if self.shell == "powershell":  # a number needs no quotes: PowerShell makes it a string
            settings = "; ".join(f"$env:{k}={_powershell_value(v)}" for k, v in pairs)
            separator = "; "
        else:
            settings = " && ".join(f'set "{k}={v}"' for k, v in pairs)
            separator = " && "
        return f"{settings}{separator}{line}" if line else settings

    def remove_folder(self, path: str) -> str:
        """The command that removes the folder ``path`` and everything in it."""
        target = self.quote(path)
        if self.shell == "powershell":
            return f"Remove-Item -Recurse -Force {target}"
        if self.shell == "cmd":
            return f"rmdir /s /q {target}"
        return f"rm -rf {target}"


def _powershell_value(value: str) -> str:
    return value if value.isascii() and value.isdigit() else _powershell_literal(value)


def _powershell_literal(word: str) -> str:
    """A single-quoted PowerShell string: it expands nothing."""
    return "'" + "".join(c * 2 if c in _PS_SINGLE_QUOTES else c for c in word) + "'"


# Text written for everyone rather than for this machine (the generated README, the
# template's facts) uses POSIX conventions and names Windows' apart, as before.
POSIX = Platform.posix()
WINDOWS = Platform.windows()
