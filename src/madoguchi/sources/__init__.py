"""Back-office systems feeding the hub."""
