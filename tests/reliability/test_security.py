"""No secret reaches the Pulumi state, and the emulator, which has no authentication, never leaves loopback.

The state holds the pickled provider (`__provider`) and every resource's inputs and outputs: whatever the
credential source (environment, a profile in an AWS config file, a profile with a session token as SSO
and `aws sso login`-style tools leave), none of them may hold a key, a token or a value of the environment.
"""

from __future__ import annotations

import base64
import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from pulumi.dynamic import Config, ConfigureRequest
from pulumi.dynamic.dynamic import serialize_provider

from pulumi_aws_mlops._internal import clients
from pulumi_aws_mlops.emulator import Emulator, server
from pulumi_aws_mlops.lookoutequipment import DatasetProvider, InferenceSchedulerProvider, ModelProvider
from pulumi_aws_mlops.sagemaker import InferenceExperimentProvider, InferenceRecommendationsJobProvider
from tests.support.lifecycle import checked, create
from tests.support.lookoutequipment import dataset_inputs, model_inputs, scheduler_inputs
from tests.support.sagemaker import experiment_inputs, job_inputs

ACCESS_KEY_ID = "AKIAQSECRETKEYID7777"
SECRET_ACCESS_KEY = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYsecretKEY99"
SESSION_TOKEN = "IQoJb3JpZ2luX2VjEXAMPLEsessionTOKEN//////////wEaCXVzLWVhc3QtMSJHMEUCIQ"
PROFILE = "ml-deploy-profile"
SECRETS = (ACCESS_KEY_ID, SECRET_ACCESS_KEY, SESSION_TOKEN)
SECRET_LOOKING = re.compile(r"KEY|SECRET|TOKEN|PASSWORD|PASSWD|CREDENTIAL|SESSION|AUTH", re.IGNORECASE)


def _profile(name: str, *, token: bool) -> str:
    text = f"[profile {name}]\nregion = us-east-1\naws_access_key_id = {ACCESS_KEY_ID}\n"
    text += f"aws_secret_access_key = {SECRET_ACCESS_KEY}\n"
    return text + (f"aws_session_token = {SESSION_TOKEN}\n" if token else "")


def use_credentials(source: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> dict[str, str]:
    """Put the secrets where `source` keeps them; returns the stack configuration the providers get."""
    config_file, credentials_file = tmp_path / "config", tmp_path / "credentials"
    credentials_file.write_text("")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(config_file))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(credentials_file))
    stack = {"aws:region": "us-east-1"}
    if source == "environment":
        config_file.write_text("")
        monkeypatch.setenv("AWS_ACCESS_KEY_ID", ACCESS_KEY_ID)
        monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", SECRET_ACCESS_KEY)
        monkeypatch.setenv("AWS_SESSION_TOKEN", SESSION_TOKEN)
    else:
        for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"):
            monkeypatch.delenv(name, raising=False)
        config_file.write_text(_profile(PROFILE, token=source == "profile with a session token"))
        if source == "profile in the stack configuration":
            stack["aws:profile"] = PROFILE
        else:
            monkeypatch.setenv("AWS_PROFILE", PROFILE)
    clients.clear_cache()
    return stack


@pytest.mark.usefixtures("pump_data", "endpoint")
@pytest.mark.parametrize("source", ["environment", "profile in the stack configuration",
                                    "profile with a session token"])
def test_neither_the_provider_nor_the_state_holds_a_secret(
    emulator: Emulator, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, source: str
) -> None:
    stack = use_credentials(source, monkeypatch, tmp_path)
    providers = [DatasetProvider(), ModelProvider(), InferenceSchedulerProvider(), InferenceExperimentProvider(),
                 InferenceRecommendationsJobProvider()]
    for provider in providers:
        provider.configure(ConfigureRequest(Config(stack, "proj")))
    for provider in providers[::3]:  # one of each service
        credentials = provider.client()._request_signer._credentials
        assert credentials.access_key == ACCESS_KEY_ID, "the test must really sign with the secrets"
        assert credentials.token == (None if source == "profile in the stack configuration" else SESSION_TOKEN)

    state: list[Any] = []

    def up(provider: Any, inputs: dict[str, Any]) -> str:
        """create, then refresh: every input, output and read result goes into `state`."""
        id_, outs = create(provider, inputs)
        read = provider.read(id_, outs)
        state.extend([checked(provider, inputs), outs, read.id, read.outs, read.inputs])
        return id_

    model = up(providers[1], model_inputs(up(providers[0], dataset_inputs())))
    up(providers[2], scheduler_inputs(model))
    up(providers[3], experiment_inputs())
    up(providers[4], job_inputs())
    document = json.dumps(state)
    pickled = b"".join(base64.b64decode(serialize_provider(p)) for p in providers)

    secret_env = [value for name, value in os.environ.items() if SECRET_LOOKING.search(name) and len(value) >= 8]
    for secret in {*SECRETS, *secret_env}:
        assert secret not in document, f"a secret ({secret[:4]}...) is in the resource state"
        assert secret.encode() not in pickled, f"a secret ({secret[:4]}...) is in the serialized provider"
    for value in (value for value in os.environ.values() if len(value) >= 8):
        assert value.encode() not in pickled, f"an environment value ({value[:12]}...) is in the serialized provider"
    assert PROFILE not in document and PROFILE.encode() not in pickled


# -- the emulator listens on loopback only ------------------------------------------------------
@pytest.fixture
def binds(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The hosts EmulatorServer asks to bind; no socket is opened."""
    asked: list[str] = []

    def make_server(host: str, port: int, *_: Any, **__: Any) -> Any:
        asked.append(host)
        return type("Unbound", (), {"server_address": (host, port)})()

    monkeypatch.setattr(server, "make_server", make_server)
    return asked


@pytest.mark.parametrize("host", ["0.0.0.0", "10.0.0.1", "::", "example.com", "", "192.168.1.20"])
def test_the_emulator_refuses_to_bind_anything_but_loopback(binds: list[str], host: str) -> None:
    with pytest.raises(ValueError, match=f"refusing to bind '{re.escape(host)}': the emulator listens on loopback"):
        server.EmulatorServer(Emulator(), host=host)
    assert binds == [], "nothing was bound"


@pytest.mark.parametrize("host", ["127.0.0.1", "::1", "localhost"])
def test_the_emulator_binds_loopback(binds: list[str], host: str) -> None:
    server.EmulatorServer(Emulator(), host=host)
    assert binds == [host]


def test_the_emulator_really_listens_on_127_0_0_1() -> None:
    with server.EmulatorServer(Emulator()) as running:
        assert running.endpoint_url.startswith("http://127.0.0.1:")


def test_the_emulator_cli_exits_2_for_a_public_address() -> None:
    finished = subprocess.run([sys.executable, "-m", "pulumi_aws_mlops.emulator", "--host", "0.0.0.0"],
                              capture_output=True, text=True, timeout=60, check=False)
    assert finished.returncode == 2
    assert "refusing to bind '0.0.0.0'" in finished.stderr
    assert "AWS_ENDPOINT_URL" not in finished.stdout
