"""UpdateActiveModelVersion: which of a model's versions scheduled inference uses.

"You can only activate a model that is in the SUCCESS state" (the user guide): a FAILED or CANCELED version is
a ValidationException; one still training or importing a ConflictException (the emulator's choice: the guide
names only the rule). Activating the active version changes nothing. A run already started keeps the version it
began with (inference.py).
"""

from __future__ import annotations

from .base import LookoutEquipmentBase
from .exceptions import ConflictException, ValidationException
from .training import Model
from .versions import ModelVersion

IN_PROGRESS = frozenset({"IN_PROGRESS", "IMPORT_IN_PROGRESS"})


class ActivationOperations(LookoutEquipmentBase):
    def update_active_model_version(self, *, model_name: str,
                                    model_version: int) -> tuple[Model, ModelVersion, ModelVersion | None]:
        """Activate a version; returns (model, now active, active before)."""
        model = self.model(model_name)
        version = model.version(int(model_version))
        if version.status in IN_PROGRESS:
            raise ConflictException(f"Version {version.number} of model {model_name} is {version.status}; "
                                    "activate it once it has succeeded")
        if version.status != "SUCCESS":
            raise ValidationException(f"Version {version.number} of model {model_name} is {version.status}: only a "
                                      "version in the SUCCESS state can be activated")
        if model.active is not version:
            model.activate(version, self.now)
            model.last_updated = self.now
        return model, version, model.previous_active
