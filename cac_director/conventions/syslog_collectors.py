"""SyslogCollector (docs/director-api.md §7.8): no list; instances are found in the device's ``col_apps``.

One collector per device, so the device name is the name key in YAML; on the wire the device is sent
as ``device_id`` at create time only.
"""

from cac_director.conventions._base import Reference, ResourceConventions
from cac_director.conventions._listing import DeviceApps

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
    # device_id is the client's own addition to read objects found in a device's col_apps.
    read_renames={"device_id": "device"},
    computed_fields=frozenset({"uuid", "sid", "app", "id"}),
    ordered_lists=(),
    create_only_fields=("device_id",),
    wire_keys={"device": "device_id"},
    listing_hook=DeviceApps(app="SyslogCollector"),
)
