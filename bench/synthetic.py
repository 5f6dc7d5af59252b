"""A large synthetic MSSP tree in the real file format, valid by construction (tests, benchmarks; not shipped).

Layout: a vendor baseline, an MSSP base and two profiles under ``templates/``, then one customer
directory per customer with a fleet (``nodes_per_customer`` nodes: data nodes plus one search
head) and a ``prod`` instance. Each instance brings the per-node resource count up to about
``resources_per_node`` with its own repos, routing policies, devices and collectors, and uses
list merges, deletes, ordering directives and vars so the benchmark exercises every rule.
Output is a pure function of the arguments (``seed`` varies names and numbers).

    python bench/synthetic.py ROOT [--customers 50] [--nodes-per-customer 3] ...
"""

from __future__ import annotations

import argparse
import random
from pathlib import Path
from typing import Any

import yaml

_TEMPLATE_HEADER = {"apiVersion": "cac-director/v1", "kind": "ConfigTemplate"}
_FAMILIES = ("windows", "linux", "firewall", "proxy", "database", "mail")
_PACKAGES = {
    "windows": "LP_Windows",
    "linux": "LP_Linux_Syslog",
    "firewall": "LP_Fortinet_FortiGate",
    "proxy": "LP_Palo_Alto_Networks_Firewall",
    "database": "LP_Microsoft_Active_Directory",
    "mail": "LP_Cisco_ASA",
}
_CIA = ("Minimal", "Minor", "Major", "Critical")


def _write(path: Path, document: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(document, sort_keys=False, width=200), encoding="utf-8")


def _hex32(rng: random.Random) -> str:
    return f"{rng.getrandbits(128):032x}"


def _baseline() -> dict[str, list[dict[str, Any]]]:
    repos = [
        {
            "name": f"repo-{family}",
            "hiddenrepopath": [{"_id": "hot", "path": "${vars.hotPath}", "retention": "${vars.hotDays}"}],
        }
        for family in _FAMILIES
    ]
    routing = [
        {
            "policy_name": f"rp-{family}",
            "catch_all": f"repo-{family}",
            "routing_criteria": [
                {
                    "_id": f"c{i}",
                    "type": "KeyPresentValueMatches",
                    "key": "severity",
                    "value": str(i),
                    "repo": f"repo-{family}",
                }
                for i in range(4)
            ],
        }
        for family in _FAMILIES
    ]
    norm = [
        {
            "name": f"np-{family}",
            "norm_packages": [_PACKAGES[family]],
            "compiled_normalizer": ["JSONCompiledNormalizer"],
        }
        for family in _FAMILIES
    ]
    processing = [
        {
            "policy_name": f"pp-{family}",
            "norm_policy": f"np-{family}",
            "routing_policy": f"rp-{family}",
            "enrich_policy": "None",
        }
        for family in _FAMILIES
    ]
    groups = [{"name": f"dg-{family}", "description": f"{family} sources"} for family in _FAMILIES]
    return {
        "repos": repos,
        "routingPolicies": routing,
        "normalizationPolicies": norm,
        "processingPolicies": processing,
        "deviceGroups": groups,
    }


def _templates(root: Path) -> None:
    sections = _baseline()
    for section, items in sections.items():
        _write(
            root / "templates/vendor/baseline" / f"{section}.yaml",
            {**_TEMPLATE_HEADER, "metadata": {"name": "baseline", "version": "1.0.0"}, "spec": {section: items}},
        )
    _write(
        root / "templates/vendor/baseline/vars.yaml",
        {
            **_TEMPLATE_HEADER,
            "metadata": {"name": "baseline", "version": "1.0.0"},
            "spec": {"vars": {"hotPath": "/opt/immune/storage/", "hotDays": 90}},
        },
    )
    _write(
        root / "templates/mssp/base/base.yaml",
        {
            **_TEMPLATE_HEADER,
            "metadata": {"name": "mssp-base", "extends": "vendor/baseline@1", "version": "2.0.0"},
            "spec": {
                "vars": {"hotPath": "/data/hot/"},
                "repos": [
                    {
                        "name": f"repo-{family}",
                        "hiddenrepopath": [{"_id": "warm", "path": "/data/warm/", "retention": 180}],
                    }
                    for family in _FAMILIES
                ],
                "routingPolicies": [
                    {
                        "policy_name": f"rp-{family}",
                        "routing_criteria": [
                            {
                                "_id": "c-first",
                                "type": "KeyPresent",
                                "key": "mssp_tag",
                                "repo": f"repo-{family}",
                                "_first": True,
                            },
                            {"_id": "c3", "_action": "delete"},
                        ],
                    }
                    for family in _FAMILIES
                ],
            },
        },
    )
    for profile, extra in (("small", 0), ("large", 1)):
        spec: dict[str, Any] = {
            "repos": [{"name": "repo-mail", "hiddenrepopath": [{"_id": "warm", "_action": "delete"}]}],
        }
        if extra:
            spec["repos"] = [
                {
                    "name": f"repo-{family}",
                    "hiddenrepopath": [{"_id": "cold", "path": "/data/cold/", "retention": 730, "_last": True}],
                }
                for family in _FAMILIES
            ]
        _write(
            root / f"templates/mssp/profiles/{profile}/profile.yaml",
            {
                **_TEMPLATE_HEADER,
                "metadata": {"name": f"profile-{profile}", "extends": "../../base@2", "version": "1.0.0"},
                "spec": spec,
            },
        )


