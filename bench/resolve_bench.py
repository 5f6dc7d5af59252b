"""Resolve + validate time of the synthetic MSSP tree (numbers recorded in docs/configuration.md).

    .venv/bin/python bench/resolve_bench.py [--customers 50] [--nodes-per-customer 3]
        [--resources-per-node 200] [--repeat 3]

Reports, best of ``--repeat`` runs: YAML parsing alone, then load+resolve+validate of every
instance (one shared resolver, as ``cac-director validate DIR`` does), and the difference, which
is resolve+validate proper.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from synthetic import generate_mssp_tree  # bench/synthetic.py: a script's own directory leads sys.path

from cac_director.config.instance import check_instance
from cac_director.config.issues import IssueCollector
from cac_director.config.loader import load_yaml_file
from cac_director.config.resolve import Resolver


def run(root: Path, instances: list[Path]) -> tuple[float, float, int, int]:
    files = sorted(root.rglob("*.yaml"))
    start = time.perf_counter()
    scratch = IssueCollector()
    for file in files:
        load_yaml_file(file, scratch)
    parse = time.perf_counter() - start

    collector = IssueCollector()
    resolver = Resolver(root / "templates", collector)
    resources = node_resources = 0
    start = time.perf_counter()
    for path in instances:
        resolved, _ = check_instance(path, root / "templates", collector=collector, resolver=resolver)
        assert resolved is not None, [issue.render() for issue in collector.errors[:5]]
        resources += sum(len(items) for items in resolved.sections.values())
        node_resources += sum(len(items) for node in resolved.nodes.values() for items in node.sections.values())
    total = time.perf_counter() - start
    return parse, total, resources, node_resources


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--customers", type=int, default=50)
    parser.add_argument("--nodes-per-customer", type=int, default=3)
    parser.add_argument("--resources-per-node", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        instances = generate_mssp_tree(root, args.customers, args.nodes_per_customer, args.resources_per_node)
        runs = [run(root, instances) for _ in range(args.repeat)]
    parse = min(r[0] for r in runs)
    total = min(r[1] for r in runs)
    _, _, resources, node_resources = runs[0]
    print(
        f"tree: {args.customers} customers x {args.nodes_per_customer} nodes, ~{args.resources_per_node} resources/node"
    )
    print(f"resolved resources: {resources} (instance level), {node_resources} (summed over targeted nodes)")
    print(f"yaml parse only:            {parse * 1000:8.1f} ms")
    print(f"load+resolve+validate:      {total * 1000:8.1f} ms")
    print(f"resolve+validate (no parse): {(total - parse) * 1000:7.1f} ms")
    print(f"per 10,000 resources:       {total / resources * 10_000 * 1000:8.1f} ms (load included)")


if __name__ == "__main__":
    main()
