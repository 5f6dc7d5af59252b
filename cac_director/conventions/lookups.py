"""Read-only collections used to resolve names of objects the tool never manages (docs/director-api.md §7.3, §7.4,
§7.10, §7.1, §7.12, §7.17)."""

from cac_director.conventions._base import Lookup

LOOKUPS: dict[str, Lookup] = {
    "normalizationPackages": Lookup("normalizationPackages", "NormalizationPackage", name_key="name"),
    "compiledNormalizers": Lookup(
        "compiledNormalizers", "NormalizationPackage/CompiledNormalizers", name_key="name", id_key="name"
    ),
    # EnrichmentSource items sometimes carry ``_id`` instead of ``id`` (§7.4); the client handles both.
    "enrichmentSources": Lookup("enrichmentSources", "EnrichmentSource", name_key="source_name"),
    "users": Lookup("users", "Users", name_key="username"),
    # Alert rules' manageable_by names incident user groups by id (§7.18); YAML names them.
    "incidentUserGroups": Lookup("incidentUserGroups", "IncidentUserGroups", name_key="name"),
    # Devices name the distributed collectors they attach to; v2.7.0 cannot create them (§7.17). The List
    # nests its array in another one, which the client's list reader unwraps.
    "distributedCollectors": Lookup("distributedCollectors", "DistributedCollectors", name_key="name"),
    # Not name -> id maps: RepoPaths lists the storage paths a repo may use (§7.1), RemoteRepos the
    # ``ip:port/repo`` strings alert rules must name (§7.9); the client serves them as string lists.
    "repoPaths": Lookup("repoPaths", "Repos/RepoPaths", name_key="paths", shape="paths"),
    "remoteRepos": Lookup("remoteRepos", "Repos/RemoteRepos/fetch", name_key="", shape="fetch"),
    # The names a device's or user's timezone and a collector's charset may take (§7.12): the Director keeps the
    # value itself, so they are checked in the pre-flight only, never translated.
    "timezones": Lookup("timezones", "Timezone", name_key="name", id_key="name"),
    "charsets": Lookup("charsets", "Charsets", name_key="charsets", shape="paths"),
}

CHECKED_VALUES: dict[str, dict[str, str]] = {
    "devices": {"timezone": "timezones"},
    "syslogCollectors": {"charset": "charsets"},
    "policySyslogCollectors": {"charset": "charsets"},
    "systemSettings": {"timezone": "timezones"},
    "users": {"timezone": "timezones"},
}
"""section -> plain field -> the lookup whose names its value must be one of, on every node receiving it."""
