"""The HTTP side: the FastAPI app, its error rendering and dependencies, and the API routers."""
