"""``--traces``: SCALE-Sim's SRAM trace files, byte for byte.

The digests in tests/data/scalesim/traces/sram_traces.json are of the files SCALE-Sim 3.0.0
itself wrote for these topologies and configs (tests/data/scalesim/README.md says how)."""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from accelsim.cli import main
from accelsim.scalesim.config import load_config
from accelsim.scalesim.topology import load_topology
from accelsim.scalesim.traces import TRACE_FILES, write_traces

DATA = Path(__file__).parent / "data" / "scalesim" / "traces"
MANIFEST = json.loads((DATA / "sram_traces.json").read_text())


@pytest.mark.parametrize("run", sorted(MANIFEST))
def test_sram_traces_equal_scalesims(run: str, tmp_path: Path) -> None:
    topo = load_topology(DATA / f"{run.split('_')[0]}.csv")
    written = write_traces(list(topo.layers), load_config(DATA / f"{run}.cfg"), tmp_path)
    assert len(written) == 3 * len(topo.layers) == 3 * len(MANIFEST[run])
    for layer, files in MANIFEST[run].items():
        for name in TRACE_FILES:
            data = (tmp_path / layer / name).read_bytes()
            assert data.count(b"\n") == files[name]["lines"], (run, layer, name)
            assert hashlib.sha256(data).hexdigest() == files[name]["sha256"], (run, layer, name)


def test_traces_only_when_asked(tmp_path: Path, capsys) -> None:
    reports, traces = tmp_path / "reports", tmp_path / "traces"
    topo, cfg = str(DATA / "tiny.csv"), str(DATA / "tiny_ws_CALC.cfg")
    assert main(["run", topo, cfg, "--scalesim-reports", str(reports), "--no-color"]) == 0
    assert not traces.exists() and not list(reports.glob("layer*"))
    assert main(["run", topo, cfg, "--traces", str(traces), "--no-color"]) == 0
    assert sorted(p.name for p in traces.iterdir()) == ["layer0", "layer1"]
    assert sorted(p.name for p in (traces / "layer1").iterdir()) == sorted(TRACE_FILES)


def test_traces_need_scalesim_inputs(tmp_path: Path, capsys) -> None:
    assert main(["run", "alexnet", "eyeriss", "--traces", str(tmp_path / "t")]) == 2
    err = capsys.readouterr().err
    assert "--traces" in err and "SCALE-Sim" in err and "Traceback" not in err
    assert not (tmp_path / "t").exists()


def test_native_options_are_refused_in_the_compatible_mode(tmp_path: Path, capsys) -> None:
    """--plot and friends would be silently ignored by the compatible mode: they are refused,
    with --compat none named as the way to use them on the same files."""
    topo, cfg = str(DATA / "tiny.csv"), str(DATA / "tiny_ws_CALC.cfg")
    assert main(["run", topo, cfg, "--plot", "--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err
    assert "--plot, --out" in err and "--compat none" in err and "Traceback" not in err
    assert not (tmp_path / "o").exists()
    assert main(["run", topo, cfg, "--compat", "none", "--out", str(tmp_path / "o"), "--quiet"]) == 0
    assert (tmp_path / "o" / "result.json").exists()
