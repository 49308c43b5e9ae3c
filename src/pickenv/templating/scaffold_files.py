"""What `pickenv template init` writes into a team's new template repository: pickenv's
own template as this version ships it, and three files of the team's (``write_files``).

- ``TEAM-README.md``: how to change the template, release a version and check it. Not
  ``README.md``: a repository made on a forge often has one, which stays the team's.
- ``pickenv-team.yaml``: the team file (``templating.team``), pinned to the first tag.
- ``.github/workflows/template-check.yml``: the template's CI, `pickenv template check`
  on every push and pull request, its actions pinned to the commits of their releases
  (the same as pickenv's own CI: tests/test_template_init.py checks that they match).

The team file is written by hand, not by a YAML library: its comments are its
documentation. Every value in it is a JSON string, which YAML reads as the same string
whatever it holds (a name like ``yes``, ``1.0`` or ``#team`` stays text).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from pickenv import __version__
from pickenv.creation.placement import list_files
from pickenv.resources import project_template
from pickenv.templating.team import TEAM_FILE_NAME

FIRST_TAG = "v1.0.0"
TEAM_README = "TEAM-README.md"
WORKFLOW = ".github/workflows/template-check.yml"
# The commits of the releases pickenv's own CI uses (.github/workflows/ci.yml).
CHECKOUT = "actions/checkout@3d3c42e5aac5ba805825da76410c181273ba90b1  # v7.0.1"
SETUP_PYTHON = "actions/setup-python@5fda3b95a4ea91299a34e894583c3862153e4b97  # v7.0.0"
# What never belongs in a copy: Python's caches, should an installation hold any.
_NOT_COPIED = shutil.ignore_patterns("__pycache__", "*.pyc")


def commit_message() -> str:
    return f"Template from pickenv {__version__}"


def write_files(tree: Path, name: str, source: str) -> list[str]:
    """Write the template repository into the empty folder ``tree``; returns its files
    (relative, sorted). ``source`` is where the team file says the template is."""
    # copyfile, not copy2: the files get the user's usual modes, never an installation's
    # read-only ones.
    shutil.copytree(project_template(), tree, ignore=_NOT_COPIED, copy_function=shutil.copyfile,
                    dirs_exist_ok=True)  # fmt: skip
    (tree / TEAM_FILE_NAME).write_text(team_file(name, source), encoding="utf-8")
    (tree / TEAM_README).write_text(team_readme(name), encoding="utf-8")
    workflow = tree / WORKFLOW
    workflow.parent.mkdir(parents=True, exist_ok=True)
    workflow.write_text(check_workflow(), encoding="utf-8")
    return list_files(tree)


def _text(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)


def team_file(name: str, source: str) -> str:
    return f"""\
# The team file of the {name} template (format: pickenv's README, "For teams";
# JSON Schema: `pickenv schema team-file`). Projects are made from it with
#   pickenv new NAME --team pickenv-team.yaml
schema_version: 1
name: {_text(name)}
template:
  # Once the repository is pushed: its git URL, e.g. gh:acme/python-template.
  source: {_text(source)}
  ref: {_text(FIRST_TAG)}  # projects are made (and updated) at this version
answers: {{}}  # pickenv's answers the team fixes: never asked
defaults: {{}}  # the team's defaults: still asked
data: {{}}  # answers to the template's own questions
trust: []  # template sources allowed to run tasks (this template runs none)
"""


def team_readme(name: str) -> str:
    return f"""\
# {name}: the team's project template

A [copier](https://copier.readthedocs.io) template, started with `pickenv template init`
from the template of pickenv {__version__}. `pickenv new NAME --team pickenv-team.yaml`
makes a project from it, and `pickenv update` brings each new version into the projects
made from it.

## What is where

- `copier.yml`: the questions. Keep `project_name`, `tool` and `python_version`
  (pickenv answers them, and copier records only declared questions) and the
  questionnaire's ids; add the team's own questions, and give their values in the team
  file's `data`.
- `template/`: the files every project gets; `.jinja` files are rendered.
  `template/{{{{ _copier_conf.answers_file }}}}.jinja` writes the answers file that
  updates need: keep it.
- `tools/`: what each environment tool gets, as pickenv {__version__} knows it.
- `pickenv-team.yaml`: the team file: the template's source and version, the answers
  the team fixes, its defaults, its rules layers.
- `.github/workflows/template-check.yml`: the check below, on every push and pull request.

## Change it, check it, release it

```sh
pickenv template check . --template-ref HEAD   # renders every tool and domain it offers
git add -A && git commit -m "Say what changed"
git tag -a v1.1.0 -m "Say what changed"        # PEP 440 versions: updates go between them
```

Then raise `ref` in `pickenv-team.yaml` to the new tag and commit that: projects are
made at it, and `pickenv update PROJECT --team pickenv-team.yaml` brings them to it.
`pickenv template check .` checks the newest tag; CI checks the commit it runs on.

## Share it

Push it with its tags (`git push -u origin main --tags`), then set `template.source`
in `pickenv-team.yaml` to its git URL (`gh:acme/python-template`): a team file read
from git (`--team gh:acme/python-template`) needs a URL there. The CI workflow installs
the pickenv it names (`PICKENV`); set it to where your pickenv comes from.
"""


def check_workflow() -> str:
    return f"""\
# Checks the template on every push and pull request, as `pickenv template check`
# does: it renders for every tool and domain it offers, writes an answers file and
# carries version tags. Made by `pickenv template init` (pickenv {__version__}).
name: Template check

on:
  push:
    branches: [main]
    tags: ["v*"]
  pull_request:
  workflow_dispatch:

# Nothing by default; the job reads the repository and nothing else.
permissions: {{}}

concurrency:
  group: ${{{{ github.workflow }}}}-${{{{ github.ref }}}}
  cancel-in-progress: true

jobs:
  check:
    name: pickenv template check
    runs-on: ubuntu-latest
    timeout-minutes: 20
    permissions:
      contents: read
    env:
      # The pickenv to check with: a requirement pip understands (a version on your
      # package index, or a git URL).
      PICKENV: pickenv=={__version__}
    steps:
      # Actions are pinned to the commit of a release tag (a tag can be moved).
      - uses: {CHECKOUT}
        with:
          fetch-depth: 0  # every tag: the check needs the template's versions
          persist-credentials: false
      - uses: {SETUP_PYTHON}
        with:
          python-version: "3.12"
      - name: Install pickenv
        run: python -m pip install "$PICKENV"
      - name: Check the template at this commit
        run: pickenv template check . --template-ref HEAD
"""
