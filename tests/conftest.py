"""Shared test helpers."""
from __future__ import annotations

from pathlib import Path

import pytest

from accelsim.cli import main

REPO = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"


@pytest.fixture(autouse=True)
def _page_width_of_a_pipe(monkeypatch):
    """Every test sees the CLI's output as a pipe without a stated width does (pytest-xdist's
    workers are started with COLUMNS and LINES set to the controller's terminal); a test that
    wants a width sets COLUMNS itself."""
    monkeypatch.delenv("COLUMNS", raising=False)
    monkeypatch.delenv("LINES", raising=False)


@pytest.fixture
def run_cli(capsys):
    """Run the CLI in-process; return (exit code, stdout, stderr)."""

    def run(*argv: str) -> tuple[int, str, str]:
        code = main([str(a) for a in argv])
        out, err = capsys.readouterr()
        return code, out, err

    return run
