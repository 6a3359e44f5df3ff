"""The department back office: staff accounts (and, to come, the departments' inboxes)."""
