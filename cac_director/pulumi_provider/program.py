"""The Pulumi program: a resolved instance becomes one dynamic resource per (node, object).

References between managed objects become Pulumi outputs, so the engine orders the work and carries the
ids: every referenced name is replaced by the referenced resource's name output, and where the Director
wants an id the resource also gets the upstream ``id`` output in ``ref_ids``. References to built-in and
vendor objects stay plain names that the provider resolves on the node. A lookup that is also a section
(``users``: an alert rule's owner) is wired like a managed reference when the same node declares the name.
"""

from __future__ import annotations

import copy
import functools
import gc
import json
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pulumi

from cac_director.config import ResolvedInstance, load_instance
from cac_director.constants import CONFIG_NAMESPACE, TYPE_PREFIX
from cac_director.conventions import LOOKUPS, REGISTRY, Reference, ResourceConventions
from cac_director.director.ownership import carries_marker
from cac_director.director.settings import TOKEN_ENV
from cac_director.errors import ConfigError
from cac_director.pulumi_provider import preflight
from cac_director.pulumi_provider._engine_watch import exit_with_engine, stop_quietly_on_interrupt
from cac_director.pulumi_provider._paths import map_path, names_at
from cac_director.pulumi_provider.adoption import Note
from cac_director.pulumi_provider.applied import record as record_applied
from cac_director.pulumi_provider.applied import rollback_target
from cac_director.pulumi_provider.create_journal import journaled_creates
from cac_director.pulumi_provider.pending import is_own_pending, pending_creates
from cac_director.pulumi_provider.resources import RESOURCE_CLASSES
from cac_director.pulumi_provider.stack_settings import INSECURE_WARNING, StackSettings, read_stack_settings

DEFAULT_PROVIDER_PROCESSES = 4
FULL_COLLECTION_EVERY = 1000
"""The program's third garbage-collector threshold: young (generation 1) collections between two full ones."""
# Stack config keys the providers' ``configure()`` reads (``_settings.ProviderSettings.from_config``).
PROVIDER_SETTINGS_KEYS = (
    "token",
    "refreshSecret",
    "caBundle",
    "insecureSkipVerify",
    "orderTimeout",
    "requestTimeout",
    "providerThreads",
    "outageTolerance",
)
PROVIDER_SECRET_KEYS = frozenset({"token", "refreshSecret"})


@dataclass(frozen=True)
class ProgramOptions:
    """Stack-level switches (``cac-director:*`` config)."""

    director_url: str = ""
    adopt_existing: bool = False
    protect: bool = False
    provider_processes: int = DEFAULT_PROVIDER_PROCESSES
    provider_settings: Mapping[str, Any] | None = None
    """``cac-director:<key>`` -> value for the explicit providers; None registers none (default provider)."""
    owner: str = ""
    """``<project>/<stack>``: the ownership marker written into objects that can carry one."""
    pending: Mapping[str, dict[str, Any]] | None = None
    """The state's pending creates (``pending.pending_creates``): proof that a same-name object is ours."""
    adoption: Mapping[str, Note] | None = None
    """With ``adoptExisting``: what the apply will do with same-name objects (``adoption.adoption_notes``)."""
    secrets: Mapping[str, Mapping[str, Any]] | None = None
    """Secret config map name (``userPasswords``) -> key -> value (``_secret_maps``); values become secrets."""


def _node_providers(
    node_names: list[str], options: ProgramOptions, location: Mapping[str, str]
) -> dict[str, pulumi.ProviderResource | None]:
    """Explicit dynamic providers, at most ``provider_processes`` of them, nodes assigned round-robin.

    Every provider instance is its own ``python -m pulumi.dynamic`` process. Each serves ``providerThreads``
    operations at once (``_workers``), so the processes are for CPU (each has its own GIL) and for a
    configuration that carries the fleet's location, not for concurrency; past a few they only cost memory
    (~65 MiB each). A node never spans two providers: its lookups and refresh listings stay in one
    process's cache. Moving a resource to another provider instance of the same package (other node
    order, other ``providerProcesses``) is a no-op for the engine (docs/performance.md).

    ``location`` (the fleet's Director URL and pool) goes into every provider's configuration, so that
    resources carry only their node: every byte of a resource is rewritten at each checkpoint.
    """
    if options.provider_settings is None or options.provider_processes < 1:
        return dict.fromkeys(node_names)
    count = min(options.provider_processes, len(node_names))
    providers = [
        pulumi.ProviderResource("pulumi-python", f"cac-director-{index:02d}", {**options.provider_settings, **location})
        for index in range(count)
    ]
    return {name: providers[index % count] for index, name in enumerate(node_names)}


