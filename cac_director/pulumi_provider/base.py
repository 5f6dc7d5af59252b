"""The generic dynamic provider: check/diff/create/read/update/delete of one Director resource type.

Each concrete provider (``providers.py``) only names its conventions entry. Resource inputs are the
object in model shape (docs/architecture.md) plus three meta keys:

- ``target``: the node the object lives on, ``{"node", "node_name"}``; a node change replaces. The
  Director address and pool are connection settings of the provider (``directorUrl``/``poolUuid`` in its
  configuration, set by the program), like a Terraform provider block: changing them changes no object.
  Resources of the single default provider (``providerProcesses: 0``), and stacks written by 0.1, also
  carry ``url`` and ``pool`` in ``target``; the provider's own settings win where both exist.
- ``adopt``: take over a same-name object at create time instead of failing (``cac-director:adoptExisting``);
  absent means false.
- ``managed_by`` (marker-carrying types only): ``<project>/<stack>``, written as the ownership marker into the
  object's description (docs/reliability.md "Ownership") and read back into the outputs.
- ``ref_ids`` (absent when empty): ids of the *managed* objects this one references where the Director wants ids
  by path and name (``{"routing_policy": {"rp-linux": <id>}, "devicegroup[]": {"dg-web": <id>, ...}}``), fed
  from the upstream resources' ``id`` outputs. They order the work, spare a lookup, and change (so update the
  object) when an upstream object is replaced. Built-in and vendor objects are resolved on the node by name.

Outputs are the *live* object in model shape plus ``target`` and ``ref_ids`` (the ids the live object
points at), so ``diff`` (which receives old outputs) compares desired with what the Director last
reported, and refresh detects drift for free.
"""

from __future__ import annotations

import dataclasses
import functools
import os
import time
from collections.abc import Callable
from typing import Any, ClassVar, TypeVar

from pulumi.dynamic import (
    CheckFailure,
    CheckResult,
    ConfigureRequest,
    CreateResult,
    ReadResult,
    ResourceProvider,
    UpdateResult,
)
from pulumi.output import Unknown

from cac_director.conventions import ResourceConventions, object_id
from cac_director.director import ClientSettings, DirectorClient, NodeResolver, mapping, ownership, runtime
from cac_director.director.connection_check import CheckedOnce, ConnectionCheckFailed
from cac_director.director.settings import TOKEN_ENV
from cac_director.errors import (
    AuthenticationFailed,
    CacDirectorError,
    CreateUnconfirmed,
    DirectorError,
    NotFound,
    OrderFailed,
)
from cac_director.pulumi_provider import _detailed_diff, _one_line_errors, create_journal
from cac_director.pulumi_provider._detailed_diff import DetailedDiffResult
from cac_director.pulumi_provider._engine_watch import exit_with_engine
from cac_director.pulumi_provider._one_report import first_in_operation
from cac_director.pulumi_provider._paths import names_at
from cac_director.pulumi_provider._settings import NAMESPACE, ProviderSettings
from cac_director.pulumi_provider._workers import widen_current_pool
from cac_director.pulumi_provider.diff_detail import detailed_diff, re_pointed
from cac_director.pulumi_provider.stack_token import current_token

META_KEYS = ("target", "adopt", "ref_ids", "managed_by")
_RECOVERY_POLL_SECONDS = 0.5
_RECOVERY_POLL_MAX_SECONDS = 5.0
PROVIDER_KEY = "__provider"

_F = TypeVar("_F", bound=Callable[..., Any])

# A wrong token or pool fails every resource the same way: check each connection once per process.
_connection_checks = CheckedOnce()


def _clean_errors(verb: str) -> Callable[[_F], _F]:
    """Re-raise our own errors from a shallow frame, saying what was being done and where.

    The engine prints the whole traceback it receives; a user needs the operation, the object, the node
    and the Director's message, not our call stack.
    """

    def decorate(method: _F) -> _F:
        @functools.wraps(method)
        def wrapper(self: DirectorProvider, *args: Any) -> Any:
            try:
                return method(self, *args)
            except CacDirectorError as exc:
                props = args[-1] if args and isinstance(args[-1], dict) else {}
                node = (props.get("target") or {}).get("node_name") or "?"
                context = f"{verb} {self.conventions.type_name} '{props.get(self._name_key, '?')}' on node {node}"
                message = str(exc)
                raise DirectorError(message if message.startswith(verb) else f"{context}: {message}") from None

        return wrapper  # type: ignore[return-value]

    return decorate


