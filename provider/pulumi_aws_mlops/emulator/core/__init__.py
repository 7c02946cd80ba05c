"""The layer every emulated service shares, each piece in one place; it imports no service.

- `clock`: virtual time tests move (pinned per request); `state`: status on the clock (ManagedState);
- `backend`: BaseBackend and BackendDict (backends by account and region); `service`: how a service
  declares itself (its `urls.py`); `responses`: the base of the thin responses classes;
- `protocol`: the AWS JSON protocol (requests into keyword arguments, responses, errors); `validation`:
  requests checked against botocore's service model; `exceptions`: the AWS errors services share;
- `paginator`, `timestamps`, `tags`, `quotas`, `arns`, `tokens` (ClientToken idempotency), `faults`;
- `moto_adapter`: the only module that reaches into moto's internals.
"""
