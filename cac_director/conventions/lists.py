"""Lists, static and dynamic (docs/director-api.md §7.13): two YAML sections, ``staticLists`` and ``dynamicLists``.

The Director keeps both kinds in one collection (``GET Lists``) but writes each through its own path
(``Lists/static``, ``Lists/dynamic``) with its own name key (``s_name``, ``d_name``), and neither the kind
nor the name can be edited. Declaring each kind as its own type makes a kind change what it is on the
Director, a delete and a create, and keeps every other fact per kind. Names are written upper case:
the Director stores them upper-cased, so a lower-case name would never read back equal. A dynamic list's
age (``agelimit_day``/``hour``/``minute``; 0 everywhere: values never expire) is read back as one
``age_limit`` in seconds and split again on read.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from pydantic import Field, StringConstraints, model_validator

from cac_director.conventions._base import Example, ResourceConventions
from cac_director.conventions._listing import Listed, NodeReads
from cac_director.conventions._model import StrictModel

ListName = Annotated[str, StringConstraints(pattern=r"^[A-Z0-9][A-Z0-9_]{0,98}[A-Z0-9]$")]
"""2-100 upper-case letters, digits and ``_``, not beginning or ending with ``_`` (§7.13)."""

LIST_COMPUTED = frozenset(
    {"id", "tid", "user", "list_type", "age_limit", "last_updated", "lists_vendor", "active", "hidden", "vid"}
)


@dataclass(frozen=True)
class ListsOfKind(Listed):
    """``GET Lists`` returns both kinds in one array: each type sees only the objects of its ``list_type``."""

    list_type: str = ""

    def _items(self, conv: ResourceConventions, node: NodeReads, action: str) -> list[Any]:
        items = node.get_items(conv.api_resource, action)
        return [item for item in items if isinstance(item, dict) and item.get("list_type") == self.list_type]


class StaticList(StrictModel):
    name: ListName | None = None
    lists: list[Annotated[str, StringConstraints(min_length=1)]] = Field(
        default_factory=list, description="The list's values (compared as a set)."
    )


STATIC_LISTS = ResourceConventions(
    type_name="StaticList",
    model=StaticList,
    docs=__doc__ or "",
    yaml_section="staticLists",
    api_resource="Lists",
    write_resource="Lists/static",
    name_key="name",
    writable_fields=("name", "lists"),
    # ``lists`` is mandatory on create and on edit: an edit sends the whole set (§7.13).
    required_fields=("name", "lists"),
    immutable_fields=("name",),
    computed_fields=LIST_COMPUTED,
    wire_keys={"name": "s_name"},
    # The name is fixed after creation and in neither Edit table (§7.13).
    create_only_fields=("s_name",),
    listing_hook=ListsOfKind(list_type="static_list"),
    defaults={"lists": []},
    example=Example(
        model={"name": "BLOCKED_IPS", "lists": ["10.0.0.1", "10.0.0.2"]},
        updated={"name": "BLOCKED_IPS", "lists": ["10.0.0.3"]},
    ),
)

AGE_KEYS = ("agelimit_day", "agelimit_hour", "agelimit_minute")
MINUTES_PER = {"agelimit_day": 24 * 60, "agelimit_hour": 60, "agelimit_minute": 1}
MIN_AGE_MINUTES = 30


class DynamicList(StrictModel):
    name: ListName | None = None
    agelimit_day: Annotated[int, Field(ge=0, le=9999)] = Field(default=0, description="Days (0 to 9999).")
    agelimit_hour: Annotated[int, Field(ge=0, le=23)] = Field(default=0, description="Hours (0 to 23).")
    agelimit_minute: Annotated[int, Field(ge=0, le=59)] = Field(default=0, description="Minutes (0 to 59).")

    @model_validator(mode="after")
    def _age_is_never_or_long_enough(self) -> DynamicList:
        total = sum(getattr(self, key) * MINUTES_PER[key] for key in AGE_KEYS)
        if 0 < total < MIN_AGE_MINUTES:
            raise ValueError(
                f"the age limit must be 0 (values never expire) or at least {MIN_AGE_MINUTES} minutes; "
                f"got {total} minutes"
            )
        return self


def split_age_limit(read_obj: dict[str, Any]) -> dict[str, Any]:
    """``age_limit`` (seconds, §7.13) as the day/hour/minute fields written."""
    seconds = read_obj.get("age_limit")
    if not isinstance(seconds, int) or isinstance(seconds, bool):
        return read_obj
    minutes = seconds // 60
    return {
        **read_obj,
        "agelimit_day": minutes // MINUTES_PER["agelimit_day"],
        "agelimit_hour": minutes % MINUTES_PER["agelimit_day"] // MINUTES_PER["agelimit_hour"],
        "agelimit_minute": minutes % MINUTES_PER["agelimit_hour"],
    }


DYNAMIC_LISTS = ResourceConventions(
    type_name="DynamicList",
    model=DynamicList,
    docs=__doc__ or "",
    yaml_section="dynamicLists",
    api_resource="Lists",
    write_resource="Lists/dynamic",
    name_key="name",
    writable_fields=("name", *AGE_KEYS),
    required_fields=("name",),
    immutable_fields=("name",),
    # A dynamic list's values are what searches put there, not configuration.
    computed_fields=LIST_COMPUTED | {"lists"},
    wire_keys={"name": "d_name"},
    create_only_fields=("d_name",),
    listing_hook=ListsOfKind(list_type="dynamic_list"),
    int_fields=AGE_KEYS,
    read_hook=split_age_limit,
    defaults={key: 0 for key in AGE_KEYS},
    example=Example(
        model={"name": "SEEN_USERS", "agelimit_day": 4, "agelimit_hour": 5, "agelimit_minute": 39},
        updated={"name": "SEEN_USERS", "agelimit_day": 0, "agelimit_hour": 0, "agelimit_minute": 0},
    ),
)
