"""ISO 8601 timestamps as inputs: any offset accepted, one canonical UTC form kept, so diffs are exact."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Annotated

from pydantic import AfterValidator


def canonical_timestamp(text: str) -> str:
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise ValueError(f"{text!r} is not an ISO 8601 timestamp such as 2026-01-31T00:00:00Z") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_timestamp(text: str) -> datetime:
    return datetime.fromisoformat(canonical_timestamp(text).replace("Z", "+00:00"))


Timestamp = Annotated[str, AfterValidator(canonical_timestamp)]
