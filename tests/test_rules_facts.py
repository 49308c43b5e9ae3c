"""Versioned facts (`facts:` under a rule) and `pickenv rules check --facts`, against a
package index served on localhost (no network), and end-of-life rules that warn by
themselves once their date has passed."""

from __future__ import annotations

import json
import sys
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from helpers import answers_with, rules_problems
from pickenv.rules.engine import recommend
from pickenv.rules.facts import check_facts, index_fetcher
from pickenv.rules.loader import RulesSource, load_rules
from pickenv.rules.model import RuleSet

Run = Callable[..., Any]


def _file(version: str, uploaded: str, requires: str | None, name: str) -> dict[str, object]:
    return {
        "filename": name,
        "upload_time": f"{uploaded}T10:00:00",
        "requires_python": requires,
        "yanked": False,
    }


# What PyPI's JSON API says about a made-up package: 1.0 runs on 3.8, 2.0 needs 3.10,
# 2.1rc1 is a pre-release, and 2.0 ships wheels for Linux and Windows only.
DEMO = {
    "info": {"version": "2.0", "requires_python": ">=3.10"},
    "releases": {
        "1.0": [_file("1.0", "2024-01-02", ">=3.8", "demo-1.0.tar.gz")],
        "2.0": [
            _file("2.0", "2026-05-01", ">=3.10", "demo-2.0-cp312-cp312-manylinux_2_28_x86_64.whl"),
            _file("2.0", "2026-05-01", ">=3.10", "demo-2.0-cp312-cp312-win_amd64.whl"),
        ],
        "2.1rc1": [_file("2.1rc1", "2026-06-01", ">=3.8", "demo-2.1rc1.tar.gz")],
    },
    "urls": [
        {"filename": "demo-2.0-cp312-cp312-manylinux_2_28_x86_64.whl"},
        {"filename": "demo-2.0-cp312-cp312-win_amd64.whl"},
    ],
}


