"""CI pipelines for a fleet, generated from its tree: GitHub Actions (Pulumi's official action) and GitLab CI.

Both do the same three things (docs/fleet.md): on a pull/merge request, preview every stack that resolves
differently from the target branch and comment the plan on the request; on a push to the default branch,
``up`` the stacks the push changed; on a schedule, preview every stack with ``--refresh
--expect-no-changes`` so drift fails the job. One CI job per stack: the CI system is the scheduler.

GitHub's matrix is computed at run time (``cac-director fleet list --github-matrix``); GitLab's
``parallel: matrix`` is static, so its file lists the stacks and is regenerated when an instance is added
(``cac-director fleet ci gitlab --check`` in the pipeline says when it is stale).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import yaml

from cac_director.fleet.discovery import FleetStack

GITHUB_ACTION = "pulumi/actions@v6"
PYTHON = "3.11"
INSTALL = "python -m venv .venv && .venv/bin/pip install -e ."
CLI = ".venv/bin/cac-director"
STACK_FILE = 'cp "$STACK_CONFIG" "Pulumi.$STACK.yaml"'
"""pulumi/actions has no --config-file input: the stack file is copied where Pulumi looks, in the CI checkout."""

_GITHUB_LIST = 'echo "matrix=$(' + CLI + ' fleet list {tree}{since} --github-matrix)" >> "$GITHUB_OUTPUT"'
GITHUB_LIST_PR = _GITHUB_LIST.replace("{since}", ' --changed-since "origin/$GITHUB_BASE_REF"')
GITHUB_LIST_PUSH = _GITHUB_LIST.replace("{since}", ' --changed-since "$BEFORE"')
GITHUB_LIST_ALL = _GITHUB_LIST.replace("{since}", "")

GITLAB_PULUMI = "curl -fsSL https://get.pulumi.com | sh"
GITLAB_PATH = 'export PATH="$HOME/.pulumi/bin:$PATH"'
GITLAB_SELECT = 'pulumi stack select --create "$STACK"'
GITLAB_UNCHANGED = (
    f'if [ -z "$({CLI} fleet list {{tree}} --stack "$STACK" --changed-since "$SINCE" --names)" ]; '
    'then echo "$STACK resolves as at $SINCE: nothing to do"; exit 0; fi'
)
GITLAB_PREVIEW = 'pulumi preview --diff --stack "$STACK" --config-file "$STACK_CONFIG" | tee preview.txt'
GITLAB_COMMENT = (
    'if [ -n "$CAC_DIRECTOR_MR_TOKEN" ]; then curl -fsS --request POST '
    '--header "PRIVATE-TOKEN: $CAC_DIRECTOR_MR_TOKEN" '
    '--data-urlencode "body@preview.txt" '
    '"$CI_API_V4_URL/projects/$CI_PROJECT_ID/merge_requests/$CI_MERGE_REQUEST_IID/notes"; fi'
)
GITLAB_UP = 'pulumi up --yes --diff --stack "$STACK" --config-file "$STACK_CONFIG"'
GITLAB_DRIFT = 'pulumi preview --refresh --expect-no-changes --diff --stack "$STACK" --config-file "$STACK_CONFIG"'
GITLAB_CHECK = f"{CLI} fleet ci gitlab {{tree}} --check .gitlab-ci.yml"

SECRETS_ENV = {
    "PULUMI_ACCESS_TOKEN": "${{ secrets.PULUMI_ACCESS_TOKEN }}",
    "PULUMI_CONFIG_PASSPHRASE": "${{ secrets.PULUMI_CONFIG_PASSPHRASE }}",
    "DIRECTOR_TOKEN": "${{ secrets.DIRECTOR_TOKEN }}",
}


def _dump(document: dict[str, Any], header: str) -> str:
    class Dumper(yaml.SafeDumper):
        def ignore_aliases(self, data: Any) -> bool:
            return True  # CI files are read by people: no &id001 anchors

    body = yaml.dump(document, Dumper=Dumper, sort_keys=False, width=1000, default_flow_style=False)
    return header + body


def _github_stack_job(condition: str, pulumi_inputs: dict[str, Any]) -> dict[str, Any]:
    return {
        "needs": "stacks",
        "if": f"({condition}) && needs.stacks.outputs.matrix != '{{\"include\":[]}}'",
        "runs-on": "ubuntu-latest",
        "strategy": {"fail-fast": False, "max-parallel": 8, "matrix": "${{ fromJSON(needs.stacks.outputs.matrix) }}"},
        "env": {"STACK": "${{ matrix.stack }}", "STACK_CONFIG": "${{ matrix.config }}"},
        "steps": [
            {"uses": "actions/checkout@v4"},
            {"uses": "actions/setup-python@v5", "with": {"python-version": PYTHON}},
            {"name": "Install cac-director", "run": INSTALL},
            {"name": "Stack config", "run": STACK_FILE},
            {
                "uses": GITHUB_ACTION,
                "with": {
                    "stack-name": "${{ matrix.stack }}",
                    "cloud-url": "${{ vars.PULUMI_BACKEND_URL }}",
                    "work-dir": ".",
                    "diff": True,
                    **pulumi_inputs,
                },
            },
        ],
    }


def github_workflow(tree: str = "fleets") -> str:
    paths = [f"{tree}/**", "Pulumi.yaml", "__main__.py", "pyproject.toml"]
    document: dict[str, Any] = {
        "name": "cac-director fleet",
        "on": {
            "pull_request": {"paths": paths},
            "push": {"branches": ["main"], "paths": paths},
            "schedule": [{"cron": "17 5 * * *"}],
            "workflow_dispatch": {},
        },
        "permissions": {"contents": "read", "pull-requests": "write"},
        "env": SECRETS_ENV,
        "jobs": {
            "stacks": {
                "runs-on": "ubuntu-latest",
                "outputs": {
                    "matrix": "${{ steps.pr.outputs.matrix || steps.push.outputs.matrix || steps.all.outputs.matrix }}"
                },
                "steps": [
                    {"uses": "actions/checkout@v4", "with": {"fetch-depth": 0}},
                    {"uses": "actions/setup-python@v5", "with": {"python-version": PYTHON}},
                    {"name": "Install cac-director", "run": INSTALL},
                    {
                        "id": "pr",
                        "if": "github.event_name == 'pull_request'",
                        "run": GITHUB_LIST_PR.format(tree=tree),
                    },
                    {
                        "id": "push",
                        "if": "github.event_name == 'push'",
                        "env": {"BEFORE": "${{ github.event.before }}"},
                        "run": GITHUB_LIST_PUSH.format(tree=tree),
                    },
                    {
                        "id": "all",
                        "if": "github.event_name != 'pull_request' && github.event_name != 'push'",
                        "run": GITHUB_LIST_ALL.format(tree=tree),
                    },
                ],
            },
            "preview": _github_stack_job(
                "github.event_name == 'pull_request'", {"command": "preview", "comment-on-pr": True, "upsert": True}
            ),
            "up": _github_stack_job("github.event_name == 'push'", {"command": "up", "upsert": True}),
            "drift": _github_stack_job(
                "github.event_name == 'schedule' || github.event_name == 'workflow_dispatch'",
                {"command": "preview", "refresh": True, "expect-no-changes": True},
            ),
        },
    }
    header = (
        "# Generated by `cac-director fleet ci github` (docs/fleet.md): one job per stack, run by GitHub's matrix.\n"
        "# Secrets: PULUMI_ACCESS_TOKEN (Pulumi Cloud) or the backend's own credentials with the variable\n"
        "# PULUMI_BACKEND_URL (s3://..., postgres://...), PULUMI_CONFIG_PASSPHRASE (passphrase stacks),\n"
        "# DIRECTOR_TOKEN.\n"
    )
    return _dump(document, header)


def gitlab_pipeline(stacks: Sequence[FleetStack], tree: str = "fleets", project_dir: str = "") -> str:
    def config_path(stack: FleetStack) -> str:
        path = stack.config_file.as_posix()
        prefix = project_dir.rstrip("/") + "/" if project_dir else ""
        return path[len(prefix) :] if prefix and path.startswith(prefix) else path

    matrix = [{"STACK": stack.name, "STACK_CONFIG": config_path(stack)} for stack in stacks]
    document: dict[str, Any] = {
        "stages": ["check", "preview", "up", "drift"],
        "variables": {"GIT_DEPTH": "0", "PULUMI_SKIP_UPDATE_CHECK": "true"},
        "default": {
            "image": f"python:{PYTHON}",
            "before_script": [GITLAB_PULUMI, GITLAB_PATH, INSTALL],
        },
        "pipeline-current": {
            "stage": "check",
            "script": [GITLAB_CHECK.format(tree=tree)],
            "rules": [{"if": '$CI_PIPELINE_SOURCE == "merge_request_event"'}],
        },
        ".stack": {"parallel": {"matrix": matrix}},
        "preview": {
            "extends": ".stack",
            "stage": "preview",
            "rules": [{"if": '$CI_PIPELINE_SOURCE == "merge_request_event"'}],
            "variables": {"SINCE": "origin/$CI_MERGE_REQUEST_TARGET_BRANCH_NAME"},
            "script": [
                GITLAB_UNCHANGED.format(tree=tree),
                GITLAB_SELECT,
                "set -o pipefail",
                GITLAB_PREVIEW,
                GITLAB_COMMENT,
            ],
        },
        "up": {
            "extends": ".stack",
            "stage": "up",
            "rules": [{"if": '$CI_PIPELINE_SOURCE == "push" && $CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH'}],
            "variables": {"SINCE": "$CI_COMMIT_BEFORE_SHA"},
            "resource_group": "$STACK",
            "script": [GITLAB_UNCHANGED.format(tree=tree), GITLAB_SELECT, GITLAB_UP],
        },
        "drift": {
            "extends": ".stack",
            "stage": "drift",
            "rules": [{"if": '$CI_PIPELINE_SOURCE == "schedule"'}],
            "script": [GITLAB_SELECT, GITLAB_DRIFT],
        },
    }
    header = (
        "# Generated by `cac-director fleet ci gitlab` (docs/fleet.md): one job per stack (parallel: matrix).\n"
        "# Regenerate after adding or removing an instance; the pipeline-current job fails when this file is stale.\n"
        "# CI/CD variables: PULUMI_BACKEND_URL or PULUMI_ACCESS_TOKEN, PULUMI_CONFIG_PASSPHRASE, DIRECTOR_TOKEN,\n"
        "# CAC_DIRECTOR_MR_TOKEN (a project access token with api scope, for the merge request comment).\n"
    )
    return _dump(document, header)


def github_matrix(stacks: Sequence[FleetStack], project_dir: str) -> dict[str, list[dict[str, str]]]:
    prefix = project_dir.rstrip("/") + "/"
    include = []
    for stack in stacks:
        config = stack.config_file.as_posix()
        include.append({"stack": stack.name, "config": config.removeprefix(prefix)})
    return {"include": include}
