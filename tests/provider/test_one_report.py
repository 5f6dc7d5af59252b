"""The provider processes of one Pulumi operation report a failed connection check once between them.

Real processes under a real ancestor named ``pulumi`` (the Python interpreter started through a link of that
name), as the engine starts them; no mock of our code.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

CHILD = (
    "from cac_director.pulumi_provider._one_report import first_in_operation;"
    "print(first_in_operation(sys.argv[1], sys.argv[2]))"
)
ENGINE = """
import subprocess, sys
for url in (sys.argv[1], sys.argv[1], sys.argv[1] + "/other"):
    out = subprocess.run([sys.argv[2], "-c", "import sys;" + sys.argv[3], url, "pool"], capture_output=True, text=True)
    print(out.stdout.strip() or out.stderr)
"""


def _operation(tmp_path: Path, url: str) -> list[str]:
    engine = tmp_path / "pulumi"
    if not engine.exists():
        engine.symlink_to(sys.executable)
    env = {**os.environ, "TMPDIR": str(tmp_path / "tmp")}
    (tmp_path / "tmp").mkdir(exist_ok=True)
    proc = subprocess.run(
        [str(engine), "-c", ENGINE, url, sys.executable, CHILD], capture_output=True, text=True, env=env, check=True
    )
    return proc.stdout.split()


def test_first_process_of_an_operation_reports_and_the_others_do_not(tmp_path: Path) -> None:
    # Same Director: the first reports, the second not; another Director is its own report.
    assert _operation(tmp_path, "https://director.example") == ["True", "False", "True"]
    directory = next((tmp_path / "tmp").iterdir())
    assert directory.stat().st_mode & 0o777 == 0o700
    assert [len(marker.name) for marker in directory.iterdir()] == [32, 32]
    # The next operation (another `pulumi` process) reports again.
    assert _operation(tmp_path, "https://director.example")[0] == "True"
