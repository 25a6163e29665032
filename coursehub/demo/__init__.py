"""The offline demo: ``flask demo seed`` and ``flask demo serve`` (never in production)."""
