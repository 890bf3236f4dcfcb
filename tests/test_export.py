"""Exporters: every zoo network to ONNX and back; SCALE-Sim topologies and Timeloop problems
read back by independent readers (accelsim's SCALE-Sim topology parser, which follows
SCALE-Sim's own rules; Timeloop's MAC count, the product of a problem's dimensions)."""
from __future__ import annotations

import pytest
import yaml

pytest.importorskip("onnx", reason="the ONNX exporter needs the optional 'onnx' package (pip install 'accelsim[onnx]')")

from accelsim.scalesim.topology import parse_topology  # noqa: E402
from accelsim.workload.exporters import export  # noqa: E402
from accelsim.workload.exporters.onnx import to_onnx_bytes  # noqa: E402
from accelsim.workload.exporters.scalesim import to_scalesim  # noqa: E402
from accelsim.workload.exporters.timeloop import to_timeloop  # noqa: E402
from accelsim.workload.importers.onnx import import_onnx  # noqa: E402
from accelsim.workload.zoo import ZOO, build  # noqa: E402


@pytest.fixture(scope="module")
def nets():
    return {name: build(name) for name in ZOO}


def _layers(net):
    return [(l.name, l.op, l.inputs, l.ins, l.out, l.folded) for l in net.layers]


@pytest.mark.parametrize("name", sorted(ZOO))
def test_zoo_round_trip_through_onnx(name, nets):
    net = nets[name]
    back = import_onnx(to_onnx_bytes(net)[0], name=name)
    assert _layers(back) == _layers(net)
    assert back.totals() == net.totals()
    assert back.inputs == net.inputs


@pytest.mark.parametrize("name", sorted(ZOO))
def test_scalesim_topology_has_the_same_macs(name, nets):
    net = nets[name]
    text, notes = to_scalesim(net)
    topo = parse_topology(text, f"{name}.csv")
    mac_layers = [l for l in net.layers if l.type in ("conv", "fc")]
    dilated = [l for l in mac_layers if l.shape.dilation != 1]
    assert sum(l.macs for l in topo.layers) == sum(l.macs for l in mac_layers if l not in dilated)
    skipped = len(net.layers) - len(mac_layers) + len(dilated)
    assert skipped == 0 or f"skipped {skipped} layers" in notes[-1]


@pytest.mark.parametrize("name", ["alexnet", "mobilenet_v2", "shufflenet_v1_g3", "densenet121"])
def test_timeloop_problems_multiply_to_the_macs(name, nets):
    net = nets[name]
    files, _ = to_timeloop(net)
    mac_layers = [l for l in net.layers if l.type in ("conv", "fc")]
    assert len(files) == len(mac_layers)
    for (fname, text), layer in zip(files, mac_layers):
        inst = yaml.safe_load(text)["problem"]["instance"]
        prod = 1
        for d in ("G", "C", "M", "R", "S", "N", "P", "Q"):
            prod *= inst[d]
        assert prod == layer.macs, fname


def test_cli_export_writes_and_reports(tmp_path, run_cli):
    for fmt, expect in (("onnx", "alexnet.onnx"), ("scalesim", "alexnet.csv")):
        code, out, err = run_cli("export", "alexnet", "--format", fmt, "-o", tmp_path, "--no-color")
        assert code == 0, err
        assert (tmp_path / expect).exists() and f"wrote {tmp_path / expect}" in out
    code, out, err = run_cli("export", "alexnet", "--format", "timeloop", "-o", tmp_path / "tl")
    assert code == 0 and len(list((tmp_path / "tl").glob("*.yaml"))) == 8
    code, out, err = run_cli("run", tmp_path / "alexnet.onnx", "eyeriss", "--json")
    assert code == 0, err
    import json

    assert json.loads(out)["totals"]["macs"] == build("alexnet").totals()["macs"]


def test_export_errors(tmp_path, run_cli):
    f = tmp_path / "file"
    f.write_text("x")
    code, _, err = run_cli("export", "alexnet", "--format", "onnx", "-o", f)
    assert code == 2 and "not a directory" in err
    with pytest.raises(Exception, match="not a graph"):
        from accelsim.workload import workload_from_dict

        export(workload_from_dict({"layers": [{"name": "c", "type": "conv", "C": 3, "H": 8, "W": 8, "M": 4, "R": 3}]}), "onnx", tmp_path)