class _Graph:
    """Resources registered so far, per node and across nodes (search heads reference data-node repos)."""

    def __init__(self) -> None:
        self.on_node: dict[tuple[str, str, str], pulumi.CustomResource] = {}
        self.anywhere: dict[tuple[str, str], list[pulumi.CustomResource]] = {}

    def add(self, node: str, section: str, name: str, resource: pulumi.CustomResource) -> None:
        self.on_node[(node, section, name)] = resource
        self.anywhere.setdefault((section, name), []).append(resource)


def _wire_references(
    node: str, ref: Reference, props: dict[str, Any], graph: _Graph, name_key_of: dict[str, str]
) -> tuple[dict[str, Any], list[pulumi.Resource]]:
    """Turn managed names at ``ref.path`` into outputs; return the ids to pass and extra dependencies."""
    ids: dict[str, Any] = {}
    depends: list[pulumi.Resource] = []
    for name in names_at(props, ref.path):
        upstream = graph.on_node.get((node, ref.target, name))
        if upstream is not None:
            if ref.wire in ("id", "id_csv"):
                ids[name] = upstream.id
        elif ref.target in LOOKUPS:
            continue  # not declared on this node: a console user, resolved on the node by name
        else:
            # Declared on other nodes only (e.g. repos an alert rule on a search head searches): wait for them.
            depends.extend(graph.anywhere.get((ref.target, name), []))

    def to_output(value: Any) -> Any:
        upstream = graph.on_node.get((node, ref.target, value)) if isinstance(value, str) else None
        return getattr(upstream, name_key_of[ref.target]) if upstream is not None else value

    map_path(props, ref.path, to_output)
    return ids, depends


_SINGLETONS = tuple((conv.yaml_section, conv.singleton.name) for conv in REGISTRY if conv.singleton)
"""(section, name) of the one object of each singleton type (SystemSettingsGeneral)."""


def _registration_order(registry: tuple[ResourceConventions, ...]) -> tuple[ResourceConventions, ...]:
    """A node's settings first, then every type after the sections it references, else in REGISTRY order.

    REGISTRY lists a type after the types it references, except where a lookup is also a section: alert rules
    name users (console users or the stack's own), a type appended later. Each step takes the first type, in
    REGISTRY order, whose referenced sections are all registered. The order only decides which resources
    exist when a later one is registered: a new order plans no update or replace of a recorded resource
    (tests/e2e/test_existing_stacks.py replays a stack recorded with the earlier one).
    """
    sections = {conv.yaml_section for conv in registry}
    needs = {
        conv.yaml_section: {ref.target for ref in conv.references if ref.target in sections} - {conv.yaml_section}
        for conv in registry
    }
    order = [conv for conv in registry if conv.singleton]
    left = [conv for conv in registry if not conv.singleton]
    done = {conv.yaml_section for conv in order}
    while left:
        ready = next((conv for conv in left if needs[conv.yaml_section] <= done), left[0])
        order.append(ready)
        done.add(ready.yaml_section)
        left.remove(ready)
    return tuple(order)


_REGISTRATION_ORDER = _registration_order(REGISTRY)


def _settings_of(graph: _Graph, node: str) -> list[pulumi.Resource]:
    """The node's settings registered so far: its other objects may need them first (alert-rule delays need
    ``timestamp_on: log_ts``, docs/director-api.md §7.16), so they wait for them."""
    found = (graph.on_node.get((node, section, name)) for section, name in _SINGLETONS)
    return [res for res in found if res is not None]


