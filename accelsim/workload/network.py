"""A network: a DAG (networkx) of named layers with shapes inferred through it.

A workload is either
- a *graph*: one or more named input tensors, and layers that each name their inputs
  (other layers or network inputs), so that branches, residual adds and concatenations
  form a DAG; or
- a *list of standalone layers*, each with its own explicit input shape (C, H, W), the
  way SCALE-Sim and Timeloop describe layers.

In both, a layer may state its input (C, H, W) and output (E, F) sizes; in a graph they
are checked against the inferred ones and a disagreement is an error naming the layer.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import networkx as nx

from ..errors import AccelsimError, Where, did_you_mean
from .ops import FC, BatchNorm, Conv, Op
from .tensor import Shape, Tensor


@dataclass(frozen=True)
class LayerSpec:
    """A layer as written: its type, the names of its inputs, and any stated sizes.

    ``stated`` may hold C, H, W (the input, single-input layers) and E, F (the output).
    A standalone layer has no inputs and must state C, H and W.
    """

    name: str
    op: Op
    inputs: tuple[str, ...] = ()
    stated: tuple[tuple[str, int], ...] = ()

    def stated_dict(self) -> dict[str, int]:
        return dict(self.stated)


@dataclass(frozen=True)
class NetLayer:
    """A layer with its input and output tensors resolved; every count is for N = 1."""

    name: str
    op: Op
    inputs: tuple[str, ...]
    ins: tuple[Tensor, ...]
    out: Tensor
    folded: bool = False  # a batch norm merged into the conv/fc before it
    stated: tuple[tuple[str, int], ...] = ()

    @property
    def type(self) -> str:
        return self.op.type

    @property
    def shape(self) -> Shape:
        return self.op.shape(self.ins, self.out)

    @property
    def macs(self) -> int:
        return self.op.macs(self.ins, self.out)

    @property
    def ops(self) -> int:
        return 0 if self.folded else self.op.ops(self.ins, self.out)

    @property
    def weights(self) -> int:
        return self.op.weights(self.ins)

    @property
    def biases(self) -> int:
        return self.op.biases(self.ins)

    @property
    def bn_params(self) -> int:
        return self.op.bn_params(self.ins)

    @property
    def params(self) -> int:
        return self.weights + self.biases + self.bn_params

    @property
    def ifmap_size(self) -> int:
        return sum(t.size for t in self.ins)

    @property
    def ofmap_size(self) -> int:
        return self.out.size

    @property
    def weight_size(self) -> int:
        return self.weights


@dataclass(frozen=True)
class Network:
    """Named layers in a valid execution (topological) order, with their tensors."""

    name: str
    layers: tuple[NetLayer, ...]
    inputs: tuple[tuple[str, Tensor], ...] = ()  # empty for a list of standalone layers
    description: str = ""
    source: str = ""
    graph: nx.DiGraph = field(default_factory=nx.DiGraph, compare=False, repr=False)
    notes: tuple[str, ...] = field(default=(), compare=False)  # what an importer wants the user told
    # weight/ifmap/ofmap keys stated in a workload's own conv/fc layers, as written (layer
    # name -> mapping); accelsim.compress.loader.network_compression parses and checks them
    compression_stated: Mapping[str, Any] = field(default_factory=dict, compare=False, repr=False)
    file: str | None = field(default=None, compare=False, repr=False)

    @property
    def standalone(self) -> bool:
        return not self.inputs

    def layer(self, name: str) -> NetLayer:
        for layer in self.layers:
            if layer.name == name:
                return layer
        raise KeyError(name)

    def totals(self) -> dict[str, int]:
        ls = self.layers
        return {
            "macs": sum(l.macs for l in ls),
            "ops": sum(l.ops for l in ls),
            "params": sum(l.params for l in ls),
            "weights": sum(l.weights for l in ls),
            "biases": sum(l.biases for l in ls),
            "bn_params": sum(l.bn_params for l in ls),
            "layers": len(ls),
        }


def build_network(
    name: str,
    specs: Iterable[LayerSpec],
    inputs: Mapping[str, Tensor] | None = None,
    *,
    file: str | None = None,
    description: str = "",
    source: str = "",
) -> Network:
    """Check the layers, order them topologically and infer every tensor's shape."""
    specs = list(specs)
    inputs = dict(inputs or {})
    by_name: dict[str, LayerSpec] = {}
    for spec in specs:
        at = Where(file, f"layer '{spec.name}'")
        if spec.name in by_name or spec.name in inputs:
            raise at.error("duplicate name", expected="each layer and input named once", found=spec.name)
        by_name[spec.name] = spec

    graph = nx.DiGraph()
    graph.add_nodes_from(inputs)
    for index, spec in enumerate(specs):
        graph.add_node(spec.name, index=index)
        at = Where(file, f"layer '{spec.name}'")
        lo, hi = spec.op.arity
        if inputs:
            if not spec.inputs:
                raise at.error("missing 'inputs'", expected="the names of the layers or network inputs it reads")
            n = len(spec.inputs)
            if n < lo or (hi is not None and n > hi):
                want = f"{lo}" if lo == hi else f"at least {lo}" if hi is None else f"{lo} to {hi}"
                raise at.at("inputs").error(f"wrong number of inputs for {spec.op.type}", expected=want, found=n)
            for src in spec.inputs:
                if src not in by_name and src not in inputs:
                    known = list(by_name) + list(inputs)
                    raise at.at("inputs").error(
                        f"unknown input '{src}'{did_you_mean(src, known)}",
                        expected="the name of a layer or network input",
                        found=src,
                    )
                graph.add_edge(src, spec.name)
        else:
            if spec.inputs:
                raise at.at("inputs").error(
                    "a list of standalone layers has no graph",
                    expected="no 'inputs' (or give the workload an 'input' to make it a graph)",
                    found=list(spec.inputs),
                )
            if lo > 1:
                raise at.error(
                    f"a standalone {spec.op.type} layer cannot be described",
                    expected="a single-input layer type in a list of standalone layers",
                    found=spec.op.type,
                )
            missing = [k for k in "CHW" if k not in spec.stated_dict()]
            if missing:
                raise at.error(
                    f"a standalone layer must state its input size (missing {', '.join(missing)})",
                    expected="C, H and W",
                )

    try:
        cycle = nx.find_cycle(graph)
    except nx.NetworkXNoCycle:
        cycle = None
    if cycle:
        path = " -> ".join([u for u, _ in cycle] + [cycle[0][0]])
        raise AccelsimError("the layers form a cycle", file=file, where="inputs", expected="a DAG", found=path)

    order = list(nx.lexicographical_topological_sort(graph, key=lambda n: graph.nodes[n].get("index", -1)))
    tensors: dict[str, Tensor] = dict(inputs)
    consumers = {n: list(graph.successors(n)) for n in graph}
    resolved: list[NetLayer] = []
    for lname in order:
        if lname in inputs:
            continue
        spec = by_name[lname]
        at = Where(file, f"layer '{lname}'")
        stated = spec.stated_dict()
        if inputs:
            ins = tuple(tensors[s] for s in spec.inputs)
            if stated.keys() & set("CHW"):
                if len(ins) != 1:
                    raise at.error("C, H, W can only be stated for a layer with one input")
                for k in "CHW":
                    if k in stated and stated[k] != getattr(ins[0], k):
                        raise at.at(k).error(
                            "stated input size disagrees with the inferred one",
                            expected=f"{k}={getattr(ins[0], k)} (from '{spec.inputs[0]}')",
                            found=stated[k],
                        )
        else:
            ins = (Tensor(stated["C"], stated["H"], stated["W"]),)
        out = spec.op.infer(ins, at)
        for k, dim in (("E", "H"), ("F", "W")):
            if k in stated and stated[k] != getattr(out, dim):
                raise at.at(k).error(
                    "stated output size disagrees with the inferred one",
                    expected=f"{k}={getattr(out, dim)}",
                    found=stated[k],
                )
        tensors[lname] = out
        folded = False
        if isinstance(spec.op, BatchNorm) and spec.op.fold and inputs:
            src = spec.inputs[0]
            folded = src in by_name and isinstance(by_name[src].op, (Conv, FC)) and consumers[src] == [lname]
        resolved.append(NetLayer(lname, spec.op, spec.inputs, ins, out, folded, spec.stated))

    return Network(
        name=name,
        layers=tuple(resolved),
        inputs=tuple(inputs.items()),
        description=description,
        source=source,
        graph=graph,
    )
