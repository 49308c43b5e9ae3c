"""Frozen records: the values every `pickenv recommend` defines (its terminal, context,
questions, rules, results), as frozen dataclasses would be, without generating code.

A subclass's annotated attributes are its fields, in order, each with the default it
is given or none: the constructor takes them by position or keyword, instances compare
equal field by field (same class only), hash and print as a frozen dataclass does, and
refuse assignment; ``_replace`` makes a changed copy. Type checkers read a subclass as
a frozen dataclass (PEP 681).

Why not dataclasses: importing them cost every start 43 M instructions (inspect, and
ast, dis and tokenize with it) and each frozen dataclass 3.7 M more, as the methods
dataclasses writes are compiled. typing.NamedTuple compiles every field's annotation
into a ForwardRef (a string, under `from __future__ import annotations`), and the first
compile() of a process builds the ast module's types: 9.3 M, and 0.25 M a class. A
Record subclass costs 0.1 M (valgrind; README, Speed). Making an instance costs about
what a frozen dataclass's does, but it has a dict of its own: a loop that makes hundreds
of thousands is better off with plain tuples (``rules.engine.ranked``).
"""

from __future__ import annotations

from itertools import pairwise

_set = object.__setattr__  # a frozen instance's own way to fill itself

TYPE_CHECKING = False  # as typing's, without importing typing on every start (README, Speed)
if TYPE_CHECKING:
    from typing import Any, ClassVar

    from typing_extensions import Self, dataclass_transform
else:

    def dataclass_transform(**_options: object) -> Any:
        return lambda cls: cls


@dataclass_transform(frozen_default=True)
class Record:
    _fields: ClassVar[tuple[str, ...]] = ()
    _defaults: ClassVar[dict[str, object]] = {}

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        own = vars(cls)
        names = [
            name
            for name, kind in own.get("__annotations__", {}).items()
            if not str(kind).startswith(("ClassVar", "typing.ClassVar"))
        ]
        fields = (*cls._fields, *(name for name in names if name not in cls._fields))
        defaults = {**cls._defaults, **{name: own[name] for name in names if name in own}}
        for before, name in pairwise(fields):
            if before in defaults and name not in defaults:
                raise TypeError(f"{cls.__name__}: {name!r}, without a default, follows a field with one")
        cls._fields, cls._defaults = fields, defaults

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        fields = self._fields
        if len(args) == len(fields) and not kwargs:  # as the rule engine builds them: kept quick
            _set(self, "__dict__", dict(zip(fields, args, strict=False)))
            return
        values = {**self._defaults, **dict(zip(fields, args, strict=False)), **kwargs}
        if (
            len(args) > len(fields)
            or len(values) < len(fields)
            or (kwargs and not kwargs.keys() <= set(fields[len(args) :]))  # known, and not given twice
        ):
            raise TypeError(self._misfit(args, kwargs))
        _set(self, "__dict__", values)

    def _misfit(self, args: tuple[Any, ...], kwargs: dict[str, Any]) -> str:
        name, fields = type(self).__name__, self._fields
        if len(args) > len(fields):
            return f"{name}() takes {len(fields)} arguments, not {len(args)}"
        unexpected = [key for key in kwargs if key not in fields[len(args) :]]
        if unexpected:
            return f"{name}() got an unexpected or repeated argument {unexpected[0]!r}"
        missing = [f for f in fields[len(args) :] if f not in kwargs and f not in self._defaults]
        return f"{name}() missing {', '.join(map(repr, missing))}"

    def _replace(self, **changes: Any) -> Self:
        """A copy with ``changes`` (as ``dataclasses.replace``)."""
        return type(self)(**{**self.__dict__, **changes})

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"cannot assign to field {name!r} of a frozen {type(self).__name__}")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"cannot delete field {name!r} of a frozen {type(self).__name__}")

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return self.__dict__ == other.__dict__

    def __hash__(self) -> int:
        return hash(tuple(map(self.__dict__.__getitem__, self._fields)))

    def __repr__(self) -> str:
        shown = ", ".join(f"{name}={self.__dict__[name]!r}" for name in self._fields)
        return f"{type(self).__name__}({shown})"
