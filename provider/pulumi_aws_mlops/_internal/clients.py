"""AWS clients, made lazily in the process that calls AWS and never stored on a provider object.

Providers are pickled into the Pulumi state; a boto3 session or client on them would either fail to
pickle or write credentials into the state. Providers therefore hold only `AwsSettings` (region,
profile and endpoint names, no secrets) and ask this module for a client on every call; clients are
cached here, in the provider host process, keyed by those settings.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any, Literal

from .errors import MlopsError

# Throttling and 5xx answers are retried by botocore's own retry mode, never by hand.
RETRY_MODE: Literal["standard"] = "standard"
MAX_ATTEMPTS = 10

ENDPOINT_CONFIG_KEY = "aws-mlops:endpointUrl"


@dataclass(frozen=True)
class AwsSettings:
    """Where to reach AWS. Credentials come from boto3's standard chain, never from here."""

    region: str | None = None
    profile: str | None = None
    endpoint_url: str | None = None

    @classmethod
    def from_stack_config(cls, config: Any) -> AwsSettings:
        """Read `aws:region`, `aws:profile` and `aws-mlops:endpointUrl` from the stack configuration."""

        def value(key: str) -> str | None:
            found = config.get(key) if config is not None else None
            return str(found) if found else None

        return cls(
            region=value("aws:region"),
            profile=value("aws:profile"),
            endpoint_url=value(ENDPOINT_CONFIG_KEY),
        )


_lock = threading.Lock()
# Service models are large JSON files (SageMaker's alone takes ~0.1 s to load): every session shares one
# loader, and so one parsed copy of each. boto3 itself is imported with the first client: a preview makes
# no AWS call, and importing boto3 is a good part of what a provider host would otherwise spend on one.
_loader: Any = None
_sessions: dict[AwsSettings, Any] = {}
_clients: dict[tuple[AwsSettings, str], Any] = {}


def client(service: str, settings: AwsSettings) -> Any:
    """A cached boto3 client for `service`; `AWS_ENDPOINT_URL[_<SERVICE>]` is honoured by boto3 itself."""
    global _loader
    key = (settings, service)
    found = _clients.get(key)
    if found is not None:
        return found
    with _lock:
        if key not in _clients:
            import boto3
            import botocore.loaders
            import botocore.session
            from botocore.config import Config as BotocoreConfig

            # boto3 sessions are not thread-safe, so they are built under the lock; clients are.
            session = _sessions.get(settings)
            if session is None:
                _loader = _loader or botocore.loaders.create_loader()
                core = botocore.session.get_session()
                core.register_component("data_loader", _loader)
                session = boto3.Session(
                    botocore_session=core, profile_name=settings.profile, region_name=settings.region
                )
                if session.region_name is None:
                    raise MlopsError(
                        "no AWS region is configured: run `pulumi config set aws:region <region>` "
                        "or set AWS_REGION in the environment"
                    )
                _sessions[settings] = session
            make_client: Any = session.client  # typed per literal service name; ours is a variable
            _clients[key] = make_client(
                service,
                endpoint_url=settings.endpoint_url,
                config=BotocoreConfig(
                    retries={"mode": RETRY_MODE, "max_attempts": MAX_ATTEMPTS},
                    user_agent_extra="pulumi-aws-mlops",
                ),
            )
        return _clients[key]


def clear_cache() -> None:
    """Forget every client, e.g. after tests change credentials or endpoints in the environment."""
    with _lock:
        _clients.clear()
        _sessions.clear()
