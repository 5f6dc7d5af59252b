"""``Emulator``: the in-process handle -- starts uvicorn in a background thread and exposes inspection."""

from __future__ import annotations

import copy
import socket
import threading
import time
from types import TracebackType
from typing import Any

import uvicorn

from cac_director.emulator.admin import AdminEndpoint
from cac_director.emulator.app import DirectorApp, RequestLog
from cac_director.emulator.config import EmulatorConfig
from cac_director.emulator.faults import Faults
from cac_director.emulator.store import Store
from cac_director.emulator.tls import HandshakeLog, TLSFiles, server_context
from cac_director.errors import EmulatorError

START_TIMEOUT = 10.0


class Emulator:
    """A running emulator. Build with ``Emulator.start(cfg)``; use as a context manager or call ``stop()``."""

    def __init__(self, config: EmulatorConfig) -> None:
        config.validate()
        self.config = config
        self.faults = Faults(config.seed)
        self.store = Store(config, self.faults)
        self.log = RequestLog()
        self.handshakes = HandshakeLog()
        self.tls = False
        self.app = DirectorApp(config, self.store, self.faults, self.log)
        self.app.admin = AdminEndpoint(self)
        self.host = ""
        self.port = 0
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None

    def __repr__(self) -> str:
        return f"Emulator(url={self.url!r}, pools={len(self.config.pools)})"

    # ------------------------------------------------------------ lifecycle
    @classmethod
    def start(
        cls, config: EmulatorConfig, host: str = "127.0.0.1", port: int = 0, tls: TLSFiles | None = None
    ) -> Emulator:
        """Listen on ``host:port``; with ``tls``, HTTPS with that certificate (``url`` is then ``https://``)."""
        emu = cls(config)
        emu._serve(host, port, tls)
        return emu

    def _serve(self, host: str, port: int, tls: TLSFiles | None) -> None:
        # The certificate first: a bad file is the caller's mistake, reported before anything listens.
        context = server_context(tls, self.handshakes) if tls is not None else None
        self.tls = context is not None
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        # IPPROTO_TCP explicitly: asyncio only sets TCP_NODELAY on accepted sockets whose proto says TCP, and
        # without it every response (headers and body are two writes) waits ~40 ms for a delayed ACK.
        sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError as exc:
            sock.close()
            raise EmulatorError(f"cannot listen on {host}:{port} ({exc.strerror}); choose another --port") from None
        sock.listen(2048)
        sock.set_inheritable(True)
        self.host, self.port = host, sock.getsockname()[1]
        uv_config = uvicorn.Config(
            self.app,
            log_level="warning",
            access_log=False,
            lifespan="off",
            http="h11",
            loop="asyncio",
            timeout_keep_alive=30,
            backlog=2048,
            ssl_context_factory=(lambda _config, _default: context) if context is not None else None,
        )
        server = uvicorn.Server(uv_config)
        self._server = server
        self._thread = threading.Thread(
            target=server.run, kwargs={"sockets": [sock]}, name=f"emulator:{self.port}", daemon=True
        )
        self._thread.start()
        deadline = time.monotonic() + START_TIMEOUT
        while not server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                sock.close()
                raise EmulatorError(f"the emulator did not start on {host}:{self.port}")
            time.sleep(0.005)

    def stop(self) -> None:
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._server = None
        self._thread = None

    def wait(self) -> None:
        """Block until the server thread ends (the CLI uses this)."""
        while self._thread is not None and self._thread.is_alive():
            self._thread.join(timeout=0.5)

    def __enter__(self) -> Emulator:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:  # fmt: skip
        self.stop()

    @property
    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{'https' if self.tls else 'http'}://{host}:{self.port}"

    # ------------------------------------------------------------ faults
    def set_faults(self, **settings: Any) -> None:
        """Any subset of: latency, error_rate, error_status, retry_after, drop_rate, fail_orders, stuck_orders,
        list_lag, order_error_style, seed."""
        self.faults.set(**settings)

    def clear_faults(self) -> None:
        self.faults.clear()

    def release_orders(self) -> None:
        """Let every stuck order complete now (a late order, without timing it)."""
        with self.store.lock:
            for node in self.store.nodes.values():
                for order in node.orders.values():
                    if order.result is None and order.due is None:
                        order.due = time.time()
            for node in self.store.nodes.values():
                self.store.settle(node)

    # ------------------------------------------------------------ runtime config
    def runtime_config(self) -> dict[str, Any]:
        c = self.config
        return {
            "order_delay": c.order_delay,
            "monitor_leading_slash": c.monitor_leading_slash,
            "semantic_errors": c.semantic_errors,
            "block_referenced_deletes": c.block_referenced_deletes,
            "put_semantics": c.put_semantics,
            "put_requires_id": c.put_requires_id,
            "returns_compiled_normalizer": c.returns_compiled_normalizer,
            "list_age_limits": c.list_age_limits,
            "alert_delay_needs_log_ts": c.alert_delay_needs_log_ts,
            "usergroup_all_flags": c.usergroup_all_flags,
        }

    def set_runtime_config(self, **changes: Any) -> dict[str, Any]:
        allowed = set(self.runtime_config())
        unknown = set(changes) - allowed
        if unknown:
            raise ValueError(f"unknown setting(s): {', '.join(sorted(unknown))}; known: {', '.join(sorted(allowed))}")
        with self.store.lock:
            for key, raw in changes.items():
                value: Any = raw
                if key == "order_delay":
                    value = float(raw)
                    if value < 0:
                        raise ValueError("order_delay must not be negative")
                elif key == "semantic_errors" and raw not in ("order", "sync"):
                    raise ValueError("semantic_errors must be 'order' or 'sync'")
                elif key == "put_semantics" and raw not in ("merge", "replace"):
                    raise ValueError("put_semantics must be 'merge' or 'replace'")
                elif key == "usergroup_all_flags" and raw not in ("expanded", "kept"):
                    raise ValueError("usergroup_all_flags must be 'expanded' or 'kept'")
                elif key == "list_age_limits" and raw not in ("tables", "any"):
                    raise ValueError("list_age_limits must be 'tables' or 'any'")
                elif key in (
                    "monitor_leading_slash",
                    "block_referenced_deletes",
                    "put_requires_id",
                    "returns_compiled_normalizer",
                    "alert_delay_needs_log_ts",
                ):
                    value = bool(raw)
                setattr(self.config, key, value)
        return self.runtime_config()

    def expire_tokens(self) -> None:
        """Make every token issued so far expired (a token lifetime ending mid-run, without timing)."""
        with self.store.lock:
            self.app.tokens = dict.fromkeys(self.app.tokens, 0.0)

    # ------------------------------------------------------------ inspection
    def objects(self, pool_uuid: str, node_id: str, resource: str) -> list[dict[str, Any]]:
        """Stored objects of one resource in READ shape (completed orders only; never lagging)."""
        with self.store.lock:
            node = self.store.node(pool_uuid, node_id)
            self.store.settle(node)
            return copy.deepcopy(list(node.objects(resource).values()))

    def oob_update(self, pool_uuid: str, node_id: str, resource: str, obj_id: str, fields: dict[str, Any]) -> None:
        """Change an object as if in the Director console (write-side field names; no validation, no order)."""
        self.store.oob_update(pool_uuid, node_id, resource, obj_id, fields)

    def oob_create(self, pool_uuid: str, node_id: str, resource: str, fields: dict[str, Any]) -> str:
        """Add an object as if in the console (READ-side field names; no validation, no order); returns its id."""
        return self.store.oob_create(pool_uuid, node_id, resource, fields)

    def oob_delete(self, pool_uuid: str, node_id: str, resource: str, obj_id: str) -> None:
        self.store.oob_delete(pool_uuid, node_id, resource, obj_id)

    def request_counts(self) -> dict[str, int]:
        return self.log.snapshot()

    def tls_handshakes(self) -> dict[str, Any]:
        """``{"completed": n, "failed": {reason: n}}`` since the start or the last ``reset_request_log`` (TLS only)."""
        return self.handshakes.snapshot()

    def reset_request_log(self) -> None:
        """Forget the requests and the TLS handshakes seen so far."""
        self.log.reset()
        self.handshakes.reset()

    def reset(self) -> None:
        """Every node back to its seeds and the configured token valid again (faults and the request log are kept)."""
        self.store.reset()
        with self.store.lock:
            self.app.tokens = {self.config.token: self.app._expiry()}
