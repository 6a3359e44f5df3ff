"""madoguchi: a city's procedures finished on a smartphone."""

__version__ = "0.1.0"
