"""Each kind of connection failure stops `pulumi preview` of a deployed stack with one line naming the setting to
fix: an unknown pool, an unknown node, an unreachable Director, an untrusted certificate (docs/plan.md, "The
connection is checked once, before any object"). The wrong token is pinned in ``test_plan_reads_director``.

The real pulumi CLI on Bank A prod (the ``deployment`` of ``test_program``: three nodes, three provider
processes). The stack is applied first, so every preview also refreshes the recorded objects with the
providers of that apply; the program's check then fails on the changed setting, before any object.
"""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.test_program import Deployment, deployed_project, deployment
from tests.tls import REJECTED_BY_CLIENT, UNTRUSTED_REASON, handshakes_so_far, server_certificate

pytestmark = pytest.mark.e2e
__all__ = ["deployment"]

FLEET = "fleets/bank-a/fleet.yaml"


@pytest.fixture
def tls_deployment(tmp_path: Path, pulumi_cli_factory) -> Iterator[Deployment]:
    """The same stack with the emulator over HTTPS, its certificate signed by a CA made for the test."""
    with deployed_project(tmp_path, pulumi_cli_factory, server_certificate(tmp_path / "tls")) as d:
        yield d


def _output(proc: object) -> str:
    return f"{getattr(proc, 'stdout', '')}\n{getattr(proc, 'stderr', '')}"


def _failed_preview(d: Deployment, line: str) -> str:
    """The output of a `pulumi preview` that fails with ``line`` once for the operation, without a traceback."""
    preview = d.cli.run("preview", check=False)
    text = _output(preview)
    assert preview.returncode != 0, text
    assert "Traceback" not in text, text
    # The engine shows an error on the progress line and once more under "Diagnostics:": one diagnostic for the
    # whole operation, not one per object or per provider process.
    assert "Diagnostics:" in text, text
    assert text.split("Diagnostics:")[-1].count(line) == 1, text
    assert text.count(line) <= 2, text
    return text


@pytest.fixture
def closed_port() -> Iterator[int]:
    """A loopback port bound but not listening: a connection is refused at once, every time."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        yield sock.getsockname()[1]


def test_unknown_pool_unknown_node_and_unreachable_director_are_one_line_each(
    deployment: Deployment, closed_port: int
) -> None:
    d = deployment
    d.cli.run("up", "--yes")
    resolved = d.resolved()
    pool = resolved.fleet.pool_uuid
    node = next(n for n in resolved.nodes.values() if n.name == "dn-prod-02")
    wrong = "f" * 32
    fleet = (d.project / FLEET).read_text()

    d.edit(FLEET, lambda text: text.replace(pool, wrong))
    _failed_preview(
        d,
        f"pool '{wrong}' does not exist on this Director (pools there: {pool}); fix `director.poolUuid` in the "
        "fleet file, or `cac-director:directorUrl` if it is the wrong Director",
    )

    d.edit(FLEET, lambda _text: fleet.replace(node.logpoint_id, wrong))
    _failed_preview(
        d, f"pool '{pool}' has no LogPoint dn-prod-02 ({wrong}); fix the node's `logpointId` in the fleet file"
    )
    d.edit(FLEET, lambda _text: fleet)

    # A refused connection is retried as through a Director restart; a short outageTolerance bounds the retries
    # (the default is 60 s), so the preview cannot be slow.
    url = f"http://127.0.0.1:{closed_port}"
    d.cli.run("config", "set", "cac-director:directorUrl", url)
    d.cli.run("config", "set", "cac-director:outageTolerance", "1")
    text = _failed_preview(d, f"cannot reach the Director at {url} after ")
    assert "in up to 1s (cac-director:outageTolerance) (ConnectError); check `cac-director:directorUrl`" in text, text

    # None of these previews changed anything on the Director.
    assert d.live_state() == d.desired_state()


def test_untrusted_certificate_is_one_line_tried_once_and_ca_bundle_fixes_it(tls_deployment: Deployment) -> None:
    d = tls_deployment
    assert d.certificate is not None and d.emu.url.startswith("https://")
    # Applied over HTTPS: cac-director:caBundle names the test's CA.
    d.cli.run("up", "--yes")
    ca_file = str(d.certificate.ca_file)

    d.cli.run("config", "rm", "cac-director:caBundle")
    d.emu.reset_request_log()
    text = _failed_preview(d, f"the Director's TLS certificate is not trusted ({UNTRUSTED_REASON})")
    assert "set `cac-director:caBundle` to the file of the CA that signed it" in text, text
    assert "or `cac-director:insecureSkipVerify` to true" in text, text
    # The program's check gave up after one handshake: not retried. (The refresh before it used the providers
    # of the apply, which still trust the CA; their handshakes completed.)
    assert handshakes_so_far(d.emu, d.certificate)["failed"] == {REJECTED_BY_CLIENT: 1}

    # The same preview with the CA given again passes, and finds the Director as applied.
    d.cli.run("config", "set", "cac-director:caBundle", ca_file)
    d.cli.run("preview", "--expect-no-changes")
