"""pickenv's template rendered without copier (templating.direct) writes exactly what
copier writes: every file's bytes and mode, across tools, domains, Python versions,
lock files, licences and awkward names; and whatever it does not do goes to copier."""

from __future__ import annotations

import itertools
import marshal
import shutil
import stat
from pathlib import Path

import copier
import pytest

from pickenv.errors import TemplateError
from pickenv.questionnaire.questions import QUESTIONS
from pickenv.resources import project_template
from pickenv.templating.compiled import FOLDER
from pickenv.templating.direct import NotDirect, render_direct
from pickenv.templating.render import render
from pickenv.templating.source import TemplateSource, builtin_source
from pickenv.tools import BUILTIN as TOOLS
from pickenv.tools import get_tool
from pickenv.versions import KNOWN_VERSIONS, PythonVersion

TEMPLATE = project_template()
DOMAINS = [str(v) for v in next(q for q in QUESTIONS if q.id == "domain").values]
LICENCES = ["MIT", "Apache-2.0", "BSD-3-Clause", "GPL-3.0-or-later", "Proprietary"]
DEPLOYS = [str(v) for v in next(q for q in QUESTIONS if q.id == "deploy").values]
RECORD = {"_src_path": "~/.cache/pickenv/project-template", "_commit": "0.3.0"}


def data(tool: str, domain: str, version: str, **extra: object) -> dict[str, object]:
    answers: dict[str, object] = {
        "template_record": RECORD,
        "project_name": "My.App",
        "description": 'Say "hi" <demo> & 100% C:\\xfiles, café "quoted"',
        "author": "Ada O'Lovelace",
        "license": "MIT",
        "tool": tool,
        "domain": domain,
        "python_version": version,
        "team_size": "small",
        "organisation": "large",
        "lockfile": False,
        "binary_deps": "none",
        "os_packages": False,
        "windows": True,
        "manage_python": False,
        "deploy": "none",
        "offline": True,
        "reasons": ["Because: the rules said so.", "- and a dash"],
    }
    answers.update(extra)
    return answers


def _cases() -> list[tuple[str, str, str, bool, str, str]]:
    """Each tool x domain once, the Python versions, lock files, licences and deploy
    targets spread over them (each tool meets every target: 6 domains against 5 targets)."""
    cases = []
    for index, (tool, domain) in enumerate(itertools.product(TOOLS, DOMAINS)):
        versions = [v for v in KNOWN_VERSIONS if get_tool(tool).supports(PythonVersion.parse(v))]
        version = versions[(index * 5) % len(versions)]
        deploy = DEPLOYS[index % len(DEPLOYS)]
        cases.append((tool, domain, version, index % 2 == 1, LICENCES[index % len(LICENCES)], deploy))
    return cases


def files_of(folder: Path) -> dict[str, tuple[bytes, int]]:
    return {
        p.relative_to(folder).as_posix(): (
            p.read_bytes() if p.is_file() else b"",
            stat.S_IMODE(p.stat().st_mode),
        )
        for p in folder.rglob("*")
    }


def both(tmp_path: Path, answers: dict[str, object]) -> tuple[dict[str, tuple[bytes, int]], ...]:
    by_copier, direct = tmp_path / "copier", tmp_path / "direct"
    by_copier.mkdir()
    direct.mkdir()
    copier.run_copy(str(TEMPLATE), str(by_copier), data=answers, defaults=True, quiet=True, unsafe=False)
    render_direct(TEMPLATE, answers, direct)  # NotDirect here: the template left what this renders
    return files_of(by_copier), files_of(direct)


@pytest.mark.parametrize(("tool", "domain", "version", "lockfile", "licence", "deploy"), _cases())
def test_direct_writes_what_copier_writes(
    tmp_path: Path, tool: str, domain: str, version: str, lockfile: bool, licence: str, deploy: str
) -> None:
    if not get_tool(tool).supports(PythonVersion.parse(version)):
        pytest.skip("not a combination the template renders")
    answers = data(tool, domain, version, lockfile=lockfile, license=licence, deploy=deploy)
    ours, theirs = both(tmp_path, answers)
    assert ours == theirs
    assert ".copier-answers.yml" in ours and "pyproject.toml" in ours


