"""Kill proofs of fast mode at scale: SIGKILL `cac-director up --fast` (the whole process group) mid-apply.

    .venv/bin/python bench/crash_bench.py [--sizes 500,2000] [--delay 0.2] [--at 0.3]
        [--out bench/results/crash_bench.json]

For each size, on the synthetic MSSP tree (bench/pulumi_bench.py's), with the emulator at ``--delay``
order latency and the real CLI on a file backend:

1. ``cac-director up --fast`` killed once the emulator has seen ``at`` x N creates, then recovered;
2. 10% of the objects changed, ``cac-director up --fast`` killed after ``at`` x the changes' PUTs, recovered;
3. ``pulumi destroy`` with checkpoints skipped killed after ``at`` x N deletes, recovered (everything is
   created again).

Recovery is the documented one: ``pulumi cancel --yes`` then ``cac-director up --fast``. After each
recovery it checks: every declared object exists on its node exactly once (by name, per type), nothing
else does, the state holds every declared object with the id the emulator has, the create journal is
gone, and finally ``pulumi preview --expect-no-changes`` (refresh included) passes. Kills are triggered
by the emulator's request log, never by time. A benchmark, never a test (minutes per size).
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from pulumi_bench import DEFAULT_PULUMI_BIN, REPO, TOKEN, Project, _change_ten_percent, _env, _tree

from cac_director.config import load_instance
from cac_director.conventions import REGISTRY
from cac_director.emulator import Emulator, EmulatorConfig
from cac_director.pulumi_provider import create_journal

CAC_DIRECTOR = str(REPO / ".venv" / "bin" / "cac-director")
HANG_GUARD = 3600.0


def _seen(emu: Any, method: str) -> int:
    return sum(n for call, n in emu.request_counts().items() if call.split()[0] == method)


def _kill_after(proj: Project, emu: Any, command: list[str], method: str, count: int, *, env: dict[str, str]) -> float:
    """Start ``command`` in its own process group, SIGKILL the group after ``count`` ``method``s; seconds run."""
    emu.reset_request_log()
    start = time.perf_counter()
    proc = subprocess.Popen(
        command,
        cwd=proj.path,
        env={**proj.env, **env},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    deadline = time.monotonic() + HANG_GUARD
    while _seen(emu, method) < count:
        if proc.poll() is not None:
            raise RuntimeError(f"{command[:2]} ended before {count} {method}s")
        if time.monotonic() > deadline:
            raise RuntimeError("hang guard")
        time.sleep(0.05)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    return round(time.perf_counter() - start, 1)


def _recover(proj: Project) -> float:
    start = time.perf_counter()
    proj.pulumi("cancel", "--yes")
    proc = subprocess.run(
        [CAC_DIRECTOR, "up", "--fast", "--cwd", str(proj.path)],
        env=proj.env,
        capture_output=True,
        text=True,
        check=False,
    )
    if proc.returncode != 0:
        raise RuntimeError(f"recovery failed:\n{proc.stdout[-4000:]}\n{proc.stderr[-4000:]}")
    return round(time.perf_counter() - start, 1)


def _check(proj: Project, emu: Any, instance: Path, journal: Path) -> dict[str, Any]:
    """Director == declared (each once), state == Director, journal pruned."""
    resolved = load_instance(instance)
    pool = resolved.fleet.pool_uuid
    state = json.loads(proj.pulumi("stack", "export")[1].stdout)["deployment"]
    state_ids = {
        (r["type"].split(":")[-1], r["urn"].split("::")[-1]): r.get("id")
        for r in state.get("resources") or []
        if "cacdirector" in r.get("type", "")
    }
    problems: list[str] = []
    declared_total = 0
    for node in resolved.nodes.values():
        for conv in REGISTRY:
            declared = [str(obj[conv.name_key]) for obj in node.sections.get(conv.yaml_section, [])]
            declared_total += len(declared)
            live = [o for o in emu.objects(pool, node.logpoint_id, conv.api_resource) if _name(conv, o) is not None]
            names = Counter(str(_name(conv, o)) for o in live if _name(conv, o) not in conv.builtins)
            if conv.type_name == "SyslogCollector":
                continue  # collectors live inside devices: counted with their devices
            if names != Counter(declared):
                extra = sorted(set(names) - set(declared))[:5]
                missing = sorted(set(declared) - set(names))[:5]
                dupes = [n for n, c in names.items() if c > 1][:5]
                problems.append(f"{node.name} {conv.type_name}: extra {extra} missing {missing} duplicated {dupes}")
            ids = {_name(conv, o): o["id"] for o in live}
            for name in declared:
                if state_ids.get((conv.type_name, f"{node.name}/{name}")) != ids.get(name):
                    problems.append(f"{conv.type_name} {node.name}/{name}: state and Director ids differ")
                    break
    if len(state_ids) != declared_total:
        problems.append(f"state holds {len(state_ids)} objects, {declared_total} declared")
    if journal.exists():
        problems.append(f"journal not pruned: {len(create_journal.read(journal))} entries")
    return {"declared": declared_total, "in_state": len(state_ids), "problems": problems}


def _name(conv: Any, obj: dict[str, Any]) -> str | None:
    for key in (conv.name_key, "name", "policy_name", "searchname"):
        if isinstance(obj.get(key), str):
            return str(obj[key])
    return None


def prove(size: int, delay: float, at: float, pulumi_bin: Path) -> dict[str, Any]:
    result: dict[str, Any] = {"size": size, "order_delay": delay, "kill_at": at, "load_before": os.getloadavg()}
    with tempfile.TemporaryDirectory(prefix="cac-crash-") as tmp:
        work = Path(tmp)
        (work / "project").mkdir()
        tree = _tree(work, size)
        project = work / "project"
        (project / "__main__.py").write_text((REPO / "__main__.py").read_text())
        settings = (REPO / "Pulumi.yaml").read_text().replace("virtualenv: .venv", f"virtualenv: {REPO / '.venv'}")
        (project / "Pulumi.yaml").write_text(settings)
        fleet = tree.instance.parent.parent / "fleet.yaml"
        cfg = EmulatorConfig.from_fleet_files([fleet], token=TOKEN, order_delay=delay)
        with Emulator.start(cfg, host="127.0.0.1", port=0) as emu:
            proj = Project(project, _env(work / "home", pulumi_bin), 32)
            proj.pulumi("stack", "init", "bench", "--secrets-provider", "passphrase")
            proj.pulumi("config", "set", "cac-director:instance", str(tree.instance))
            proj.pulumi("config", "set", "cac-director:directorUrl", emu.url)
            proj.pulumi("config", "set", "--secret", "cac-director:token", TOKEN)
            journal = create_journal.journal_path(project, "cac-director", "bench", proj.env)
            n = tree.resources
            result["resources"] = n
            steps: list[dict[str, Any]] = []

            def step(kind: str, command: list[str], method: str, count: int, env: dict[str, str]) -> None:
                killed_after = _kill_after(proj, emu, command, method, count, env=env)
                journaled = len(create_journal.read(journal))
                recovery = _recover(proj)
                checked = _check(proj, emu, tree.instance, journal)
                entry = {"kill": kind, "after": f"{count} {method}s", "killed_after_seconds": killed_after}
                entry |= {"journaled_at_kill": journaled, "recovery_seconds": recovery, **checked}
                steps.append(entry)
                print(json.dumps(entry), flush=True)

            step("during creates", [CAC_DIRECTOR, "up", "--fast"], "POST", int(n * at), {})
            _change_ten_percent(tree.instance, tree.per_node)
            changes = max(2, n // 10)
            step("during updates", [CAC_DIRECTOR, "up", "--fast"], "PUT", max(1, int(changes * at)), {})
            destroy = ["pulumi", "destroy", "--yes", "--non-interactive"]
            step("during deletes", destroy, "DELETE", int(n * at), {"PULUMI_SKIP_CHECKPOINTS": "true"})
            proj.pulumi("preview", "--expect-no-changes")
            result["steps"] = steps
            result["preview_expect_no_changes"] = "passed"
    result["load_after"] = os.getloadavg()
    result["converged"] = all(not s["problems"] for s in result["steps"])
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="500,2000")
    parser.add_argument("--delay", type=float, default=0.2, help="order latency in seconds")
    parser.add_argument("--at", type=float, default=0.3, help="kill after this share of the step's writes")
    parser.add_argument(
        "--pulumi-bin", type=Path, default=Path(os.environ.get("CAC_DIRECTOR_PULUMI_BIN", DEFAULT_PULUMI_BIN))
    )
    parser.add_argument("--out", type=Path, default=REPO / "bench" / "results" / "crash_bench.json")
    args = parser.parse_args()
    runs = [prove(int(size), args.delay, args.at, args.pulumi_bin) for size in args.sizes.split(",")]
    args.out.write_text(json.dumps({"machine": {"cpus": os.cpu_count()}, "runs": runs}, indent=2) + "\n")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
