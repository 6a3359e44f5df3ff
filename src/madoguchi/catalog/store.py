"""The serving catalog: the one every request reads, swapped whole on reload.

A reload loads the folder into a new ``Catalog`` and swaps it in only when it
loads cleanly: a broken file never takes down the catalog that was serving.
The refusal is kept (``last_error``) so an operator can see what to fix.
Readers take ``current`` once per request and use that object throughout, so
a reload in the middle of a request does not mix two catalogs.
"""

from __future__ import annotations

import threading
from pathlib import Path

from madoguchi.catalog.errors import CatalogInvalid
from madoguchi.catalog.loader import catalog_folder, load_catalog
from madoguchi.catalog.models import Catalog


class CatalogStore:
    def __init__(self, folder: Path | None = None) -> None:
        self.folder = catalog_folder(folder)
        self._catalog: Catalog | None = None
        self._lock = threading.Lock()
        self.last_error: CatalogInvalid | None = None
        """Why the latest reload was refused; None once a reload succeeds."""

    @property
    def loaded(self) -> Catalog | None:
        """The serving catalog if it is loaded already (None before the first use): no file is read."""
        return self._catalog

    @property
    def current(self) -> Catalog:
        """The serving catalog, loaded on first use; raises CatalogInvalid if it never loaded."""
        catalog = self._catalog
        return catalog if catalog is not None else self.reload()

    def reload(self) -> Catalog:
        """Load the folder again and serve it; raises CatalogInvalid and keeps serving the previous one."""
        with self._lock:
            try:
                catalog = load_catalog(self.folder)
            except CatalogInvalid as exc:
                self.last_error = exc
                raise
            self._catalog = catalog
            self.last_error = None
            return catalog


_default: CatalogStore | None = None
_default_lock = threading.Lock()


def default_store() -> CatalogStore:
    """The process's store over the configured catalog folder (``MADOGUCHI_CATALOG``)."""
    global _default
    with _default_lock:
        if _default is None:
            _default = CatalogStore()
        return _default
