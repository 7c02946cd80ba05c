"""Amazon Lookout for Equipment, emulated (moto's layout).

- `urls.py` declares the service to the engine; `responses.py` shapes each operation's answer;
- `backend.py` is the backend, a method per operation, grouped by resource kind beside the model
  classes: `datasets.py` (with `ingestion.py`, which reads the CSV files in S3), `labels.py`,
  `training.py` (models), `schedulers.py` (inference schedulers and executions); `base.py` holds
  the state and helpers they share;
- `exceptions.py` says the service's errors.
"""
