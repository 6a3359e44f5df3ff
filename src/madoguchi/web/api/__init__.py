"""The API routers; each module holds one and ``create_app`` includes it."""
