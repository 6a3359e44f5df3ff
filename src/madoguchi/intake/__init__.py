"""Intake: bundles, applications and their delivery to each department.

Delivery goes through a transactional outbox (``outbox.enqueue_delivery`` in
the caller's transaction); workers (``worker``) send each delivery through its
department's target (``targets``) by a channel of the registry (``channels``).
"""
