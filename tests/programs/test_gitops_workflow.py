"""The GitOps workflow in examples/gitops/: triggers, approval gate, PR comment, job limits that fit the waits, and the
supply-chain rules users copy with it (actions pinned to commits, no persisted token, least permissions, secrets only
where they are used). `make lint` also runs zizmor on it."""

from __future__ import annotations

import re
from typing import Any

import pytest
import yaml

from pulumi_aws_mlops._internal.timeouts import parse_duration

from .conftest import EXAMPLES
from .mock_run import run_program

WORKFLOW = EXAMPLES / "gitops" / ".github" / "workflows" / "pulumi.yml"
# Each action at the commit its release tag pointed to in the action's own repository (`git rev-list -n1 <tag>`).
PINS = {
    "actions/checkout": ("3d3c42e5aac5ba805825da76410c181273ba90b1", "v7.0.1"),
    "actions/setup-python": ("5fda3b95a4ea91299a34e894583c3862153e4b97", "v7.0.0"),
    "aws-actions/configure-aws-credentials": ("e6de054238d6b7531b4efff3b6587d9aade6a06c", "v6.2.3"),
    "pulumi/actions": ("8e5e406f4007fca908480587cb9893c07090f58d", "v7.0.0"),
}


@pytest.fixture(scope="module")
def workflow() -> dict[str, Any]:
    document: dict[Any, Any] = yaml.safe_load(WORKFLOW.read_text())
    # YAML 1.1 reads the key `on` as the boolean True.
    document["on"] = document.pop(True, document.get("on"))
    return document


def steps_of(job: dict[str, Any], action: str) -> list[dict[str, Any]]:
    return [step for step in job["steps"] if str(step.get("uses", "")).startswith(f"{action}@")]


def pulumi_steps(job: dict[str, Any]) -> list[dict[str, Any]]:
    return steps_of(job, "pulumi/actions")


def pulumi_step(job: dict[str, Any]) -> dict[str, Any]:
    (step,) = pulumi_steps(job)
    return step


@pytest.fixture
def create_timeouts(pump_in_s3: Any) -> dict[str, float]:
    """Seconds each resource of the example stack may wait on create, from the program's real inputs."""
    run = run_program(EXAMPLES / "lookout_equipment", {"aws:region": "us-east-1"})
    return {created.name: parse_duration(created.inputs["timeouts"]["create"]) for created in run.created}


def test_triggers(workflow: dict[str, Any]) -> None:
    on = workflow["on"]
    assert on["pull_request"]["branches"] == ["main"]
    assert on["push"]["branches"] == ["main"]
    assert [schedule["cron"] for schedule in on["schedule"]]
    assert "workflow_dispatch" in on
    jobs = workflow["jobs"]
    assert "pull_request" in jobs["preview"]["if"]
    assert "push" in jobs["up"]["if"] and "refs/heads/main" in jobs["up"]["if"]
    assert "schedule" in jobs["drift"]["if"]


def test_commands(workflow: dict[str, Any]) -> None:
    jobs = workflow["jobs"]
    preview, up = pulumi_step(jobs["preview"]), pulumi_step(jobs["up"])
    refresh, drift_check = pulumi_steps(jobs["drift"])
    steps = (preview, up, refresh, drift_check)
    assert all(step["uses"] == f"pulumi/actions@{PINS['pulumi/actions'][0]}" for step in steps)
    assert preview["with"]["command"] == "preview" and "expect-no-changes" not in preview["with"]
    assert up["with"]["command"] == "up"
    # Drift fails the scheduled job: a refresh records what AWS has (outputs such as the latest inference result
    # move on their own), then a preview that expects no changes compares it with what the program declares.
    assert refresh["with"]["command"] == "refresh" and "expect-no-changes" not in refresh["with"]
    assert drift_check["with"]["command"] == "preview" and drift_check["with"]["expect-no-changes"] is True
    assert all(step["with"]["work-dir"] == "${{ env.WORK_DIR }}" for step in steps)
    assert workflow["env"]["WORK_DIR"] == "examples/lookout_equipment"
    assert (EXAMPLES.parent / workflow["env"]["WORK_DIR"] / "Pulumi.yaml").exists()


def test_preview_diff_is_commented_on_the_pull_request(workflow: dict[str, Any]) -> None:
    job = workflow["jobs"]["preview"]
    assert pulumi_step(job)["with"]["comment-on-pr"] is True
    assert job["permissions"]["pull-requests"] == "write"


