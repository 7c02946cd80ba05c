"""Tests of the resources against the in-process emulator, laid out as the package: lookoutequipment/ and
sagemaker/ hold one test module per resource module (plus each service's check/diff tests); what every resource
shares (the declaration of its fields, serialization) is tested here."""
