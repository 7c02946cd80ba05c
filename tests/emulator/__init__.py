"""Tests of the emulator, laid out as the package: lookoutequipment/ and sagemaker/ hold each service's tests;
what every service shares (the engine, the core pieces, status on the clock, the server, IAM, the layering) is
tested here."""
