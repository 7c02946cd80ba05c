"""What the resources share, once: AWS clients, the poll engine and deadlines, each service's declaration,
the declaration of a resource's fields, the base provider (check, diff, read; create_or_adopt, wait_for),
naming, errors."""
