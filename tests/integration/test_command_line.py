"""The command line and the promises about imports, run as a user would."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

import commercekit
from commercekit.cli import main


def run_python(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *args],
        check=False,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_demo_runs_and_walks_find_and_price() -> None:
    result = run_python("-m", "commercekit", "demo")
    assert result.returncode == 0, result.stderr
    assert f"commercekit {commercekit.__version__}" in result.stdout
    # 2 x 74.90 (the tier from 2 pairs) and 24.00 share the 10.00 voucher
    # 149.80 : 24.00, so 8.62 and 1.38.
    assert "voucher -8,62\u00a0€   141,18\u00a0€" in result.stdout
    # Shipping split by the goods' net values: 118.64 : 21.14 of 4.90.
    assert (
        "shipping 4,90\u00a0€ = 4,16\u00a0€ at 19% + 0,74\u00a0€ at 7%" in result.stdout
    )
    assert "VAT 19%: net 122,13\u00a0€, tax 23,21\u00a0€" in result.stdout
    assert "total 168,70\u00a0€ (net 143,96\u00a0€ + VAT 24,74\u00a0€)" in result.stdout
    assert "'Steuerfreie innergemeinschaftliche Lieferung'" in result.stdout
    # Free shipping from 200.00, after the voucher: 200.00 - 163.80.
    assert "The shop says: add 36,20\u00a0€ for free shipping" in result.stdout
    assert "Weißer Sneaker (Nordlicht): SN-W-42 from 79,90\u00a0€" in result.stdout
    assert "1 product(s); colors among them: weiß 1" in result.stdout


def test_main_answers_version_and_refuses_unknown_commands(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit) as info:
        main(["--version"])
    assert info.value.code == 0
    assert capsys.readouterr().out.strip() == f"commercekit {commercekit.__version__}"
    with pytest.raises(SystemExit) as info:
        main(["fly"])
    assert info.value.code == 2
    assert main(["demo"]) == 0


def test_the_kernel_modules_import() -> None:
    result = run_python(
        "-c",
        "import commercekit, commercekit.money, commercekit.errors, "
        "commercekit.ports, commercekit.testing.strategies",
    )
    assert result.returncode == 0, result.stderr


BLOCKER = textwrap.dedent(
    """
    import sys

    class Block:
        def find_spec(self, name, path=None, target=None):
            if name.split(".")[0] in {BLOCKED}:
                raise ImportError(f"{name} is blocked for this test")
            return None

    sys.meta_path.insert(0, Block())
    """
)


def test_commercekit_testing_imports_without_hypothesis_or_pytest() -> None:
    code = BLOCKER.replace("{BLOCKED}", "{'hypothesis', 'pytest'}") + textwrap.dedent(
        """
        import commercekit.testing
        from commercekit.testing import FixedClock, RecordingPublisher, SequentialIds
        import commercekit.adapters.memory, commercekit.adapters.sqlite
        print(SequentialIds().new_id())
        """
    )
    result = run_python("-c", code)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "id-1"


def test_importing_commercekit_stays_light() -> None:
    code = textwrap.dedent(
        """
        import sys
        import commercekit
        heavy = {"sqlite3", "hypothesis", "pytest", "statemachine", "cattrs",
                 "commercekit.adapters", "commercekit.testing"}
        print(sorted(heavy & set(sys.modules)))
        """
    )
    result = run_python("-c", code)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"
