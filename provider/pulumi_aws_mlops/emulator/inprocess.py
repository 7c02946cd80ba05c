"""In-process mode: a botocore `before-send` handler that answers emulated operations inside the test process.

botocore calls *every* before-send handler and keeps the first response, so a handler beside moto's
would not stop moto from also trying (and failing) the same request. The interceptor therefore takes
the place of moto's stubber in botocore's built-in handlers and hands moto whatever it does not answer:
boto3 clients created after this import send L4E and the emulated SageMaker operations here and
everything else (S3, IAM, STS, SageMaker models and endpoints) to moto.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from botocore.awsrequest import AWSPreparedRequest, AWSResponse
from botocore.handlers import BUILTIN_HANDLERS

from .core.clock import Clock
from .core.faults import Faults
from .core.moto_adapter import botocore_stubber as moto_stubber
from .engine import Emulator


class _RawBody(io.BytesIO):
    def stream(self, **_: Any) -> Iterator[bytes]:
        yield self.read()


class _Interceptor:
    def __init__(self) -> None:
        self.emulator: Emulator | None = None

    def __call__(self, request: AWSPreparedRequest, **kwargs: Any) -> AWSResponse | None:
        emulator = self.emulator
        body = request.body if isinstance(request.body, (bytes, str)) or request.body is None else None
        answer = emulator.handle_http(request.headers, body) if emulator is not None else None
        if answer is None:
            return moto_stubber(request=request, **kwargs)
        status, headers, body = answer
        return AWSResponse(request.url, status, headers, _RawBody(body))  # type: ignore[arg-type]


_interceptor = _Interceptor()
BUILTIN_HANDLERS[:] = [
    (event, _interceptor if handler is moto_stubber else handler, *rest) for event, handler, *rest in BUILTIN_HANDLERS
]
if not any(handler is _interceptor for _, handler, *_ in BUILTIN_HANDLERS):
    BUILTIN_HANDLERS.append(("before-send", _interceptor))


@contextmanager
def mock_mlops(
    *, clock: Clock | None = None, faults: Faults | None = None, with_moto: bool = True
) -> Iterator[Emulator]:
    """Emulate L4E and SageMaker inference testing in this process, alongside moto's `mock_aws`.

    >>> with mock_mlops() as emulator:
    ...     boto3.client("lookoutequipment", region_name="us-east-1").list_datasets()
    ...     emulator.clock.advance(3600)
    """
    emulator = Emulator(clock=clock or Clock(), faults=faults or Faults())
    if _interceptor.emulator is not None:
        raise RuntimeError("mock_mlops is already active in this process")
    if with_moto:
        from moto import mock_aws

        moto_context: Any = mock_aws()
    else:
        from contextlib import nullcontext

        moto_context = nullcontext()
    with moto_context:
        _interceptor.emulator = emulator
        try:
            yield emulator
        finally:
            _interceptor.emulator = None
