"""SyslogCollector (director-api.md §7.8): no list; instances are found in the device's ``col_apps``.

One collector per device, so the device name is the name key in YAML; on the wire the device is sent
as ``device_id`` at create time only.
"""

from cac_director.conventions._base import Reference, ResourceConventions

SYSLOG_COLLECTORS = ResourceConventions(
    type_name="SyslogCollector",
    yaml_section="syslogCollectors",
    api_resource="SyslogCollector",
    name_key="device",
    references=(
        Reference("device", "devices", wire="id"),
        Reference("processpolicy", "processingPolicies", wire="id", none_sentinel=True),
    ),
    writable_fields=(
        "device",
        "proxy_condition",
        "charset",
        "parser",
        "processpolicy",
        "proxy_ip",
        "hostname",
    ),
    required_fields=("device", "proxy_condition"),
    immutable_fields=("device",),
    computed_fields=frozenset({"uuid", "sid", "app", "id"}),
    listing="col_apps",
)
