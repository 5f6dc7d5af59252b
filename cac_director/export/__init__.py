"""``cac-director export``: read nodes through the Director client and write files of the YAML model.

``export_fleet`` reads and builds (no files), ``write_files`` writes them below a directory,
``check_written`` validates what was written, ``stream`` renders every file as one YAML stream.
See docs/onboarding.md.
"""

from __future__ import annotations

from cac_director.export.documents import NODE_TAG, ExportFile, stream
from cac_director.export.read import NodeExport, Unexpressible, read_node
from cac_director.export.run import ExportResult, check_written, export_fleet, parse_only, write_files
from cac_director.export.split import InstanceGroup, Split, split

__all__ = [
    "NODE_TAG",
    "ExportFile",
    "ExportResult",
    "InstanceGroup",
    "NodeExport",
    "Split",
    "Unexpressible",
    "check_written",
    "export_fleet",
    "parse_only",
    "read_node",
    "split",
    "stream",
    "write_files",
]
