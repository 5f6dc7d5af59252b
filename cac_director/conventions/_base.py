"""The shape of one resource type's conventions: every fact about a Director resource type, declared once.

Source of every value: docs/director-api.md (section numbers are cited in each entry).
The YAML side (section name, name key, references by name) and the wire side (endpoint, renames,
computed fields, how a reference travels) live together so that the model, the client, the
providers and the export command cannot disagree about a type.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

from cac_director.conventions._listing import LISTED, Fetched, Listed, Listing, Singleton
from cac_director.conventions._model import StrictModel
from cac_director.conventions._rules import Rule

NodeRole = Literal["data", "search", "all"]
"""Which nodes a section is deployed to: data = Data Nodes and AIOs, search = Search Heads and AIOs,
all = every node."""

WireRef = Literal["name", "id", "id_csv", "name_csv", "remote_repo"]
"""How the Director expects a reference on the wire (docs/director-api.md §8):
name: the target's name; id: the target's per-node id; id_csv / name_csv: a comma-separated string;
remote_repo: the ``ip:port/repo`` string returned by Repos/RemoteRepos/fetch."""


@dataclass(frozen=True)
class Reference:
    """A field of one resource that names another object.

    ``path`` uses ``[]`` for "every element of a list", e.g. ``routing_criteria[].repo``.
    ``target`` is a YAML section (``repos``) for managed objects or a lookup name
    (``normalizationPackages``, ``compiledNormalizers``, ``enrichmentSources``, ``users``) for objects
    the tool never manages. In YAML every reference is by name; ``wire`` says what the Director wants.
    """

    path: str
    target: str
    wire: WireRef = "name"
    many: bool = False
    none_sentinel: bool = False
    """An absent reference is sent as the literal string ``"None"`` (docs/director-api.md §10 item 4)."""


@dataclass(frozen=True)
class Lookup:
    """A read-only Director collection used to turn names into ids (objects the tool never manages)."""

    lookup_name: str
    api_path: str
    """Path below ``/configapi/{pool}/{node}/``, e.g. ``NormalizationPackage/CompiledNormalizers``."""
    name_key: str
    id_key: str = "id"
    shape: Literal["objects", "paths", "fetch"] = "objects"
    """objects: a bare array of objects (name_key -> id_key); paths: ``[{"paths": [...]}]`` (RepoPaths);
    fetch: a fetch order whose ``response.rows`` holds ``ip:port/repo`` strings (RemoteRepos)."""
    fallback_id_key: str = "_id"
    """Some items carry ``_id`` instead of ``id`` (docs/director-api.md §4.2, EnrichmentSource)."""


@dataclass(frozen=True)
class Example:
    """A small valid object of the type, in model shape: what its contract test creates and updates on the
    emulator (tests/contract/test_round_trips.py) and what its reference page shows."""

    model: dict[str, Any]
    updated: dict[str, Any]
    """The same object (same name) after an edit: at least one owned field differs."""
    prerequisites: tuple[tuple[str, dict[str, Any]], ...] = ()
    """(section, model) of the objects it references, created first in this order (built-ins need none)."""


@dataclass(frozen=True)
class SecretInput:
    """A write-only secret field that YAML never holds: YAML names a key of a secret stack config map instead.

    The program passes the value as a Pulumi secret under ``field`` (the same key in the outputs, so the engine
    keeps it encrypted in state); a changed value is applied through ``POST {id}/{change_action}`` with
    ``{change_key: value}``, never by a replace (docs/secrets.md).
    """

    field: str
    """Wire and resource field of the secret (``password``), sent on create only."""
    from_field: str
    """YAML field naming the key (``password_from``)."""
    config_map: str
    """Stack config map holding the secrets by key (``userPasswords`` -> ``cac-director:userPasswords``)."""
    change_action: str
    """Object action that changes the secret (``changePassword``)."""
    change_key: str
    """Body key of that action (``new_password``)."""


@dataclass(frozen=True)
class ResourceConventions:
    """Every fact about one managed Director resource type."""

    type_name: str
    """Pulumi resource class / type token name, e.g. ``RoutingPolicy``. Never rename: state refers to it."""
    yaml_section: str
    """Section of ``spec`` in the YAML model, e.g. ``routingPolicies``."""
    api_resource: str
    """Exact path segment in ``/configapi/{pool}/{node}/{api_resource}``."""
    name_key: str
    """Field holding the unique name, which is also the merge key in the template hierarchy."""
    name_hint: str = ""
    """Said when a resource of the section lacks its name key, when the usual hint would mislead (collectors)."""
    node_role: NodeRole = "data"
    write_resource: str = ""
    """Path of creates and edits when it differs from ``api_resource`` (Lists: ``Lists/static``, §7.13)."""
    references: tuple[Reference, ...] = ()
    builtins: frozenset[str] = frozenset()
    """Names that ship with every LogPoint: referencable without declaration, never created/changed/deleted."""
    writable_fields: tuple[str, ...] = ()
    """Write-side fields the tool sends and owns (diffs compare exactly these)."""
    required_fields: tuple[str, ...] = ()
    immutable_fields: tuple[str, ...] = ()
    """Fields the Director cannot edit: a change means replace (delete before create)."""
    read_renames: dict[str, str] = field(default_factory=dict)
    """Read-side field name -> write-side field name (e.g. Repos ``repopath`` -> ``hiddenrepopath``)."""
    computed_fields: frozenset[str] = frozenset()
    """Fields only the Director sets (ids, tid, used_size, ...): ignored by diff, dropped by export."""
    ordered_lists: tuple[str, ...] = ()
    """List fields whose order is meaningful (compared in order); other lists compare as sets."""
    model: type[StrictModel] | None = None
    """The pydantic model of one YAML resource of the section (model shape, every field optional but
    the types and bounds checked; which fields are required comes from ``required_fields``)."""
    docs: str = ""
    """Reference-docs text of the type (what it is, wire and adoption notes), for the generated docs pages."""
    listing_hook: Listed = LISTED
    """How existing objects are found on a node (``conventions/_listing.py``): the type's irregular reads."""
    int_fields: tuple[str, ...] = ()
    """Paths (``[]`` = every element) compared as integers: ``30``, ``30.0`` and ``"30"`` are equal."""
    path_fields: tuple[str, ...] = ()
    """Paths holding filesystem directories: the Director returns them with a trailing slash (§7.1, §10.13)."""
    flag_fields: dict[str, tuple[str, str | None]] = field(default_factory=dict)
    """Model booleans sent as strings: field -> (wire value for true, wire value for false or None = omit)."""
    defaults: dict[str, object] = field(default_factory=dict)
    """Model defaults: filled into every resolved resource and before comparing, so that absent and default
    compare equal. The one declaration of a type's defaults (the pydantic model repeats them for the JSON
    Schema; tests/conventions/test_type_files.py checks that the two agree)."""
    nested_defaults: dict[str, dict[str, object]] = field(default_factory=dict)
    """List path (``a[].b[]``) -> defaults of each element there, filled into every resolved resource."""
    create_only_fields: tuple[str, ...] = ()
    """Wire write keys sent on create only, never on PUT (not in the Director's Edit table)."""
    kept_on_edit: tuple[str, ...] = ()
    """Write keys the tool does not own but every PUT must carry, copied from the live object: whether an
    edit replaces or merges is undocumented, so a PUT sends the complete object (docs/director-api.md §4.1, §7.6)."""
    write_only_fields: tuple[str, ...] = ()
    """Owned fields a read may not return (NormalizationPolicy ``compiled_normalizer``, §7.3): when the live
    object lacks one, the outputs keep the configured value instead of reporting it as removed."""
    follow_up_fields: tuple[str, ...] = ()
    """Owned fields written by actions after the object's create or update, never in its body, and never read
    back (AlertRules ``notifications``, §7.18): the outputs keep the recorded value, so diffs compare the
    configuration with what was last sent."""
    follow_ups: Callable[[dict[str, Any], dict[str, Any]], list[tuple[str, dict[str, Any]]]] | None = None
    """(desired model, recorded model; ``{}`` when nothing is recorded) -> the ``(segment, data)`` actions to
    send as ``POST {api_resource}/{id}/<segment>`` after a create or an update, in order."""
    activation_field: str = ""
    """A model boolean applied through ``{id}/activate`` / ``{id}/deactivate`` instead of the body."""
    wire_keys: dict[str, str] = field(default_factory=dict)
    """Model key -> wire write key where they differ (SyslogCollector ``device`` -> ``device_id``)."""
    owned_when_set: tuple[str, ...] = ()
    """Fields owned only while the configuration sets them (Devices ``logpolicy``, ``distributed_collector``):
    otherwise left out of the outputs, so what the node holds there is no drift (and state written before such a
    field existed refreshes with no change), and kept on edits (list them in ``kept_on_edit``)."""
    read_flatten: tuple[str, ...] = ()
    """Read-side objects whose keys are model top-level fields (Devices ``risk_values{...}``)."""
    secret_inputs: tuple[SecretInput, ...] = ()
    """Write-only secrets taken from the stack's secret config, never from YAML (Users ``password``)."""
    deactivate_before_delete: bool = False
    """Trash refuses an active object (Users, docs/director-api.md §7.14): ``{id}/deactivate`` first."""
    write_hook: Callable[[dict[str, Any]], dict[str, Any]] | None = None
    """A type's irregular write body: the last step of ``to_wire`` (UserGroups nest ``object_permission``)."""
    read_hook: Callable[[dict[str, Any]], dict[str, Any]] | None = None
    """A type's irregular read shape: the first step of ``from_wire``, which undoes what ``write_hook`` did."""
    example: Example | None = None
    """The type's contract case and reference-page example (every registered type declares one: a test checks)."""
    rules: tuple[Rule, ...] = ()
    """Cross-field rules ("X is required when Y", ``conventions/_rules.py``), run by config's validation after
    the model check on every resolved resource of the section."""

    @property
    def write_path(self) -> str:
        """Path of creates (POST) and the prefix of edits (PUT ``{write_path}/{id}``)."""
        return self.write_resource or self.api_resource

    @property
    def listing(self) -> Listing:
        """The kind of the listing hook (``list``, ``fetch``, ``col_apps``), for readers such as the docs."""
        return self.listing_hook.kind

    @property
    def singleton(self) -> Singleton | None:
        """The ``Singleton`` hook of a type with one object per node, saved and never deleted (else None)."""
        return self.listing_hook if isinstance(self.listing_hook, Singleton) else None

    @property
    def fetch_path(self) -> str:
        """The fetch action of a ``Fetched`` listing ("" for other listings)."""
        return self.listing_hook.path if isinstance(self.listing_hook, Fetched) else ""

    def reference(self, path: str) -> Reference | None:
        """The reference declared at ``path``, if any."""
        return next((ref for ref in self.references if ref.path == path), None)
