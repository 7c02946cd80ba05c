"""The GitOps workflow in examples/gitops/: triggers, approval gate, PR comment, and job limits that fit the waits."""

from __future__ import annotations

import re
from typing import Any

import pytest
import yaml
from inprocess_engine import InProcessStack

from pulumi_aws_mlops._internal.timeouts import parse_duration

from .conftest import EXAMPLES

WORKFLOW = EXAMPLES / "gitops" / ".github" / "workflows" / "pulumi.yml"


@pytest.fixture(scope="module")
def workflow() -> dict[str, Any]:
    document: dict[Any, Any] = yaml.safe_load(WORKFLOW.read_text())
    # YAML 1.1 reads the key `on` as the boolean True.
    document["on"] = document.pop(True, document.get("on"))
    return document


def pulumi_steps(job: dict[str, Any]) -> list[dict[str, Any]]:
    return [step for step in job["steps"] if str(step.get("uses", "")).startswith("pulumi/actions@")]


def pulumi_step(job: dict[str, Any]) -> dict[str, Any]:
    (step,) = pulumi_steps(job)
    return step


@pytest.fixture
def create_timeouts(pump_in_s3: Any) -> dict[str, float]:
    """Seconds each resource of the example stack may wait on create, from the program's real inputs."""
    stack = InProcessStack(EXAMPLES / "lookout_equipment", config={"aws:region": "us-east-1"})
    stack.up()
    return {entry.name: parse_duration(entry.inputs["timeouts"]["create"]) for entry in stack.entries}


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
    assert all(step["uses"] == "pulumi/actions@v7" for step in steps)
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
        (step,) = [s for s in job["steps"] if str(s.get("uses", "")).startswith("aws-actions/configure-aws-credentials@")]
        assert step["uses"] == "aws-actions/configure-aws-credentials@v6", name
        assert step["with"]["role-to-assume"].startswith("${{ vars.AWS_"), name
        assert job["permissions"]["id-token"] == "write", name
        assert "aws-access-key-id" not in step["with"], name
    pulumi_env = workflow["env"]
    assert pulumi_env["PULUMI_ACCESS_TOKEN"] == "${{ secrets.PULUMI_ACCESS_TOKEN }}"


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
