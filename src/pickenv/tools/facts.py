"""The template's tool facts, generated from the registry.

The project template cannot call Python, so each built-in tool's facts (see
``EnvTool.facts``) are written as JSON beside the template, one file per tool, for
every Python version the tool supports, with and without a lock file: what is the
same for all of them under ``common``, the rest under ``variants`` ("3.12",
"3.12+lock"). The template reads them (copier.yml's
``tool_facts``) instead of deciding anything by a tool's name.

    python -m pickenv.tools.facts          # rewrite templates/project/tools/*.json
    python -m pickenv.tools.facts --check  # exit 1 if they are out of date (a test runs this)
"""

from __future__ import annotations

import argparse
import json
import sys

from pickenv.resources import project_template
from pickenv.tools import BUILTIN, get_tool
from pickenv.versions import KNOWN_VERSIONS, PythonVersion

PLACEHOLDER = "@project_name@"  # the template puts the project's name here
FOLDER = "tools"


def table(name: str) -> dict[str, object]:
    """Facts per variant: "3.12", and "3.12+lock" where asking for a lock file changes them."""
    tool = get_tool(name)
    variants: dict[str, dict[str, object]] = {}
    for text in KNOWN_VERSIONS:
        version = PythonVersion.parse(text)
        if not tool.supports(version):
            continue
        variants[text] = tool.facts(version, PLACEHOLDER)
        if tool.can_lock(version):
            locked = tool.facts(version, PLACEHOLDER, locked=True)
            if locked != variants[text]:
                variants[f"{text}+lock"] = locked
    # What every version without a lock shares is common; each variant keeps what differs
    # from it (the template reads dict(common, **variant)), so a lock variant holds only
    # what a lock changes instead of pushing those keys out of common for every version.
    plain = [f for key, f in variants.items() if not key.endswith("+lock")]
    common = {k: v for k, v in plain[0].items() if all(f[k] == v for f in plain)}
    return {
        "common": common,
        "variants": {
            key: {k: v for k, v in f.items() if k not in common or common[k] != v}
            for key, f in variants.items()
        },
    }


def rendered(name: str) -> str:
    header = {"_generated": "by `python -m pickenv.tools.facts` from pickenv/tools; do not edit"}
    text = json.dumps({**header, **table(name)}, indent=2, sort_keys=True) + "\n"
    # The template includes this file as Jinja (facts.jinja): GitHub's `${{ expr }}`
    # is written as a Jinja expression that renders to itself.
    return text.replace("{{", "{{ '{{' }}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Write or check the template's tool facts.")
    parser.add_argument("--check", action="store_true", help="only check; exit 1 when out of date")
    args = parser.parse_args(argv)
    folder = project_template() / FOLDER
    stale = []
    for name in BUILTIN:
        path = folder / f"{name}.json"
        text = rendered(name)
        current = path.read_text(encoding="utf-8") if path.exists() else ""
        if current != text:
            stale.append(path)
            if not args.check:
                folder.mkdir(exist_ok=True)
                path.write_text(text, encoding="utf-8")
    if args.check and stale:
        print(
            f"out of date: {', '.join(map(str, stale))}; run `python -m pickenv.tools.facts`", file=sys.stderr
        )
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