def register(
    resolved: ResolvedInstance, options: ProgramOptions, registered: list[pulumi.Resource] | None = None
) -> dict[str, Any]:
    """Register every targeted node's objects; return the per-node summary that the stack exports.

    ``registered``, when given, receives every resource registered.
    """
    url = options.director_url or resolved.fleet.director_url
    name_key_of = {conv.yaml_section: conv.name_key for conv in REGISTRY}
    graph = _Graph()
    summary: dict[str, Any] = {}
    location = {
        f"{CONFIG_NAMESPACE}:directorUrl": url,
        f"{CONFIG_NAMESPACE}:poolUuid": resolved.fleet.pool_uuid,
        # Lets a provider recorded with a since-rotated token ask for the current one (pulumi_provider.stack_token).
        f"{CONFIG_NAMESPACE}:stack": pulumi.get_stack(),
    }
    providers = _node_providers([node.name for node in resolved.nodes.values()], options, location)
    for node in resolved.nodes.values():
        target: dict[str, str] = {"node": node.logpoint_id, "node_name": node.name}
        if providers[node.name] is None:
            # The default provider is configured from the stack config alone, which has no pool.
            target.update({"url": url, "pool": resolved.fleet.pool_uuid})
        counts: dict[str, int] = {}
        for conv in _REGISTRATION_ORDER:
            for obj in node.sections.get(conv.yaml_section, []):
                name = str(obj[conv.name_key])
                props: dict[str, Any] = copy.deepcopy(obj)
                ref_ids: dict[str, Any] = {}
                depends: list[pulumi.Resource] = _settings_of(graph, node.name)
                for ref in conv.references:
                    if ref.target in LOOKUPS and ref.target not in name_key_of:
                        continue
                    ids, extra = _wire_references(node.name, ref, props, graph, name_key_of)
                    if ids:
                        ref_ids[ref.path] = ids
                    depends.extend(extra)
                # Meta keys at their defaults stay out: every byte of a resource is rewritten at each checkpoint.
                props["target"] = target
                logical = f"{node.name}/{name}"
                if options.adopt_existing or is_own_pending(
                    options.pending or {},
                    f"{TYPE_PREFIX}{conv.type_name}::{logical}",
                    name_key=conv.name_key,
                    name=name,
                    node=node.logpoint_id,
                ):
                    props["adopt"] = True
                if ref_ids:
                    props["ref_ids"] = ref_ids
                secret_fields = _add_secrets(conv, props, options.secrets or {})
                if options.owner and carries_marker(conv):
                    props["managed_by"] = options.owner
                resource = RESOURCE_CLASSES[conv.type_name](
                    logical,
                    props,
                    pulumi.ResourceOptions(
                        depends_on=depends or None,
                        # Stack-wide, or from YAML (`protect: true` on the object or its section).
                        protect=options.protect or (conv.yaml_section, name) in resolved.protected,
                        provider=providers[node.name],
                        additional_secret_outputs=secret_fields or None,
                    ),
                )
                note = (options.adoption or {}).get(f"{TYPE_PREFIX}{conv.type_name}::{logical}")
                if note is not None:
                    (pulumi.log.warn if note.severity == "warning" else pulumi.log.info)(note.message, resource)
                graph.add(node.name, conv.yaml_section, name, resource)
                if registered is not None:
                    registered.append(resource)
                counts[conv.yaml_section] = counts.get(conv.yaml_section, 0) + 1
        summary[node.name] = {"role": node.role, "logpointId": node.logpoint_id, "resources": counts}
    return summary


def _add_secrets(
    conv: ResourceConventions, props: dict[str, Any], secrets: Mapping[str, Mapping[str, Any]]
) -> list[str]:
    """Put each secret input of ``conv`` into ``props`` as a Pulumi secret; return the secret field names.

    The output keeps the input's key, so the engine re-marks it secret; ``additional_secret_outputs`` says it
    again, so that no SDK change can write it in plain text (docs/secrets.md).
    """
    fields: list[str] = []
    for secret in conv.secret_inputs:
        key = props.get(secret.from_field)
        value = secrets.get(secret.config_map, {}).get(str(key)) if key else None
        if value is not None:
            props[secret.field] = pulumi.Output.secret(str(value))
            fields.append(secret.field)
    return fields


def missing_secrets(resolved: ResolvedInstance, secrets: Mapping[str, Mapping[str, Any]]) -> list[str]:
    """One line per object whose secret key is not in the stack's secret config map, with the command to run."""
    lines: list[str] = []
    for conv in REGISTRY:
        for secret in conv.secret_inputs:
            for obj in resolved.sections.get(conv.yaml_section, []):
                key = obj.get(secret.from_field)
                if not key or str(key) in secrets.get(secret.config_map, {}):
                    continue
                setting = f"{CONFIG_NAMESPACE}:{secret.config_map}"
                lines.append(
                    f"{resolved.path}: {conv.yaml_section}[{obj.get(conv.name_key)}].{secret.from_field}: key "
                    f"'{key}' is not in the stack's secret config {setting}; run "
                    f"`pulumi config set --secret --path '{setting}.{key}' <value>`"
                )
    return lines


