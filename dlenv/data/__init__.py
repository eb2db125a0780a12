"""The data side: the results schema, results files (JSON and CSV), the store, bundled reference sets."""
