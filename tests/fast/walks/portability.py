"""H6 (portability): the export archive and the meter values CSV. All are reads: the isolation
walk calls them as tenant B (B's own rows only), the audit walk checks a POST writes nothing."""

# API routes without an object in their path: the caller's tenant's rows
TENANT_WIDE = {"tenant-export", "export-meter-values-csv"}

# Dashboard downloads that read: a POST is answered as a GET and writes nothing
PAGES = {"export/", "export/archive.zip", "export/meter-values.csv"}
