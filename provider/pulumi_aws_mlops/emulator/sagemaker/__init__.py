"""SageMaker inference experiments and inference recommendations jobs, emulated beside moto's SageMaker (moto's layout).

- `urls.py` declares which requests the emulator answers; `responses.py` shapes each answer;
- `backend.py` is the backend, a method per operation; `experiments.py` and `recommendations.py`
  (with `benchmarks.py`) are the resources and their state machines on the clock; `endpoints.py` is
  moto's models and endpoints as these operations see them; `conventions.py` SageMaker's list rules;
- `exceptions.py` says the service's errors.
"""
