"""How pickenv's commands word the domain's fixes: with the flags that apply them."""

from __future__ import annotations

from pickenv.errors import Fix

WORDING: dict[Fix, str] = {
    Fix.ANSWER_QUESTIONS: (
        "answer with --answer QUESTION=VALUE, --answers-file FILE, or take the defaults with --defaults"
    ),
    Fix.ANSWER_PROJECT: "answer with {missing}, the answers file, or take the defaults with --defaults",
    Fix.ANSWERS_PATH: "check the path given to --answers-file",
    Fix.OTHER_FOLDER: "create it or choose another --output-dir",
    Fix.WRITABLE_FOLDER: "make it writable or choose another --output-dir",
    Fix.OTHER_NAME: "choose another name",
    Fix.TRY_NAME: "try `pickenv new {suggestion}`",
    Fix.SPLIT_PATH: "put the folder in --output-dir and give the name alone",
    Fix.MOVE_AWAY: "move it away",
    Fix.FREE_SPACE: "free some space there or choose another --output-dir",
    Fix.ALLOW_EXISTING: "pass --force to add the project's files beside yours (existing files are kept)",
    Fix.ADD_BESIDE: "pass --force to add the template's files beside yours (none of yours is replaced)",
    Fix.GIT_IDENTITY: (
        'tell git who you are: git config --global user.name "Your Name" && '
        "git config --global user.email you@example.com"
    ),
    Fix.REMOVE_OR_SKIP_ENV: "remove it or run without --create-env",
    Fix.SKIP_ENV: "fix the cause or rerun without --create-env",
    Fix.SKIP_ENV_TEAM: "rerun without --create-env",
    Fix.GIVE_INTERPRETER: "pass a Python {version} with --python PATH",
    Fix.MATCH_VERSION: "pass a Python {version} with --python, or --answer python_version={found}",
    Fix.CHOOSE_TOOL: "pass --tool with one of: {tools}",
    Fix.OTHER_TARGET: "pass --to with one of: {tools}",
    Fix.REMOVE_OLD_ENV: "remove the old environment first ({command}) or run without --create-env",
    Fix.ANSWER_TEMPLATE: "pass --answer {question}=VALUE with one of {choices}",
    Fix.TRUST: "pass --trust if you have read what it runs (or trust it in the team file or user config)",
    Fix.SKIP_TASKS: "install what the task runs, or pass --skip-tasks (its README says what they do)",
    Fix.TEMPLATE_SOURCE: "give --template a git URL, a local git repository or a folder with a copier.yml",
    Fix.TEMPLATE_REPO: "drop --template-ref, or make the folder a git repository with version tags",
    Fix.KNOWN_REF: "pass one of the template's versions: {versions}",
    Fix.CHECK_RULES: "change an answer or fix the team rules (`pickenv rules check`)",
    Fix.CHECK_RULES_FILE: (
        "run `pickenv rules check FILE` to see every problem; the rules format is in rules.yaml"
    ),
    Fix.LAYER_OR_STANDALONE: (
        "{file} was checked as a team layer over the built-in rules (and any --rules); "
        "for a complete rules file such as a copy of rules.yaml use --standalone"
    ),
}
