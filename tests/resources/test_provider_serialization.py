"""Providers pickle by reference, small, and without credentials, tokens or environment values."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest
from pulumi.dynamic import Config, ConfigureRequest
from pulumi.dynamic.dynamic import serialize_provider

from pulumi_aws_mlops.emulator import Emulator
from pulumi_aws_mlops.lookoutequipment import DatasetProvider, InferenceSchedulerProvider, ModelProvider
from pulumi_aws_mlops.sagemaker import InferenceExperimentProvider, InferenceRecommendationsJobProvider

PROVIDERS = [DatasetProvider, ModelProvider, InferenceSchedulerProvider, InferenceExperimentProvider,
             InferenceRecommendationsJobProvider]
SECRETS = ("AKIASECRETACCESSKEY1", "wJalrXUtnFEMIsecretKEY", "FwoGZXIvYXdzEJr//sessiontoken", "my-profile-name")


@pytest.mark.parametrize("provider_class", PROVIDERS)
def test_serialized_provider_is_small_and_holds_no_secret(
    provider_class: type, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, emulator: Emulator
) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", SECRETS[0])
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", SECRETS[1])
    monkeypatch.setenv("AWS_SESSION_TOKEN", SECRETS[2])
    config_file = tmp_path / "config"
    config_file.write_text(
        f"[profile {SECRETS[3]}]\nregion = eu-west-1\naws_access_key_id = {SECRETS[0]}\n"
        f"aws_secret_access_key = {SECRETS[1]}\naws_session_token = {SECRETS[2]}\n"
    )
    monkeypatch.setenv("AWS_CONFIG_FILE", str(config_file))
    provider = provider_class()
    provider.configure(ConfigureRequest(Config({"aws:region": "eu-west-1", "aws:profile": SECRETS[3]}, "proj")))
    provider.client()  # a cached client exists in this process, and must not travel with the provider
    serialized = serialize_provider(provider)
    raw = base64.b64decode(serialized)
    assert len(serialized) < 300, len(serialized)
    for secret in SECRETS:
        assert secret.encode() not in raw
    assert b"eu-west-1" not in raw, "settings come from configure in the host, not from the state"
    assert emulator.calls == [], "neither configuring nor serializing calls AWS"
