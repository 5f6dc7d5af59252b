"""NormalizationPackage (docs/director-api.md §7.3): vendor packages, listed and never written by the API."""

from __future__ import annotations

from typing import Any

from cac_director.emulator.kinds.common import Kind, SeedContext, read_only

PACKAGES: tuple[tuple[str, str], ...] = (
    ("LP_Windows", "Normalization signatures for Microsoft Windows event logs"),
    ("LP_Linux_Syslog", "Normalization signatures for Linux syslog"),
    ("LP_Fortinet_FortiGate", "Normalization signatures for Fortinet FortiGate"),
    ("LP_Palo_Alto_Networks_Firewall", "Normalization signatures for Palo Alto Networks firewalls"),
    ("LP_Cisco_ASA", "Normalization signatures for Cisco ASA"),
    ("LP_Microsoft_Active_Directory", "Normalization signatures for Microsoft Active Directory"),
    ("LP_LogPoint_Internal", "Normalization signatures for LogPoint's own logs"),
)

COMPILED_NORMALIZERS: tuple[str, ...] = (
    "WindowsXMLCompiledNormalizer",
    "JSONCompiledNormalizer",
    "SyslogCompiledNormalizer",
    "CheckPointOpsecCompiledNormalizer",
    "CEFCompiledNormalizer",
)
"""What ``NormalizationPackage/CompiledNormalizers`` lists on every node."""


def seed(ctx: SeedContext) -> list[dict[str, Any]]:
    return [
        {
            "id": ctx.oid("NormalizationPackage", name),
            "name": name,
            "description": description,
            "type": "vendor",
            "version": "5.2.0",
            "vid": f"NORMPACKAGE_{771 + index}",
            "active": True,
            "share_is": False,
            "tid": "",
            "last_sig_id": 405000 + 100 * index,
            "unused_signatures": [],
            "fields_info": [],
            "signatures": [],
        }
        for index, (name, description) in enumerate(PACKAGES)
    ]


KIND: Kind = read_only("NormalizationPackage", "Normalization package", "name", seed)
