"""What the resources share: AWS clients, the poll engine, diffing, the base provider, errors."""
