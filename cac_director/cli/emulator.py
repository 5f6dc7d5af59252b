"""``cac-director emulator``: run the Director API emulator until interrupted."""

from __future__ import annotations

import ipaddress
import os
from pathlib import Path
from typing import Annotated

import typer

from cac_director.emulator import Emulator, EmulatorConfig, NodeSpec, PoolSpec
from cac_director.emulator.config import DEFAULT_TOKEN
from cac_director.emulator.tls import TLSFiles
from cac_director.errors import EmulatorError

DEMO_POOL = "a9fa7661c4f84b278b136e94a86b4ea2"
DEMO_NODE = "01925abf82fe0db0a75c190c4316b8a6"
TOKEN_ENV = "CAC_DIRECTOR_EMULATOR_TOKEN"  # noqa: S105 - the name of a variable, not a secret
REFRESH_SECRET_ENV = "CAC_DIRECTOR_EMULATOR_REFRESH_SECRET"  # noqa: S105 - the name of a variable


def register(app: typer.Typer) -> None:
    app.command("emulator", help="Run the LogPoint Director API emulator (docs/emulator.md).")(emulator)


def emulator(  # noqa: PLR0917 - one parameter per command-line option
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=0, max=65535, help="Port to listen on (0 = any free port).")] = 8443,
    state: Annotated[Path | None, typer.Option(help="Persist state to this JSON file (atomic writes).")] = None,
    fleet: Annotated[list[Path] | None, typer.Option(help="Fleet file giving pools and nodes (repeatable).")] = None,
    node: Annotated[
        list[str] | None,
        typer.Option(help="A node as POOL_UUID/NODE_ID[/NAME[/IP]] (repeatable; used with or instead of --fleet)."),
    ] = None,
    token: Annotated[
        str | None, typer.Option(help=f"Bearer token to accept (default: ${TOKEN_ENV} or 'emulator-token').")
    ] = None,
    refresh_secret: Annotated[
        str | None,
        typer.Option(
            help=f"secretKey POST /refreshToken accepts (default: ${REFRESH_SECRET_ENV}; unset: refresh off)."
        ),
    ] = None,
    order_delay: Annotated[float, typer.Option(help="Seconds until an order completes.")] = 0.0,
    documented_monitor_path: Annotated[
        bool, typer.Option(help="Answer '/monitorapi/...' (documented) instead of 'monitorapi/...' (wire).")
    ] = False,
    sync_errors: Annotated[
        bool, typer.Option(help="Report semantic errors as synchronous 400s instead of failed orders.")
    ] = False,
    replace_on_put: Annotated[
        bool, typer.Option(help="Edits replace the object (write fields not sent are reset) instead of merging.")
    ] = False,
    return_compiled_normalizer: Annotated[
        bool, typer.Option(help="NormalizationPolicy reads include compiled_normalizer (undocumented).")
    ] = False,
    seed: Annotated[int, typer.Option(help="Seed of the fault RNG.")] = 0,
    latency: Annotated[float, typer.Option(help="Seconds added to every request.")] = 0.0,
    error_rate: Annotated[float, typer.Option(help="Share of requests answered with --error-status.")] = 0.0,
    error_status: Annotated[int, typer.Option(help="Status of injected errors (e.g. 503, 429).")] = 503,
    retry_after: Annotated[float | None, typer.Option(help="Retry-After seconds on injected errors.")] = None,
    drop_rate: Annotated[float, typer.Option(help="Share of connections dropped without an answer.")] = 0.0,
    fail_orders: Annotated[float, typer.Option(help="Share of orders that finish with success=false.")] = 0.0,
    stuck_orders: Annotated[float, typer.Option(help="Share of orders that never finish.")] = 0.0,
    list_lag: Annotated[float, typer.Option(help="Seconds lists lag behind completed writes.")] = 0.0,
    tls_cert: Annotated[
        Path | None, typer.Option(help="Serve HTTPS with this PEM certificate (chain); see --tls-key.")
    ] = None,
    tls_key: Annotated[
        Path | None, typer.Option(help="Private key (PEM) of --tls-cert (default: in the --tls-cert file).")
    ] = None,
) -> None:
    explicit = token or os.environ.get(TOKEN_ENV) or None
    accepted = explicit or DEFAULT_TOKEN
    try:
        warning = bind_warning(host, explicit)
    except EmulatorError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from None
    if warning:
        typer.echo(f"warning: {warning}", err=True)
    if tls_key is not None and tls_cert is None:
        typer.echo("error: --tls-key needs --tls-cert (the certificate it belongs to)", err=True)
        raise typer.Exit(2)
    tls = TLSFiles(tls_cert, tls_key) if tls_cert is not None else None
    options = {
        "token": accepted,
        "refresh_secret": refresh_secret or os.environ.get(REFRESH_SECRET_ENV) or None,
        "order_delay": order_delay,
        "monitor_leading_slash": documented_monitor_path,
        "seed": seed,
        "semantic_errors": "sync" if sync_errors else "order",
        "put_semantics": "replace" if replace_on_put else "merge",
        "returns_compiled_normalizer": return_compiled_normalizer,
        "state_file": state,
    }
    try:
        cfg = EmulatorConfig.from_fleet_files(list(fleet or []), **options)  # type: ignore[arg-type]
        for spec in node or []:
            _add_node(cfg, spec)
        if not cfg.pools:
            cfg.pools = [PoolSpec(uuid=DEMO_POOL, name="demo", nodes=[NodeSpec(DEMO_NODE, "lp-demo", "10.10.0.11")])]
        cfg.validate()
        emu = Emulator.start(cfg, host=host, port=port, tls=tls)
        emu.set_faults(latency=latency, error_rate=error_rate, error_status=error_status, retry_after=retry_after,
                       drop_rate=drop_rate, fail_orders=fail_orders, stuck_orders=stuck_orders,
                       list_lag=list_lag)  # fmt: skip
    except (EmulatorError, ValueError) as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from None
    typer.echo(f"Director emulator listening on {emu.url} (token from {'--token' if token else 'default/env'})")
    for pool in cfg.pools:
        typer.echo(f"  pool {pool.name} {pool.uuid}")
        for n in pool.nodes:
            typer.echo(f"    node {n.name} {n.identifier} ip={n.ip}")
    typer.echo(f"  admin: {emu.url}/_emulator/health   (Ctrl-C to stop)")
    try:
        emu.wait()
    except KeyboardInterrupt:
        pass
    finally:
        emu.stop()


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False  # a host name may resolve to anything


