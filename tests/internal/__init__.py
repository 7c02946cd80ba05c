"""Tests of provider/pulumi_aws_mlops/_internal/, one test module per module (test_waiting.py for waiting.py)."""
