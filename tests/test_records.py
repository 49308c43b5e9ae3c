"""pickenv.records.Record behaves as a frozen dataclass does: fields in order with their
defaults, positional or keyword arguments, equality and hash by value within one class,
a repr, no assignment, and a changed copy."""

from __future__ import annotations

import copy
import dataclasses

import pytest

from pickenv.records import Record


class Pair(Record):
    name: str
    count: int = 0
    tags: tuple[str, ...] = ()

    @property
    def shown(self) -> str:
        return f"{self.name}:{self.count}"


class Other(Record):
    name: str
    count: int = 0
    tags: tuple[str, ...] = ()


class Loud(Pair):
    """A subclass that adds behaviour and no field, as yamlio.MoreProblems does."""

    def __str__(self) -> str:
        return self.name.upper()


@dataclasses.dataclass(frozen=True)
class Twin:
    name: str
    count: int = 0
    tags: tuple[str, ...] = ()


def test_fields_take_their_defaults_by_position_or_keyword() -> None:
    assert Pair("a") == Pair("a", 0, ()) == Pair(name="a") == Pair("a", tags=(), count=0)
    made = Pair("a", tags=("x",))
    assert (made.name, made.count, made.tags, made.shown) == ("a", 0, ("x",), "a:0")
    assert Pair._fields == ("name", "count", "tags")


def test_equality_and_hash_are_by_value_within_one_class() -> None:
    assert Pair("a", 1) == Pair("a", 1) and hash(Pair("a", 1)) == hash(Pair("a", 1))
    assert Pair("a", 1) != Pair("a", 2)
    assert Pair("a", 1) != Other("a", 1)  # as dataclasses: another class is never equal
    assert Pair("a", 1) != ("a", 1, ())  # and a record is no tuple
    assert len({Pair("a"), Pair("a"), Pair("b")}) == 2


def test_repr_reads_as_a_dataclass_s() -> None:
    assert repr(Pair("a", 2, ("x",))) == repr(Twin("a", 2, ("x",))).replace("Twin", "Pair")


def test_fields_cannot_be_assigned_or_deleted() -> None:
    made = Pair("a")
    with pytest.raises(AttributeError, match="frozen Pair"):
        made.name = "b"  # type: ignore[misc]
    with pytest.raises(AttributeError, match="frozen Pair"):
        del made.count  # type: ignore[misc]
    with pytest.raises(AttributeError):
        made.extra = 1  # type: ignore[attr-defined]
    assert made == Pair("a")


def test_replace_makes_a_changed_copy() -> None:
    made = Pair("a", 1)
    assert made._replace(count=2) == Pair("a", 2) and made == Pair("a", 1)
    assert copy.copy(made) == made and copy.deepcopy(made) == made


def test_a_subclass_keeps_its_parent_s_fields() -> None:
    loud = Loud("a", 3)
    assert (str(loud), loud.count, Loud._fields) == ("A", 3, Pair._fields)
    assert loud != Pair("a", 3)


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: Pair(), "Pair() missing 'name'"),
        (lambda: Pair("a", 1, (), 4), "Pair() takes 3 arguments, not 4"),
        (lambda: Pair("a", name="b"), "unexpected or repeated argument 'name'"),
        (lambda: Pair("a", size=1), "unexpected or repeated argument 'size'"),
        (lambda: Pair(count=1), "Pair() missing 'name'"),
    ],
)
def test_wrong_arguments_are_a_type_error_naming_the_field(make: object, message: str) -> None:
    with pytest.raises(TypeError, match=message.replace("(", r"\(").replace(")", r"\)")):
        make()  # type: ignore[operator]


def test_a_field_without_a_default_after_one_with_is_refused() -> None:
    with pytest.raises(TypeError, match="'late', without a default"):

        class Wrong(Record):
            early: int = 0
            late: int