def _secret_maps(config: pulumi.Config) -> dict[str, dict[str, Any]]:
    """The secret config maps the types name (``cac-director:userPasswords``), decrypted, in memory only.

    Whatever the stack file holds, the values become secrets in state; a map stored in plain text gets a warning
    (its values sit unencrypted in the stack file), like a plain ``cac-director:token``.
    """
    maps: dict[str, dict[str, Any]] = {}
    bad: list[str] = []
    for name in sorted({secret.config_map for conv in REGISTRY for secret in conv.secret_inputs}):
        full = f"{CONFIG_NAMESPACE}:{name}"
        how = f"`pulumi config set --secret --path '{full}.<key>' <value>`"
        raw = pulumi.runtime.get_config(full)
        if raw is None:
            continue
        try:
            value = json.loads(raw)
        except ValueError:
            value = None
        if not isinstance(value, dict):
            bad.append(f"{full} must be a map of key -> value: remove it (`pulumi config rm {full}`) and set {how}")
            continue
        if not pulumi.runtime.is_config_secret(full):
            pulumi.log.warn(f"{full} is stored in plain text in the stack file: set each entry with {how}")
        maps[name] = value
    if bad:
        raise pulumi.RunError("\n".join(bad))
    return maps


def _instance_path(configured: str, project_dir: Path) -> Path:
    path = Path(configured)
    # Relative to the project directory (where Pulumi.yaml is; a local program's working directory).
    return path if path.is_absolute() else project_dir / path


@dataclass(frozen=True)
class Preloaded:
    """An instance the caller has already resolved and validated (``cac-director fleet`` discovery)."""

    instance_file: Path
    """Absolute path of the instance file it was resolved from."""
    resolved: ResolvedInstance


def _provider_settings(config: pulumi.Config) -> dict[str, Any]:
    """What an explicit provider's ``configure()`` receives: the same ``cac-director:*`` keys the default
    provider would get from the stack config, secrets kept as secret outputs (encrypted in state)."""
    settings: dict[str, Any] = {}
    for key in PROVIDER_SETTINGS_KEYS:
        value = config.get_secret(key) if key in PROVIDER_SECRET_KEYS else config.get(key)
        if value is not None:
            settings[f"{CONFIG_NAMESPACE}:{key}"] = value
    return settings


def _checked_settings(config: pulumi.Config, project_dir: Path) -> StackSettings:
    """Every stack setting checked before anything else happens; one ``RunError`` listing each problem."""
    settings, problems = read_stack_settings(config.get, base=project_dir)
    lines = [problem.render() for problem in problems]
    if not config.get("instance"):
        lines.insert(
            0,
            "no instance configured for this stack: run `pulumi config set cac-director:instance "
            "fleets/<customer>/<env>/instance.yaml`",
        )
    # DIRECTOR_TOKEN, when set, wins over cac-director:token in the providers: it gets the same rule.
    from_env = os.environ.get(TOKEN_ENV)
    env_problems = read_stack_settings({"token": from_env}.get)[1] if from_env else []
    if env_problems:
        lines.append(f"the environment variable {TOKEN_ENV} " + env_problems[0].message + ": export it again")
    elif not from_env and config.get("token") is None:
        lines.append(
            "no Director token: export DIRECTOR_TOKEN=<token>, or store it encrypted in the stack with "
            "`pulumi config set --secret cac-director:token <token>`"
        )
    if lines:
        # Nothing is registered and no Director is called: the preview stops with these lines.
        raise pulumi.RunError("\n".join(lines))
    if settings.insecure_skip_verify:
        pulumi.log.warn(INSECURE_WARNING)
    return settings


def _skip_pydantic_plugins() -> None:
    # pydantic looks for plugins in the entry points of every installed distribution when it builds the
    # first model (~40 ms of CPU per program); this process validates with our models only and has none.
    # A value the user set is kept.
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")


