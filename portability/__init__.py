"""A tenant leaves with all its data: the full export archive and its import into an empty tenant
(docs/portability.md)."""