@pytest.fixture
def index() -> Iterator[str]:
    """A package index's JSON API on localhost, serving `demo` (anything else is a 404)."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # the name http.server calls
            if self.path == "/pypi/demo/json":
                body = json.dumps(DEMO).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(body)
            else:
                self.send_error(404)

        def log_message(self, *args: object) -> None:
            del args

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/pypi"
    server.shutdown()
    server.server_close()


def fact(**fields: str) -> str:
    return "      - {" + ", ".join(f"{key}: {value}" for key, value in fields.items()) + "}"


def rule(rule_id: str, *facts: str) -> str:
    head = f"  - id: {rule_id}\n    advice: {{venv: Pin demo.}}\n    because: b\n    source: https://example.org\n"
    return head + "    facts:\n" + "\n".join(facts) + "\n"


NOW, THEN = "2026-12-05", "2025-01-01"
FRESH = rule(
    "demo-rule",
    fact(claim="demo 2.0 needs 3.10", checked=NOW, pypi="demo", release='"2.0"', requires_python='">=3.10"'),
    fact(claim="demo 2.0 was out", checked=NOW, pypi="demo", release='"2.0"', released="2026-05-01"),
    fact(claim="demo 1.0 is the last for 3.9", checked=NOW, pypi="demo", last_for='"3.9"', release='"1.0"'),
    fact(claim="the newest demo needs 3.10", checked=NOW, pypi="demo", latest_requires_python='">=3.10"'),
    fact(claim="demo has Linux and Windows wheels", checked=NOW, pypi="demo", wheels="[linux, windows]"),
    fact(claim="CPython 3.9 ended", checked=NOW, end_of_life="2025-10-31"),
    fact(claim="the Python runs", checked=NOW, tool=f'"{sys.executable} --version"', contains="Python"),
)
STALE = rule(
    "demo-stale",
    fact(claim="demo 2.0 needs 3.9", checked=THEN, pypi="demo", release='"2.0"', requires_python='">=3.9"'),
    fact(claim="demo has macOS wheels", checked=THEN, pypi="demo", wheels="[linux, windows, macos]"),
    fact(claim="gone is on the index", checked=THEN, pypi="gone", latest_requires_python='">=3.8"'),
    fact(claim="CPython 3.15 ends", checked=THEN, end_of_life="2031-10-31"),
    fact(claim="a tool here", checked=THEN, tool="no-such-tool-here --help", contains="x"),
)
FACTS = "schema_version: 1\ntools: [venv, conda]\nrules:\n" + FRESH + STALE


def _standalone(write: Callable[..., Path], text: str) -> RuleSet:
    return load_rules([RulesSource.from_path(write("rules.yaml", text))])


def test_each_kind_of_check_against_a_local_index(index: str, write: Callable[..., Path]) -> None:
    report = check_facts(
        _standalone(write, FACTS), today="2026-12-05", fetch=index_fetcher(index), index=index
    )
    found = {(r.rule, r.claim): (r.status, r.found) for r in report.results}
    assert [status for (rule, _), (status, _) in found.items() if rule == "demo-rule"] == [
        "ok", "ok", "ok", "ok", "ok", "passed", "ok",
    ]  # fmt: skip
    stale = {claim: value for (rule, claim), value in found.items() if rule == "demo-stale"}
    assert stale["demo 2.0 needs 3.9"] == ("changed", ">=3.10")
    assert stale["demo has macOS wheels"] == ("changed", "2.0: linux, windows")
    assert stale["gone is on the index"][0] == "changed"  # a 404: the package is not there
    assert stale["CPython 3.15 ends"] == ("ahead", "")
    assert stale["a tool here"] == ("not installed", "")
    assert report.failed and report.count("changed") == 3


def test_a_pre_release_is_never_the_newest_for_a_python(index: str, write: Callable[..., Path]) -> None:
    text = FACTS.split("  - id: demo-stale")[0].replace(
        'last_for: "3.9", release: "1.0"', 'last_for: "3.8", release: "1.0"'
    )
    report = check_facts(_standalone(write, text), today="2026-12-05", fetch=index_fetcher(index))
    assert all(r.status in ("ok", "passed") for r in report.results)  # 2.1rc1 (>=3.8) is not taken


def test_an_unreachable_index_is_said_as_such(write: Callable[..., Path]) -> None:
    report = check_facts(
        _standalone(write, FACTS), today="2026-12-05", fetch=index_fetcher("http://127.0.0.1:9/pypi")
    )
    assert {r.status for r in report.results if "pypi" not in r.check and r.check.startswith("demo")} <= {
        "unreachable"
    }
    assert report.count("unreachable") == 8 and not report.failed  # unknown is not changed


def test_rules_check_facts_command(index: str, run_cli: Run, write: Callable[..., Path]) -> None:
    path = write("facts.yaml", FACTS)
    env = {"PICKENV_INDEX_JSON": index}
    result = run_cli("rules", "check", "--facts", "--standalone", str(path), env=env)
    assert result.code == 4
    lines = result.out.splitlines()
    assert lines[0].startswith(f"Checked 12 facts of {path} against {index} on ")
    assert (
        lines[1].lstrip().startswith("changed") and "demo 2.0 Requires-Python >=3.9 (now: >=3.10)" in lines[1]
    )
    assert "End-of-life dates that have passed turn into warnings by themselves" in result.out
    doc = json.loads(
        run_cli("rules", "check", "--facts", "--standalone", str(path), "--format", "json", env=env).out
    )
    assert doc["schema"] == "pickenv/rules-facts" and doc["failed"] is True and len(doc["facts"]) == 12
    fine = write("fine.yaml", FACTS.split("  - id: demo-stale")[0])
    assert run_cli("rules", "check", "--facts", "--standalone", str(fine), env=env).code == 0


def test_the_shipped_facts_are_well_formed(builtin_rules: RuleSet) -> None:
    facts = [(rule, fact) for rule in builtin_rules.rules for fact in rule.facts]
    assert len(facts) >= 25
    for rule, fact in facts:
        assert fact.checked == "2026-12-05", (rule.id, fact.claim)
        assert fact.claim and len(dict(fact.check)) >= 1
    # Every pin the advice states is machine-checked.
    checked = {rule.id for rule, _ in facts}
    pins = {r.id for r in builtin_rules.rules if any("`virtualenv<" in text for _, text in r.advice)}
    assert pins - {"legacy-python2-test-environment"} <= checked


@pytest.mark.parametrize(
    ("fact", "needle"),
    [
        (
            "{claim: c, checked: 2026-12-05, pypi: x, release: '1', requires_python: '>=3', "
            "released: 2026-01-01}",
            "one check",
        ),
        ("{claim: c, pypi: x, latest_requires_python: '>=3'}", "needs `checked`"),
        (
            "{claim: c, checked: 2026-12-05, requires_python: '>=3', release: '1'}",
            "names its package with `pypi`",
        ),
        ("{claim: c, checked: 5 December, end_of_life: 2026-01-01}", "checked must be a date"),
        ("{claim: c, checked: 2026-12-05, end_of_life: soon}", "end_of_life must be a date"),
        ("{claim: c, checked: 2026-12-05, pypi: x, wheelz: none}", "unknown key 'wheelz' in a fact"),
    ],
)
def test_malformed_facts_are_located_errors(team: Callable[..., RuleSet], fact: str, needle: str) -> None:
    found = rules_problems(
        lambda: team(
            "schema_version: 1\nrules:\n  - id: x\n    advice: {venv: a}\n    because: b\n"
            f"    source: https://example.org\n    facts:\n      - {fact}\n"
        )
    )
    assert any(needle in message for *_, message in found), found


def test_an_end_of_life_rule_only_warns(team: Callable[..., RuleSet]) -> None:
    found = rules_problems(
        lambda: team(
            "schema_version: 1\nrules:\n  - id: x\n    end_of_life: 2026-01-01\n    score: {venv: 1}\n"
            "    warn: w\n    because: b\n    source: https://example.org\n"
        )
    )
    assert any("only warns" in message for *_, message in found)


def test_end_of_life_warnings_appear_by_themselves(builtin_rules: RuleSet) -> None:
    """No edit between the two days: the date in rules.yaml turns the warning on."""
    for version, before, after in (
        ("3.11", "2027-10-30", "2027-10-31"),
        ("3.14t", "2030-10-30", "2030-11-01"),
    ):
        answers = answers_with(python_version=version)
        ended = [
            w for w in recommend(builtin_rules, answers, today=before).warnings if "end of life" in w.text
        ]
        assert not ended
        (warning,) = [
            w for w in recommend(builtin_rules, answers, today=after).warnings if "end of life" in w.text
        ]
        assert warning.rule == f"python-{version[:4].replace('.', '-')}-end-of-life"
    # Lambda's python3.9 runtime: deprecated 2025-12-15.
    lam = answers_with(python_version="3.9", deploy="serverless")
    assert "lambda-has-no-runtime-below-3-10" not in [
        w.rule for w in recommend(builtin_rules, lam, today="2025-12-14").warnings
    ]
    assert "lambda-has-no-runtime-below-3-10" in [
        w.rule for w in recommend(builtin_rules, lam, today="2025-12-15").warnings
    ]