def _fewer_full_collections() -> None:
    # A full collection walks every object the collector tracks, and the SDK keeps a few hundred per registered
    # resource alive until the program ends (each input's output, its task and future): with Python's default
    # thresholds a no-op preview of 501 objects ran 6-9 full collections of up to ~230,000 objects, ~1 s of
    # the program's ~3-4 s of CPU, and an `up` from empty 25-30 (docs/performance.md "CPU per object"). The young
    # generations, which collect the program's short-lived cycles, keep their thresholds: they collected
    # as many objects (~110,000) with the change as without it, and the peak RSS did not grow.
    young, middle, full = gc.get_threshold()
    gc.set_threshold(young, middle, max(full, FULL_COLLECTION_EVERY))


def run() -> None:
    """Entry point of ``__main__.py``: check stack config, resolve and validate, register, export."""
    _skip_pydantic_plugins()
    # This process only: an inline program (`inline_program`) leaves its host process's collector alone.
    _fewer_full_collections()
    exit_with_engine()
    stop_quietly_on_interrupt()
    program(Path(os.getcwd()))


def inline_program(project_dir: Path, preloaded: Preloaded | None = None) -> Callable[[], None]:
    """The program as an Automation API inline program, run in the caller's process (``cac-director fleet``).

    Everything per stack comes from the engine (config, secrets, project and stack name: contextvars of the
    run), so several of them may run at once in threads. Left out on purpose: the engine watch and the
    SIGINT handler, which would end or take over the caller's process.
    """
    return functools.partial(program, project_dir, preloaded)


def _resolve(instance: Path, settings: StackSettings, preloaded: Preloaded | None) -> ResolvedInstance:
    # `cac-director rollback` hands over the configuration the last successful apply recorded.
    recorded = rollback_target()
    if recorded is not None:
        return recorded
    if preloaded is not None and not settings.templates and _same_file(preloaded.instance_file, instance):
        # Resolved and validated by the caller from the same file with the same (default) templates root.
        return preloaded.resolved
    templates = Path(settings.templates) if settings.templates else None
    return load_instance(instance, templates)


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve()
    except OSError:
        return False


def program(project_dir: Path, preloaded: Preloaded | None = None) -> None:
    """Check stack config, resolve and validate (or take ``preloaded``), register, export."""
    config = pulumi.Config(CONFIG_NAMESPACE)
    settings = _checked_settings(config, project_dir)
    instance = str(config.get("instance"))
    try:
        resolved = _resolve(_instance_path(instance, project_dir), settings, preloaded)
    except ConfigError as exc:
        # Nothing is registered: the preview stops with the validation report and no resource changes.
        raise pulumi.RunError(str(exc)) from None
    for warning in resolved.warnings:
        pulumi.log.warn(warning.render())
    secrets = _secret_maps(config)
    missing = missing_secrets(resolved, secrets)
    if missing:
        # Before any Director call: the preview stops with the file, the path and the command to run.
        raise pulumi.RunError("\n".join(missing))
    url = settings.director_url or resolved.fleet.director_url
    preflight.check_director(config, resolved, url)
    owner = f"{pulumi.get_project()}/{pulumi.get_stack()}"
    options = ProgramOptions(
        director_url=settings.director_url or "",
        adopt_existing=settings.adopt_existing,
        protect=settings.protect,
        provider_processes=settings.provider_processes,
        provider_settings=_provider_settings(config),
        owner=owner,
        # Skipped checkpoints (fast mode) leave no pending creates: the providers' create journal stands in.
        pending={**journaled_creates(project_dir), **pending_creates(project_dir)},
        adoption=preflight.adoption(config, resolved, url, owner, project_dir) if settings.adopt_existing else None,
        secrets=secrets,
    )
    registered: list[pulumi.Resource] = []
    summary = register(resolved, options, registered)
    pulumi.export("instance", resolved.name)
    pulumi.export("director", url)
    # Like `applied`, the counts resolve only once every object has an id: a failed apply must not report
    # the declared counts as if they had been applied (the engine keeps the previous value instead).
    ids = [r.id for r in registered if isinstance(r, pulumi.CustomResource)]
    pulumi.export("nodes", pulumi.Output.all(*ids).apply(lambda _: summary))
    record_applied(resolved, url, registered, project_dir)
