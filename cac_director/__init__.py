"""cac-director: configuration as code for LogPoint SIEMs, applied through the LogPoint Director API by Pulumi.

The package is split along the data flow (see docs/architecture.md):
YAML files -> ``config`` (load, resolve, validate) -> ``pulumi_provider`` (program + dynamic providers)
-> ``director`` (HTTP client) -> a Director, or the ``emulator`` that ships with the project.
``conventions`` holds the per-resource-type facts every stage reads.
"""

__version__ = "0.2.0"

__all__ = ["__version__"]
