"""Python versions are compared as versions, never as strings or floats."""

from __future__ import annotations

import pytest

from pickenv.versions import KNOWN_VERSIONS, PythonVersion, closest_known, parse_version, select_versions


def test_parse_version_keeps_the_minor_as_a_number() -> None:
    assert parse_version("3.10") == (3, 10)
    assert parse_version(" 2.7 ") == (2, 7)
    assert parse_version("3.10") != parse_version("3.1")


def test_3_10_is_newer_than_3_9() -> None:
    assert parse_version("3.10") > parse_version("3.9")
    assert "3.10" < "3.9"  # the string comparison this module exists to avoid
    assert sorted(["3.10", "3.9", "2.7", "3.14", "3.1"], key=parse_version) == [
        "2.7",
        "3.1",
        "3.9",
        "3.10",
        "3.14",
    ]


def test_known_versions_are_in_version_order_and_unique() -> None:
    assert list(KNOWN_VERSIONS) == sorted(KNOWN_VERSIONS, key=parse_version)
    assert len(set(KNOWN_VERSIONS)) == len(KNOWN_VERSIONS)
    assert KNOWN_VERSIONS[0] == "2.7"
    assert "3.10" in KNOWN_VERSIONS and "3.14" in KNOWN_VERSIONS


@pytest.mark.parametrize("text", ["3", "3.10.1", "three.ten", "", "3.x", "v3.10", "3.10a1"])
def test_parse_version_rejects_anything_but_major_minor(text: str) -> None:
    with pytest.raises(ValueError, match=r"MAJOR\.MINOR"):
        parse_version(text)


@pytest.mark.parametrize(
    ("specifier", "expected"),
    [
        (">=3.6,<3.10", {"3.6", "3.7", "3.8", "3.9"}),
        (">= 3.6 , < 3.10", {"3.6", "3.7", "3.8", "3.9"}),
        ("<3.10", {"2.7", "3.6", "3.7", "3.8", "3.9"}),
        ("<3.3", {"2.7"}),
        ("<=3.6", {"2.7", "3.6"}),
        (">3.12", {"3.13", "3.14", "3.14t", "3.15", "3.15t"}),
        ("3.11", {"3.11"}),
        ("==3.10", {"3.10"}),
        ("!=3.10,>=3.9,<3.12", {"3.9", "3.11"}),
        (">=3.10", {"3.10", "3.11", "3.12", "3.13", "3.14", "3.14t", "3.15", "3.15t"}),
        ("3.1", set()),  # not 3.10: a different version that pickenv does not know
        (">3.15", set()),
        ("3.14t", {"3.14t"}),  # a free-threaded build by name: only it
        # PEP 440, as packaging reads it: compatible release, a short version, a wildcard.
        ("~=3.12", {"3.12", "3.13", "3.14", "3.14t", "3.15", "3.15t"}),
        (
            ">=3",
            {"3.6", "3.7", "3.8", "3.9", "3.10", "3.11", "3.12", "3.13", "3.14", "3.14t", "3.15", "3.15t"},
        ),
        ("==3.*,<3.8", {"3.6", "3.7"}),
    ],
)
def test_select_versions(specifier: str, expected: set[str]) -> None:
    assert select_versions(specifier) == frozenset(expected)


def test_select_versions_over_a_custom_list() -> None:
    assert select_versions(">=3.9", ["3.8", "3.9", "3.10"]) == {"3.9", "3.10"}


@pytest.mark.parametrize("specifier", ["", ">=3.6,", ",<3.10", "=>3.6", ">=3.6 <3.10", "3.x", "~3.8"])
def test_select_versions_rejects_malformed_specifiers(specifier: str) -> None:
    with pytest.raises(ValueError):
        select_versions(specifier)


@pytest.mark.parametrize(
    ("interpreter", "expected"),
    [
        ((3, 11), "3.11"),
        ((3, 10), "3.10"),
        ((3, 14), "3.14"),
        ((3, 20), "3.15"),
        ((4, 0), "3.15"),
        ((2, 7), "2.7"),
    ],
)
def test_closest_known(interpreter: tuple[int, int], expected: str) -> None:
    assert closest_known(PythonVersion(*interpreter)) == expected