@pytest.mark.parametrize("name", ["null", "True", "a.b-c_d", "x1"])
def test_names_that_yaml_and_toml_would_misread(tmp_path: Path, name: str) -> None:
    ours, theirs = both(tmp_path, data("uv", "cli", "3.12", project_name=name))
    assert ours == theirs


def test_answers_copier_refuses_go_to_copier_and_its_error(tmp_path: Path) -> None:
    """venv cannot make 2.7 environments: the template's validator says so, in copier's words."""
    answers = data("venv", "scripting", "2.7")
    with pytest.raises(NotDirect):
        render_direct(TEMPLATE, answers, tmp_path)
    assert list(tmp_path.iterdir()) == []
    with pytest.raises(TemplateError, match=r"venv cannot create Python 2\.7 environments"):
        render(builtin_source(), answers, tmp_path)


def test_without_a_template_record_copier_renders(tmp_path: Path) -> None:
    """copier records its own _src_path and _commit then (a dry run's render)."""
    answers = {k: v for k, v in data("uv", "library", "3.12").items() if k != "template_record"}
    with pytest.raises(NotDirect, match="no template record"):
        render_direct(TEMPLATE, answers, tmp_path)
    render(builtin_source(), answers, tmp_path)
    assert "_src_path" in (tmp_path / ".copier-answers.yml").read_text()


def test_a_template_with_tasks_is_copiers(tmp_path: Path) -> None:
    template = tmp_path / "t"
    template.mkdir()
    (template / "copier.yml").write_text('_tasks: ["true"]\nname: {type: str, default: x}\n')
    with pytest.raises(NotDirect, match="settings copier alone handles"):
        render_direct(template, {"template_record": RECORD}, tmp_path)


def test_an_unknown_name_in_a_file_is_copiers(tmp_path: Path) -> None:
    """copier renders a name nobody defined as ""; here it stops, and copier renders."""
    template = tmp_path / "t"
    (template / "sub").mkdir(parents=True)
    (template / "copier.yml").write_text("_subdirectory: sub\nname: {type: str, default: x}\n")
    (template / "sub" / "out.txt.jinja").write_text("{{ name }} {{ _folder_name }}\n")
    out = tmp_path / "out"
    out.mkdir()
    with pytest.raises(NotDirect):
        render_direct(template, {"template_record": RECORD}, out)
    assert list(out.iterdir()) == []
    source = TemplateSource(str(template), "builtin", folder=template)
    render(source, {"template_record": RECORD}, out)  # copier: the unknown name is "out"
    assert (out / "out.txt").read_text() == "x out\n"


def test_compiled_templates_are_kept_and_checked_against_their_source(tmp_path: Path) -> None:
    template = tmp_path / "template"
    shutil.copytree(TEMPLATE, template)
    answers = data("uv", "cli", "3.12")
    cache = tmp_path / "cache"
    first, again, broken, edited = (tmp_path / name for name in ("first", "again", "broken", "edited"))
    for folder in (first, again, broken, edited):
        folder.mkdir()
    render_direct(template, answers, first, cache)
    (stored,) = (cache / FOLDER).iterdir()
    entries = marshal.loads(stored.read_bytes())
    assert len(entries) > 40  # the files and copier.yml's strings
    written = stored.stat().st_mtime_ns
    render_direct(template, answers, again, cache)
    assert files_of(again) == files_of(first)
    assert stored.stat().st_mtime_ns == written  # all of it from the cache: nothing to write
    stored.write_bytes(b"not what marshal wrote")
    render_direct(template, answers, broken, cache)
    assert files_of(broken) == files_of(first)
    assert marshal.loads(stored.read_bytes()).keys() == entries.keys()
    readme = template / "template" / "README.md.jinja"
    readme.write_text(readme.read_text() + "An edit.\n")
    render_direct(template, answers, edited, cache)
    assert (edited / "README.md").read_text().endswith("An edit.\n")
