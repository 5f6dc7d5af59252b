"""One owner per Director object: two instances of one tree must not manage the same object of a node.

Each instance becomes one stack; two stacks managing one object would undo each other's changes, and
destroying either would delete it under the other (docs/reliability.md "Ownership"). An object is the
same when Director URL, pool, node and the type's unique name agree.
"""

from __future__ import annotations

from collections.abc import Sequence

from cac_director.config.instance import ResolvedInstance
from cac_director.config.issues import IssueCollector, Mark
from cac_director.config.loader import mark_of
from cac_director.conventions import by_section


def check_single_owner(instances: Sequence[ResolvedInstance], collector: IssueCollector) -> None:
    """One ``shared-object`` error for every object a later instance would manage besides an earlier one."""
    owners: dict[tuple[str, str, str, str, str], ResolvedInstance] = {}
    for instance in instances:
        fleet = instance.fleet
        for node in instance.nodes.values():
            for section, objects in node.sections.items():
                name_key = by_section(section).name_key
                for obj in objects:
                    name = str(obj.get(name_key))
                    key = (fleet.director_url.rstrip("/"), fleet.pool_uuid, node.logpoint_id, section, name)
                    first = owners.setdefault(key, instance)
                    if first is instance:
                        continue
                    mark = mark_of(obj, name_key)
                    if mark is None or mark.file != instance.path:
                        mark = Mark(instance.path)  # defined in a template: name the instance that uses it
                    collector.error(
                        "shared-object",
                        f"{section} '{name}' on node {node.name} is also managed by instance '{first.name}' "
                        f"({first.path}): two stacks would manage the same Director object",
                        mark=mark,
                        path=f"{section}[{name}]",
                        hint="target other nodes (spec.targets), or keep the object in one of the two instances",
                    )
