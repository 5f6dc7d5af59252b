"""EnrichmentSource (docs/director-api.md §7.4): the sources a node offers, listed and never written."""

from __future__ import annotations

from typing import Any

from cac_director.emulator.kinds.common import Kind, SeedContext, read_only

SOURCES: tuple[tuple[str, str], ...] = (
    ("threat_intelligence", "ThreatIntelligence"),
    ("geoip", "GeoIP"),
    ("ip_to_host", "IPtoHost"),
    ("asset_inventory", "CSV"),
)
UNDERSCORE_ID_SOURCE = "asset_inventory"
"""This source carries ``_id`` instead of ``id``, like one element of the documented list (§4.2, §7.4)."""


def seed(ctx: SeedContext) -> list[dict[str, Any]]:
    return [
        {
            ("_id" if name == UNDERSCORE_ID_SOURCE else "id"): ctx.oid("EnrichmentSource", name),
            "source_name": name,
            "source_type": source_type,
            "plugin_info": {"source_fields": []},
            "active": True,
            "delete_status": False,
            "last_updated": 1735689600,
            "reason": "",
            "result": "success",
            "single_entry": False,
            "tid": "",
        }
        for name, source_type in SOURCES
    ]


KIND: Kind = read_only("EnrichmentSource", "Enrichment source", "source_name", seed, refreshable=True)
