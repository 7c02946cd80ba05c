"""SageMaker resources: test_<module>.py for sagemaker/<module>.py."""
