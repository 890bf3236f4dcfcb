"""``--traces``: SCALE-Sim's SRAM and DRAM trace files, byte for byte.

The digests in tests/data/scalesim/traces/sram_traces.json and dram_traces.json are of the files
SCALE-Sim 3.0.0 itself wrote for these topologies and configs (tests/data/scalesim/README.md
says how)."""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np
import pytest

from accelsim.cli import main
from accelsim.scalesim.config import load_config
from accelsim.scalesim.dram import simulate_memory
from accelsim.scalesim.dram_traces import DRAM_TRACE_FILES, write_trace
from accelsim.scalesim.model import fold_mapping
from accelsim.scalesim.topology import load_topology
from accelsim.scalesim.traces import TRACE_FILES, layer_traces, write_traces

DATA = Path(__file__).parent / "data" / "scalesim" / "traces"
SRAM = json.loads((DATA / "sram_traces.json").read_text())
DRAM = json.loads((DATA / "dram_traces.json").read_text())
RUNS = sorted(set(SRAM) | set(DRAM))


def _inputs(run: str):
    return load_topology(DATA / f"{run.split('_')[0]}.csv"), load_config(DATA / f"{run}.cfg")


@pytest.mark.parametrize("run", RUNS)
def test_traces_equal_scalesims(run: str, tmp_path: Path) -> None:
    topo, cfg = _inputs(run)
    written = write_traces(list(topo.layers), cfg, tmp_path)
    expected = {}
    for manifest in (SRAM, DRAM):
        for layer, files in manifest.get(run, {}).items():
            for name, digest in files.items():
                expected[f"{layer}/{name}"] = digest
    assert len(expected) == 6 * len(topo.layers)  # every file SCALE-Sim wrote is pinned
    assert sorted(str(p.relative_to(tmp_path)) for p in written) == sorted(expected)
    for rel, digest in expected.items():
        data = (tmp_path / rel).read_bytes()
        assert data.count(b"\n") == digest["lines"], (run, rel)
        assert hashlib.sha256(data).hexdigest() == digest["sha256"], (run, rel)


@pytest.mark.parametrize("run", ["tiny_os_CALC", "stall_a3x8_ws_CALC", "gemm_a1x16_ws_USER", "stall_is_USER"])
def test_dram_traces_agree_with_the_walk(run: str) -> None:
    """The plain-Python replay of the buffers and the jitted walk are two implementations: the
    DRAM words and first/last DRAM cycles of every trace equal the walk's report figures."""
    topo, cfg = _inputs(run)
    for layer in topo.layers:
        fm = fold_mapping(layer, cfg)
        fig = simulate_memory(layer, cfg, fm)
        sram, (i, f, o) = layer_traces(layer, cfg, fm)
        assert (i.accesses, f.accesses, o.accesses) == (fig.dram_ifmap_reads, fig.dram_filter_reads, fig.dram_ofmap_writes)
        for trace, start, stop in ((i, fig.dram_ifmap_start, fig.dram_ifmap_stop),
                                   (f, fig.dram_filter_start, fig.dram_filter_stop),
                                   (o, fig.dram_ofmap_start, fig.dram_ofmap_stop)):
            cycles = trace.rows[:, 0]
            assert (int(cycles.min()), int(cycles.max())) == (start, stop)
        # the ofmap words reach DRAM in the order the array wrote them to the SRAM, each once
        drained = o.rows[:, 1:][o.rows[:, 1:] != -1]
        demanded = sram[2][:, 1:][sram[2][:, 1:] != -1]
        assert np.array_equal(drained, demanded)
        # CALC: every address the array read was fetched from DRAM (USER traces need not list
        # them: SCALE-Sim re-fetches the same lines of its fetch matrix on every window move)
        for trace, mat in ((i, sram[0]), (f, sram[1])) if not cfg.user_bandwidth else ():
            assert set(mat[:, 1:][mat[:, 1:] != -1].tolist()) <= set(trace.rows[:, 1:].ravel().tolist())


def test_write_trace_by_hand() -> None:
    """4 words (2 active, 2 draining), 2 words a line: worked through SCALE-Sim's write_buffer by
    hand. Row 1's word makes 3 occupied > 2: the full line drains at cycle 1; the flushed partial
    line drains in empty_all_buffers from the last row's cycle (1), counting 1 word, not 2."""
    t = write_trace(np.array([[10, 11], [12, -1]]), np.array([0, 1]), words=4, bw=2)
    assert t.rows.tolist() == [[1, 10, 11], [1, 12, -1]]
    assert t.accesses == 3


def test_traces_only_when_asked(tmp_path: Path, capsys) -> None:
    reports, traces = tmp_path / "reports", tmp_path / "traces"
    topo, cfg = str(DATA / "tiny.csv"), str(DATA / "tiny_ws_CALC.cfg")
    assert main(["run", topo, cfg, "--scalesim-reports", str(reports), "--no-color"]) == 0
    assert not traces.exists() and not list(reports.glob("layer*"))
    assert main(["run", topo, cfg, "--traces", str(traces), "--no-color"]) == 0
    assert sorted(p.name for p in traces.iterdir() if p.name != ".accelsim-run.json") == ["layer0", "layer1"]
    assert sorted(p.name for p in (traces / "layer1").iterdir()) == sorted(TRACE_FILES + DRAM_TRACE_FILES)


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


def test_calc_windows_completing_in_one_cycle_are_an_error() -> None:
    """1,000 words: sets of 10, windows of 500 misses. A row of 999 new addresses at cycle 0
    completes the first window (listed over the 50 cycles before it, 10 a cycle) and leaves the
    second open, listed at the end over the cycles since the jump (−1..0, +1 of latency). With
    1,500 a third window completes in the same cycle 0: SCALE-Sim divides by the zero cycles
    since the last jump and stops."""
    from accelsim.errors import AccelsimError
    from accelsim.scalesim.dram_traces import calc_read_trace

    ok = calc_read_trace(np.arange(999).reshape(1, -1), np.array([0]), words=1000)
    assert ok.accesses == 999 and ok.rows.shape == (52, 251) and ok.rows[:, 0].tolist() == list(range(-50, 2))  # 50 lines, then 2
    with pytest.raises(AccelsimError, match="ZeroDivisionError"):
        calc_read_trace(np.arange(1500).reshape(1, -1), np.array([0]), words=1000)


def test_a_failing_layer_leaves_no_trace_files(tmp_path: Path, monkeypatch) -> None:
    from accelsim.errors import AccelsimError
    from accelsim.scalesim import traces

    topo, cfg = _inputs("tiny_os_CALC")
    real = traces.layer_traces

    def second_fails(layer, c, fm=None):
        if layer.name == "conv2":
            raise AccelsimError("SCALE-Sim 3.0.0 stops here", where="--traces")
        return real(layer, c, fm)

    monkeypatch.setattr(traces, "layer_traces", second_fails)
    with pytest.raises(AccelsimError, match="layer 1, 'conv2'"):
        traces.write_traces(list(topo.layers), cfg, tmp_path / "out" / "t")
    assert not (tmp_path / "out").exists()


def test_numbers_print_as_numpy_floats() -> None:
    """SCALE-Sim's DRAM traces are ``np.savetxt(fmt='%s')`` of float64: ``str(np.float64(v))``."""
    from accelsim.scalesim.dram_traces import savetxt_float

    values = [0, -1, 1, 12, 20_000_000, 2**53, 2**53 + 1, 10**16 - 1, 10**16, -(10**17), 2**60 + 7]
    assert savetxt_float(np.array([values])) == ",".join(str(np.float64(v)) for v in values) + "\n"
