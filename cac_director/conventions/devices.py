"""Devices (docs/director-api.md §7.7): groups by id; CIA levels flat on write, nested in ``risk_values`` on read."""

from cac_director.conventions._base import Reference, ResourceConventions

DEVICES = ResourceConventions(
    type_name="Device",
    yaml_section="devices",
    api_resource="Devices",
    name_key="name",
    references=(Reference("devicegroup[]", "deviceGroups", wire="id", many=True),),
    writable_fields=(
        "name",
        "ip",
        "availability",
        "confidentiality",
        "integrity",
        "devicegroup",
        "timezone",
    ),
    required_fields=("name", "ip", "availability", "confidentiality", "integrity"),
    immutable_fields=("name",),
    # risk_values{availability,confidentiality,integrity} is flattened back by the client's read mapping.
    read_renames={"device_groups": "devicegroup", "log_policies": "logpolicy"},
    read_flatten=("risk_values",),
    # A device created without a timezone reads back as UTC (the Director's default).
    defaults={"timezone": "UTC"},
    # Not owned (set in the console or by other tools), but sent back on every PUT (§7.7, §7.19).
    kept_on_edit=("distributed_collector", "logpolicy"),
    computed_fields=frozenset(
        {
            "id",
            "active",
            "has_hostname",
            "type",
            "tid",
            "col_apps",
            "user",
            "distributed_collector",
            "logpolicy",
            "risk_values",
        }
    ),
)