def bind_warning(host: str, explicit_token: str | None) -> str | None:
    """What to warn about when listening on ``host``; ``EmulatorError`` when it must not start at all."""
    if is_loopback(host):
        return None
    if not explicit_token or explicit_token == DEFAULT_TOKEN:
        raise EmulatorError(
            f"--host {host} is reachable from other machines, and the default token {DEFAULT_TOKEN!r} is public: "
            f"give a token of your own with --token or ${TOKEN_ENV}, or listen on 127.0.0.1"
        )
    return (
        f"listening on {host}: other machines reach the Director API (token required); the admin endpoint "
        "/_emulator answers loopback clients only"
    )


def _add_node(cfg: EmulatorConfig, spec: str) -> None:
    parts = spec.split("/")
    if len(parts) < 2 or len(parts) > 4:
        raise EmulatorError(f"--node {spec!r}: expected POOL_UUID/NODE_ID[/NAME[/IP]]")
    pool_uuid, node_id = parts[0].lower(), parts[1].lower()
    pools = cfg.pools
    pool = next((p for p in pools if p.uuid == pool_uuid), None)
    if pool is None:
        pool = PoolSpec(uuid=pool_uuid, name=f"pool-{pool_uuid[:6]}")
        pools.append(pool)
    name = parts[2] if len(parts) > 2 else f"lp-{node_id[:6]}"
    ip = parts[3] if len(parts) > 3 else f"10.10.{pools.index(pool)}.{11 + len(pool.nodes)}"
    pool.nodes.append(NodeSpec(identifier=node_id, name=name, ip=ip))
