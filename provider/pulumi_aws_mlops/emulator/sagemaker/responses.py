"""Thin request handling for the emulated SageMaker operations."""

from __future__ import annotations

from typing import Any

from .models import SageMakerInferenceBackend


class SageMakerInferenceResponse:
    def __init__(self, backend: SageMakerInferenceBackend) -> None:
        self.backend = backend

    def list_inference_experiments(self, params: dict[str, Any]) -> dict[str, Any]:
        return {"InferenceExperiments": []}
