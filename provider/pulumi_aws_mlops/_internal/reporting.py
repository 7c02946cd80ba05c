"""Progress lines: to the Pulumi log when an engine is attached, and to Python logging for everything else.

Inside the dynamic-provider host `pulumi.log.info` has no engine connection and writes
`info: <message>` to stderr, which the Pulumi CLI shows with the resource's diagnostics.
"""

from __future__ import annotations

import logging

import pulumi

logger = logging.getLogger("pulumi_aws_mlops")


def progress(message: str) -> None:
    logger.info(message)
    pulumi.log.info(message)


def warning(message: str) -> None:
    logger.warning(message)
    pulumi.log.warn(message)
