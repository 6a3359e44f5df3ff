"""The catalog: the life events and procedures the city offers, as data.

Load a folder with ``loader.load_catalog``; serve it with ``store.CatalogStore``
(reload swaps in a new catalog only when it loads cleanly); count deadlines
with ``deadline.due_date``. The files' format is ``schema.json`` and
docs/catalog.md.
"""
