"""accelsim sweep --scheduler: a real Dask cluster (``dask scheduler`` + two ``dask worker``
processes, started with Dask's own commands on 127.0.0.1, free ports), the same table as
the local pool's, and every process stopped afterwards — bounded in time, also on failure."""
from __future__ import annotations

import csv
import time

import pytest

pytest.importorskip("distributed", reason="the Dask backend needs dask distributed (pip install 'accelsim[dask]')")

from accelsim.cli import main  # noqa: E402
from accelsim.sweep.loopback import loopback_cluster  # noqa: E402
from accelsim.sweep.table import VOLATILE  # noqa: E402

from test_sweep import _write  # noqa: E402


def _table(path):
    with open(path, newline="") as f:
        return [{k: v for k, v in r.items() if k not in VOLATILE} for r in csv.DictReader(f)]


def test_dask_cluster_gives_the_local_pools_table(tmp_path, capsys):
    spec = _write(tmp_path)
    assert main(["sweep", str(spec), "--out", str(tmp_path / "local"), "--workers", "2", "--quiet"]) == 0
    t = time.monotonic()
    with loopback_cluster(workers=2, timeout=90) as address:
        assert main(["sweep", str(spec), "--out", str(tmp_path / "dask"), "--scheduler", address]) == 0
    assert time.monotonic() - t < 180
    out = " ".join(capsys.readouterr().out.split())  # as one line: rich wraps at the console's width
    assert f"the Dask scheduler at {address} (2 workers)" in out and "0 reused" in out
    local, dask = _table(tmp_path / "local" / "results.csv"), _table(tmp_path / "dask" / "results.csv")
    assert len(local) == 7 * 2 * 2 and dask == local
