"""Every benchmark script runs at a tiny size, so the scripts never rot.

Speed is measured by the scripts themselves, never asserted here.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPTS = sorted(
    path for path in (ROOT / "benchmarks").glob("*.py") if not path.name.startswith("_")
)


def test_there_are_benchmarks() -> None:
    assert SCRIPTS, f"no benchmark scripts found in {ROOT / 'benchmarks'}"


@pytest.mark.parametrize("script", SCRIPTS, ids=[script.name for script in SCRIPTS])
def test_benchmark_runs_at_tiny_size(script: Path) -> None:
    result = subprocess.run(
        [sys.executable, str(script), "--tiny"],
        check=False,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "ratio" in result.stdout, result.stdout