def test_up_waits_for_the_production_environment(workflow: dict[str, Any]) -> None:
    assert workflow["jobs"]["up"]["environment"] == "production"
    assert all("environment" not in job for name, job in workflow["jobs"].items() if name != "up")
    assert workflow["concurrency"]["cancel-in-progress"] is False


def test_aws_credentials_come_from_oidc(workflow: dict[str, Any]) -> None:
    for name, job in workflow["jobs"].items():
        (step,) = steps_of(job, "aws-actions/configure-aws-credentials")
        assert step["with"]["role-to-assume"].startswith("${{ vars.AWS_"), name
        assert job["permissions"]["id-token"] == "write", name
        assert "aws-access-key-id" not in step["with"], name
    for step in (step for job in workflow["jobs"].values() for step in pulumi_steps(job)):
        assert step["env"]["PULUMI_ACCESS_TOKEN"] == "${{ secrets.PULUMI_ACCESS_TOKEN }}"


def test_job_limits_fit_the_stack_waits(workflow: dict[str, Any], create_timeouts: dict[str, float]) -> None:
    assert set(create_timeouts) == {"pump-data", "pump-model", "pump-monitor"}
    longest_minutes = max(create_timeouts.values()) / 60
    for name, job in workflow["jobs"].items():
        assert job["timeout-minutes"] > longest_minutes, name
    # The creates run one after another (dataset → model → scheduler): `up` must outlast them all, on a runner.
    assert workflow["jobs"]["up"]["timeout-minutes"] > sum(create_timeouts.values()) / 60
    assert all(job["timeout-minutes"] <= 360 for job in workflow["jobs"].values()), "GitHub-hosted runners stop at 6 h"


def test_readme_names_every_secret_and_variable(workflow: dict[str, Any]) -> None:
    readme = (WORKFLOW.parents[2] / "README.md").read_text()
    for name in sorted(set(re.findall(r"(?:secrets|vars)\.([A-Z_]+)", WORKFLOW.read_text()))):
        assert f"`{name}`" in readme, name


def test_every_action_is_pinned_to_the_commit_of_its_release_tag(workflow: dict[str, Any]) -> None:
    used = [step["uses"] for job in workflow["jobs"].values() for step in job["steps"] if "uses" in step]
    assert {use.partition("@")[0] for use in used} == set(PINS)
    for use in used:
        action, _, ref = use.partition("@")
        assert ref == PINS[action][0], use
    # The tag each commit stands for is the comment beside it, for readers and for Dependabot/Renovate updates.
    lines = [line.strip() for line in WORKFLOW.read_text().splitlines() if "uses:" in line]
    assert len(lines) == len(used)
    for line in lines:
        action, _, rest = line.split("uses:", 1)[1].strip().partition("@")
        sha, tag = PINS[action]
        assert re.fullmatch(rf"{sha}\s+# {re.escape(tag)}", rest), line


def test_checkout_leaves_no_token_behind(workflow: dict[str, Any]) -> None:
    for name, job in workflow["jobs"].items():
        (checkout,) = steps_of(job, "actions/checkout")
        assert checkout["with"]["persist-credentials"] is False, name


def test_each_job_gets_only_the_permissions_it_uses(workflow: dict[str, Any]) -> None:
    assert workflow["permissions"] == {}, "no default permissions: each job asks for its own"
    wanted = {
        "preview": {"contents": "read", "id-token": "write", "pull-requests": "write"},
        "up": {"contents": "read", "id-token": "write"},
        "drift": {"contents": "read", "id-token": "write"},
    }
    assert {name: job["permissions"] for name, job in workflow["jobs"].items()} == wanted


def test_secrets_reach_only_the_pulumi_steps(workflow: dict[str, Any]) -> None:
    assert not any("secrets." in str(value) for value in workflow["env"].values())
    for name, job in workflow["jobs"].items():
        for step in job["steps"]:
            mentions_secrets = "secrets." in str(step)
            assert mentions_secrets == str(step.get("uses", "")).startswith("pulumi/actions@"), (name, step)


def test_no_expression_is_expanded_inside_a_shell_script(workflow: dict[str, Any]) -> None:
    # `${{ }}` in `run:` is pasted into the script before the shell parses it (template injection); values go
    # through `env:` instead.
    scripts = [step["run"] for job in workflow["jobs"].values() for step in job["steps"] if "run" in step]
    assert scripts
    assert not any("${{" in script for script in scripts)