def _customer(root: Path, index: int, nodes: int, per_node: int, rng: random.Random) -> Path:
    customer = f"cust-{index:03d}"
    data_nodes = max(nodes - 1, 1)
    fleet = {
        "apiVersion": "cac-director/v1",
        "kind": "Fleet",
        "metadata": {"name": customer},
        "spec": {
            "director": {"url": f"https://director.{customer}.example.net", "poolUuid": _hex32(rng)},
            "nodes": {
                "dataNodes": [
                    {"name": f"{customer}-dn-{n:02d}", "logpointId": _hex32(rng), "tags": {"cluster": "prod"}}
                    for n in range(data_nodes)
                ],
                "searchHeads": [{"name": f"{customer}-sh-01", "logpointId": _hex32(rng), "tags": {"cluster": "prod"}}]
                if nodes > 1
                else [],
            },
        },
    }
    _write(root / customer / "fleet.yaml", fleet)
    inherited = 6 * 5  # repos, routing, normalization, processing and device groups of the baseline
    own = max(per_node - inherited, 0)
    # Own resources: per unit a repo, a routing policy, a device and its collector (4 resources).
    units = own // 4
    repos, routing, devices, collectors = [], [], [], []
    for unit in range(units):
        family = _FAMILIES[unit % len(_FAMILIES)]
        repos.append(
            {
                "name": f"r-{unit:04d}",
                "hiddenrepopath": [
                    {"_id": "hot", "path": "/data/hot/", "retention": rng.randint(7, 90)},
                    {"_id": "cold", "path": "/data/cold/", "retention": "${vars.coldDays}"},
                ],
            }
        )
        routing.append(
            {
                "policy_name": f"rp-{unit:04d}",
                "catch_all": f"r-{unit:04d}",
                "routing_criteria": [
                    {
                        "_id": "a",
                        "type": "KeyPresentValueMatches",
                        "key": "host",
                        "value": f"h{unit}",
                        "repo": f"r-{unit:04d}",
                    },
                    {"_id": "b", "type": "KeyPresent", "key": "audit", "repo": f"repo-{family}", "_before": "a"},
                ],
            }
        )
        devices.append(
            {
                "name": f"dev-{unit:04d}",
                "ip": [f"10.{index % 250}.{unit // 250}.{unit % 250}"],
                "availability": rng.choice(_CIA),
                "confidentiality": rng.choice(_CIA),
                "integrity": rng.choice(_CIA),
                "devicegroup": [f"dg-{family}"],
            }
        )
        collectors.append(
            {
                "device": f"dev-{unit:04d}",
                "proxy_condition": "None",
                "charset": "utf_8",
                "parser": "SyslogParser",
                "processpolicy": f"pp-{family}",
            }
        )
    instance = {
        "apiVersion": "cac-director/v1",
        "kind": "TopologyInstance",
        "metadata": {"name": f"{customer}-prod", "extends": f"mssp/profiles/{'large' if index % 2 else 'small'}@1"},
        "spec": {
            "vars": {"coldDays": 365 + index, "customer": customer},
            "repos": [*repos, {"name": "repo-windows", "hiddenrepopath": [{"_id": "hot", "retention": 45}]}],
            "routingPolicies": routing,
            "devices": devices,
            "syslogCollectors": collectors,
            "alertRules": [
                {
                    "searchname": "${vars.customer}-deny-burst",
                    "owner": "admin",
                    "risk": "medium",
                    "aggregate": "max",
                    "condition_option": "greaterthan",
                    "condition_value": 100,
                    "limit": 10,
                    "repos": ["repo-firewall"],
                    "timerange_minute": 5,
                }
            ],
        },
    }
    path = root / customer / "prod" / "instance.yaml"
    _write(path, instance)
    return path


def generate_mssp_tree(
    root: Path, customers: int = 50, nodes_per_customer: int = 3, resources_per_node: int = 200, seed: int = 0
) -> list[Path]:
    """Write the tree below ``root`` and return the instance paths (in customer order)."""
    rng = random.Random(seed)
    root = Path(root)
    _templates(root)
    return [_customer(root, index, nodes_per_customer, resources_per_node, rng) for index in range(customers)]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Write a synthetic MSSP tree of cac-director YAML.")
    parser.add_argument("root", type=Path)
    parser.add_argument("--customers", type=int, default=50)
    parser.add_argument("--nodes-per-customer", type=int, default=3)
    parser.add_argument("--resources-per-node", type=int, default=200)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    paths = generate_mssp_tree(args.root, args.customers, args.nodes_per_customer, args.resources_per_node, args.seed)
    print(f"wrote {len(paths)} instance(s) below {args.root}")


if __name__ == "__main__":
    main()
