"""Engine, sessions, the shared model base and migrations."""