def _has_unknown(value: Any) -> bool:
    if isinstance(value, Unknown):
        return True
    if isinstance(value, dict):
        return any(_has_unknown(v) for v in value.values())
    if isinstance(value, list):
        return any(_has_unknown(v) for v in value)
    return False


def _coerce_numbers(value: Any) -> Any:
    """Numbers cross the engine as floats (protobuf Struct); the Director wants ints where they are whole."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dict):
        return {k: _coerce_numbers(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_coerce_numbers(v) for v in value]
    return value


class DirectorProvider(ResourceProvider):
    """Dynamic provider for the resource type named by ``conventions``.

    Instances carry no pickled state (``__getstate__`` is empty and the class is pickled by reference):
    the token and connection settings arrive through ``configure`` in the provider process only.
    """

    conventions: ClassVar[ResourceConventions]
    serialize_as_secret_always = False

    def __init__(self) -> None:
        self._settings = ProviderSettings()

    def __getstate__(self) -> dict[str, Any]:
        return {}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self._settings = ProviderSettings()

    def configure(self, req: ConfigureRequest) -> None:
        _one_line_errors.install()
        _detailed_diff.install()
        exit_with_engine()
        self._settings = ProviderSettings.from_config(lambda key: req.config.get(f"{NAMESPACE}:{key}"))
        # The SDK runs configure in one of the provider process's gRPC worker threads (4 by default).
        widen_current_pool(self._settings.threads)

    # -- helpers ---------------------------------------------------------------------------------------

    @property
    def _name_key(self) -> str:
        return self.conventions.name_key

    @staticmethod
    def _model(props: dict[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in props.items() if k not in META_KEYS and k != PROVIDER_KEY}

    def _client_settings(self, target: dict[str, Any]) -> ClientSettings:
        url, pool = self._location(target)
        return self._settings.client_settings(str(url), str(pool))

    def _connect(self, props: dict[str, Any]) -> tuple[DirectorClient, NodeResolver]:
        node = self._node(props)
        return node.client, node.resolver

    def _node(self, props: dict[str, Any]) -> runtime.Node:
        """The process's client, resolver and listings of the target node, the connection checked once."""
        target = props["target"]
        settings = self._checked(self._client_settings(target))
        node = runtime.current().node(settings, str(target["node"]), str(target.get("node_name") or ""))
        self._seed(node.resolver, props)
        return node

    def _checked(self, settings: ClientSettings) -> ClientSettings:
        """``settings``, or the same with the stack config's current token if only that one is accepted."""
        try:
            _connection_checks.ensure(settings)
            return settings
        except ConnectionCheckFailed as exc:
            # A recorded provider still holds the token of the last `up`; DIRECTOR_TOKEN, when set, is the
            # user's choice and is not second-guessed.
            if not exc.refused or not self._settings.stack or os.environ.get(TOKEN_ENV):
                raise
            current = current_token(self._settings.stack)
            if current is None or current == settings.token:
                raise
        rotated = dataclasses.replace(settings, token=current)
        _connection_checks.ensure(rotated)
        return rotated

    def _location(self, target: dict[str, Any]) -> tuple[str | None, str | None]:
        """(Director URL, pool) for a target: the provider's settings, else what the resource carries."""
        return (
            self._settings.director_url or target.get("url") or None,
            self._settings.pool_uuid or target.get("pool") or None,
        )

    def _seed(self, resolver: NodeResolver, props: dict[str, Any]) -> None:
        """Teach the resolver the ids the engine handed us, so that names resolve without a lookup."""
        for path, ids in (props.get("ref_ids") or {}).items():
            ref = self.conventions.reference(path)
            if ref is None or not isinstance(ids, dict):
                continue
            for name, obj_id in ids.items():
                if isinstance(obj_id, str) and obj_id:
                    resolver.seed(ref.target, name, obj_id)

    def _live_ref_ids(self, props: dict[str, Any], live: dict[str, Any], resolver: NodeResolver) -> dict[str, Any]:
        """``{path: {name: id}}`` as the live object has it, for the names the program passes ids for."""
        result: dict[str, Any] = {}
        for path, desired in (props.get("ref_ids") or {}).items():
            ref = self.conventions.reference(path)
            if ref is None or not isinstance(desired, dict):
                continue
            live_names = set(names_at(live, path))
            ids: dict[str, str | None] = {}
            for name in desired:
                if name not in live_names:
                    continue
                try:
                    ids[name] = resolver.id_of(ref.target, name)
                except CacDirectorError:
                    # The live object points at something that no longer exists: show it as a change.
                    ids[name] = None
            result[path] = ids
        return result

    def _live_model(self, props: dict[str, Any], live_obj: dict[str, Any], resolver: NodeResolver) -> dict[str, Any]:
        """The live object in model shape; write-only fields it lacks keep the value in ``props``."""
        live = mapping.from_wire(self.conventions, live_obj, resolver)
        if self.conventions.singleton:
            # Managed fields only: the fields the configuration does not set are not this stack's.
            live = {k: v for k, v in live.items() if k in props}
        for field in (*self.conventions.write_only_fields, *self.conventions.follow_up_fields):
            if field not in live_obj and field in props:
                live[field] = props[field]
        return live

    def _follow_up(
        self, client: DirectorClient, id_: str, props: dict[str, Any], recorded: dict[str, Any], name: str
    ) -> None:
        """Send the actions that carry the follow-up fields (``conv.follow_ups``) the recorded state lacks."""
        conv = self.conventions
        if conv.follow_ups is None:
            return
        for segment, data in conv.follow_ups(self._model(props), self._model(recorded)):
            client.action(conv, id_, segment, name=name, data=data)

    def _follow_up_created(
        self,
        client: DirectorClient,
        obj_id: str,
        props: dict[str, Any],
        name: str,
        journal: create_journal.CreateRecord,
    ) -> None:
        """Follow-ups of a new object; if one fails, the object goes again, so a create stays all or nothing
        (the engine records no failed create, and the next run would find an unmanaged same-name object)."""
        try:
            self._follow_up(client, obj_id, props, {}, name)
        except CacDirectorError:
            try:
                client.delete(self.conventions, obj_id, name=name)
            except CacDirectorError as exc:
                journal.created(obj_id)
                raise DirectorError(
                    f"{self.conventions.type_name} '{name}' was created on node {client.node_name} but its settings "
                    f"could not be sent, and removing it again failed too ({exc}); the next `pulumi up` takes it "
                    "back and sends them"
                ) from None
            journal.withdrawn()
            raise

    def outputs_for(self, props: dict[str, Any], live_obj: dict[str, Any], resolver: NodeResolver) -> dict[str, Any]:
        """What the stack records for the wire read object ``live_obj`` when ``props`` are its inputs: the
        outputs of a create, update or refresh (also the live side of an adoption's plan, ``adoption.py``)."""
        live = self._live_model(props, live_obj, resolver)
        for field in self.conventions.owned_when_set:
            if field not in props:
                live.pop(field, None)
        outs = {**live, "target": props["target"]}
        if ownership.carries_marker(self.conventions):
            owner = ownership.owner_of(live_obj.get(ownership.MARKER_FIELD))
            if owner:
                outs["managed_by"] = owner
        if props.get("ref_ids"):
            outs["ref_ids"] = self._live_ref_ids(props, live, resolver)
        return outs

    def _write_body(self, props: dict[str, Any], resolver: NodeResolver) -> dict[str, Any]:
        model = self._model(props)
        if props.get("managed_by") and ownership.carries_marker(self.conventions):
            field = ownership.MARKER_FIELD
            model[field] = ownership.mark(model.get(field), str(props["managed_by"]))
        return mapping.to_wire(self.conventions, model, resolver)

    # -- the provider interface -------------------------------------------------------------------------

    def check(self, _olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        """Offline checks only (check runs in every preview): required fields, built-ins, the target."""
        conv = self.conventions
        props = _coerce_numbers(news)
        failures: list[CheckFailure] = []
        name = props.get(self._name_key)
        if not isinstance(name, Unknown):
            if not isinstance(name, str) or not name:
                failures.append(CheckFailure(self._name_key, f"{conv.type_name} needs a non-empty '{self._name_key}'"))
            elif name in conv.builtins:
                failures.append(
                    CheckFailure(
                        self._name_key,
                        f"'{name}' is a built-in {conv.type_name}: built-ins are never created, changed or deleted",
                    )
                )
        for field in conv.required_fields:
            value = props.get(field)
            if not _has_unknown(value) and (value is None or value == []):
                failures.append(CheckFailure(field, f"{conv.type_name} '{name}' needs '{field}'"))
        target = props.get("target")
        if not _has_unknown(target):
            url, pool = self._location(target or {})
            found = {"url": url, "pool": pool, "node": (target or {}).get("node")}
            missing = [k for k, v in found.items() if not v]
            if missing:
                failures.append(CheckFailure("target", f"the target is missing {', '.join(missing)}"))
        return CheckResult(props, failures)

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DetailedDiffResult:
        conv = self.conventions
        changed: set[str] = set()
        desired_model, current_model = self._model(news), self._model(olds)
        unknown_keys = {k for k, v in desired_model.items() if _has_unknown(v)}
        changed |= unknown_keys
        desired = mapping.normalize(conv, {k: v for k, v in desired_model.items() if k not in unknown_keys})
        current = mapping.normalize(conv, {k: v for k, v in current_model.items() if k not in unknown_keys})
        changed |= {k for k in desired.keys() | current.keys() if desired.get(k) != current.get(k)}
        new_refs, old_refs = news.get("ref_ids") or {}, olds.get("ref_ids") or {}
        if _has_unknown(new_refs) or _coerce_numbers(new_refs) != old_refs:
            changed.add("ref_ids")
        if (
            ownership.carries_marker(conv)
            and news.get("managed_by")
            and news.get("managed_by") != olds.get("managed_by")
        ):
            # Stacks written before 0.3 have no marker yet: their first update adds it (an edit, never a replace).
            changed.add("managed_by")
        replaces = sorted(k for k in changed if k in conv.immutable_fields)
        new_target, old_target = news.get("target") or {}, olds.get("target") or {}
        if _has_unknown(new_target) or new_target.get("node") != old_target.get("node"):
            changed.add("target")
            replaces.append("target")
        fields = changed - set(META_KEYS)
        detailed = detailed_diff(
            conv,
            old_model=current_model,
            new_model=desired_model,
            norm_old=current,
            norm_new=desired,
            changed=fields,
            replaces=set(replaces),
            unknown=unknown_keys,
        )
        if "ref_ids" in changed:
            for field, paths in re_pointed(current_model, desired_model, old_refs, news.get("ref_ids")).items():
                if field not in fields:  # a field that changes itself shows that change
                    detailed.update(paths)
                    fields.add(field)
        if "target" in replaces:
            # The one meta input shown: without it a move to another node id would show no reason to replace.
            detailed["target.node"] = "UPDATE_REPLACE"
        # Names are unique on a node, so the old object must go before its replacement can be created.
        return DetailedDiffResult(
            changes=bool(changed),
            replaces=replaces,
            delete_before_replace=True,
            diffs=sorted(fields),
            detailed=detailed,
        )

    @_clean_errors("creating")
    def create(self, props: dict[str, Any]) -> CreateResult:
        conv = self.conventions
        client, resolver = self._connect(props)
        name = str(props[self._name_key])
        existing_id = client.lookup_table(conv).get(name)
        if existing_id:
            return self._take_over(client, resolver, props, existing_id)
        body = self._write_body(props, resolver)
        journal = create_journal.for_create(conv.type_name, self._name_key, props)
        journal.sending()
        try:
            obj_id, live = client.create(conv, body, name=name)
        except OrderFailed:
            # A same-name object that appeared since the listing (an interrupted earlier apply of this stack,
            # another tool, a console user) is the likeliest cause: decide on it as if it had been listed.
            existing_id = client.lookup_table(conv, refresh=True).get(name)
            if not existing_id:
                journal.withdrawn()
                raise
            try:
                taken = self._take_over(client, resolver, props, existing_id)
            except CacDirectorError:
                journal.withdrawn()  # not this stack's object
                raise
            journal.created(existing_id)
            return taken
        except CreateUnconfirmed as exc:
            # The Director accepted the create and may apply it later: a create that fails is not recorded
            # in state, so the object is looked for until the deadline and recorded as soon as it shows.
            found = self._recover_create(client, name)
            if found is None:
                raise DirectorError(self._unconfirmed_message(client, name, exc)) from None
            obj_id, live = found
        except CacDirectorError:
            journal.withdrawn()  # refused before it was taken (400, 401/403 on the POST): nothing was created
            raise
        if conv.follow_ups is not None:
            self._follow_up_created(client, obj_id, props, name, journal)
        journal.created(obj_id)
        return CreateResult(obj_id, self.outputs_for(props, live, resolver))

    def _take_over(
        self, client: DirectorClient, resolver: NodeResolver, props: dict[str, Any], existing_id: str
    ) -> CreateResult:
        """Record a same-name object that already exists, when this stack may; refuse, naming why, otherwise."""
        conv = self.conventions
        name = str(props[self._name_key])
        live = client.get(conv, existing_id)
        me = props.get("managed_by")
        owner = ownership.owner_of(live.get(ownership.MARKER_FIELD)) if ownership.carries_marker(conv) else None
        if owner and owner != me:
            raise DirectorError(
                f"{conv.type_name} '{name}' on node {client.node_name} is managed by stack '{owner}' "
                f"(its ownership marker says so); this stack will not take it over, even with adoptExisting. "
                "Rename it in this configuration, or remove it from the other stack first."
            )
        if not (owner or props.get("adopt") or conv.singleton):
            raise DirectorError(self._exists_message(client, name))
        # Compared as the plan compares it (the outputs it would record): what the adoption note said is done.
        current = mapping.normalize(conv, self._model(self.outputs_for(props, live, resolver)))
        if current != mapping.normalize(conv, self._model(props)) or (me and owner != me):
            # Taking over an object means it now follows the configuration (and carries this stack's marker).
            live = client.update(conv, existing_id, self._write_body(props, resolver), name=name)
        # What an object taken over was last sent is unknown (nothing reads it back): send every follow-up.
        self._follow_up(client, existing_id, props, {}, name)
        return CreateResult(existing_id, self.outputs_for(props, live, resolver))

    def _recover_create(self, client: DirectorClient, name: str) -> tuple[str, dict[str, Any]] | None:
        """Look for ``name`` until ``orderTimeout`` has passed; None if it has not appeared by then.

        Outages are ridden through; a refused token ends the search at once (nothing more can be learnt).
        """
        conv = self.conventions
        deadline = time.monotonic() + self._settings.order_timeout
        wait = _RECOVERY_POLL_SECONDS
        while True:
            try:
                obj_id = client.lookup_table(conv, refresh=True).get(name)
                if obj_id:
                    return obj_id, client.get(conv, obj_id)
            except AuthenticationFailed:
                return None
            except DirectorError:
                pass
            if time.monotonic() + wait > deadline:
                return None
            time.sleep(wait)
            wait = min(_RECOVERY_POLL_MAX_SECONDS, wait * 1.5)

    def _unconfirmed_message(self, client: DirectorClient, name: str, exc: Exception) -> str:
        conv = self.conventions
        proof = (
            "it carries this stack's ownership marker"
            if ownership.carries_marker(conv)
            else "the engine keeps this create as a pending operation of the stack"
        )
        return (
            f"{exc}. The Director accepted the request, so {conv.type_name} '{name}' may still appear on node "
            f"{client.node_name} (it was not seen within cac-director:orderTimeout = "
            f"{self._settings.order_timeout:g}s). Nothing to clean up by hand: the next `pulumi up` records it "
            f"if it exists ({proof}) and creates it otherwise."
        )

    def _exists_message(self, client: DirectorClient, name: str) -> str:
        conv = self.conventions
        return (
            f"{conv.type_name} '{name}' already exists on node {client.node_name} and is not managed by this stack. "
            "To take it over (its settings become the configured ones), run "
            "`pulumi config set cac-director:adoptExisting true` and apply again; or rename it in the configuration."
        )

    def _clearing(self, olds: dict[str, Any], news: dict[str, Any]) -> dict[str, Any]:
        """``news`` plus explicit empty values for owned fields it dropped but the live object still has.

        Director edits merge into the stored object, so a field removed from the configuration would
        otherwise stay on the node and show up as a change on every run.
        """
        props = dict(news)
        if self.conventions.singleton:
            return props  # a field dropped from the configuration is no longer managed: it keeps its value
        for field in self.conventions.writable_fields:
            if field in props or olds.get(field) in (None, "", [], {}):
                continue
            if field in self.conventions.defaults:
                props[field] = self.conventions.defaults[field]
            elif isinstance(olds[field], list):
                props[field] = []
            elif isinstance(olds[field], str):
                props[field] = ""
        return props

    @_clean_errors("updating")
    def update(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        client, resolver = self._connect(news)
        body = self._write_body(self._clearing(olds, news), resolver)
        name = str(news[self._name_key])
        live = client.update(self.conventions, id_, body, name=name)
        for secret in self.conventions.secret_inputs:
            # Write-only (the Director never returns it): the old outputs hold the value last applied.
            if news.get(secret.field) is not None and news.get(secret.field) != olds.get(secret.field):
                client.action(
                    self.conventions, id_, secret.change_action, name=name, data={secret.change_key: news[secret.field]}
                )
        self._follow_up(client, id_, news, olds, name)
        return UpdateResult(self.outputs_for(news, live, resolver))

    @_clean_errors("deleting")
    def delete(self, id_: str, props: dict[str, Any]) -> None:
        name = str(props.get(self._name_key) or "")
        if name in self.conventions.builtins:
            return
        node = self._node(props)
        node.client.delete(self.conventions, id_, name=name)
        node.listings.pop(self.conventions.type_name)

    @_clean_errors("reading")
    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        if not props.get("target"):
            # `pulumi import` sends no state (docs/pulumi-sdk-notes.md §5): adoption is the supported way.
            raise DirectorError(
                "importing is not supported for cac-director resources; "
                "use `pulumi config set cac-director:adoptExisting true` and `pulumi up` instead"
            )
        try:
            node = self._node(props)
        except ConnectionCheckFailed:
            recorded = self._client_settings(props["target"])
            if _connection_checks.first_report(recorded) and first_in_operation(recorded.url, recorded.pool_uuid):
                raise
            # Another object of this or another provider process of this operation reported it and fails the
            # operation: one line, not one per object or per process.
            # Keeping the recorded state is what an operation that reads nothing would do.
            return ReadResult(id_, props)
        live = self._read_one(node, id_)
        if live is None:
            # Deleted out of band: a blank id tells the engine to drop it from state; the next `up` recreates it.
            return ReadResult(None, {})
        return ReadResult(id_, self.outputs_for(props, live, node.resolver))

    def _read_one(self, node: runtime.Node, id_: str) -> dict[str, Any] | None:
        """One list per collection per node for a whole refresh, then answers from it; a miss is checked by id."""
        conv = self.conventions
        client = node.client
        # shared: types of one collection (static and dynamic lists) read one listing of it.
        table = node.listings.get(
            conv.type_name, lambda: {object_id(obj): obj for obj in client.list(conv, shared=True)}
        )
        if id_ in table:
            return table[id_]
        try:
            return client.get(conv, id_)
        except NotFound:
            return None
