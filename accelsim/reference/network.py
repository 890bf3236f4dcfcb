"""The network-level reference: real tensors moved through DRAM and the GLB as a schedule says.

:func:`scheduled_forward` runs a (small) network with random integer tensors the way a
:class:`~accelsim.schedule.Schedule` decided: each stored tensor is written to the store
the schedule named (a dict standing for DRAM, one for the GLB) by the write-back of the
layer that produces it, read back from that store by its consumers — a tensor asked for
where it is not raises — and freed from the GLB after its last reader; a view is never
stored, its consumers assemble it from the stored tensors it is made of; work fused into
a write-back is applied to the values on their way out. Every element read or written is
counted from the arrays actually moved, per layer and store. :func:`plain_forward` is the
same network as a plain NumPy forward pass, no stores at all; the two must agree.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..workload import NetLayer, Network
from ..workload.ops import FC, LRN, Activation, Add, BatchNorm, Concat, Conv, GlobalPool, MaxPool, Pool, Scale, Shift, Shuffle, Slice
from .conv import conv2d


def _params(net: Network, seed: int) -> dict[str, tuple[np.ndarray, ...]]:
    rng = np.random.default_rng(seed)
    out: dict[str, tuple[np.ndarray, ...]] = {}
    for l in net.layers:
        if isinstance(l.op, Conv):
            c = l.ins[0].C // l.op.groups
            out[l.name] = (rng.integers(-2, 3, (l.out.C, c, l.op.R, l.op.S)).astype(np.int64),)
        elif isinstance(l.op, FC):
            out[l.name] = (rng.integers(-2, 3, (l.out.C, l.ins[0].size)).astype(np.int64),)
        elif isinstance(l.op, BatchNorm) and not l.folded:
            out[l.name] = (rng.integers(1, 3, l.out.C).astype(np.int64), rng.integers(-2, 3, l.out.C).astype(np.int64))
    return out


def _act(fn: str, x: np.ndarray) -> np.ndarray:
    if fn == "relu":
        return np.maximum(x, 0)
    if fn == "relu6":
        return np.clip(x, 0, 6)
    # the others are smooth: an exact integer stand-in keeps the comparison exact
    return np.where(x > 0, x, x // 2)


def _pool(l: NetLayer, x: np.ndarray) -> np.ndarray:
    op = l.op
    n, c = x.shape[:2]
    e, f = l.out.H, l.out.W
    hi = max(0, (e - 1) * op.stride + op.R - x.shape[2] - op.pad[0])
    wi = max(0, (f - 1) * op.stride + op.S - x.shape[3] - op.pad[2])
    fill = np.iinfo(np.int64).min if isinstance(op, MaxPool) else 0
    xp = np.pad(x, ((0, 0), (0, 0), (op.pad[0], hi), (op.pad[2], wi)), constant_values=fill)
    out = np.full((n, c, e, f), fill if isinstance(op, MaxPool) else 0, np.int64)
    for r in range(op.R):
        for s in range(op.S):
            win = xp[:, :, r: r + op.stride * (e - 1) + 1: op.stride, s: s + op.stride * (f - 1) + 1: op.stride]
            out = np.maximum(out, win) if isinstance(op, MaxPool) else out + win
    return out


def apply(l: NetLayer, xs: list[np.ndarray], params: dict) -> np.ndarray:
    """One layer's output from its inputs (N, C, H, W), in exact integers."""
    op = l.op
    x = xs[0]
    if isinstance(op, Conv):
        return conv2d(x, params[l.name][0], op.stride, op.pad, op.dilation, op.groups)[:, :, : l.out.H, : l.out.W]
    if isinstance(op, FC):
        return (x.reshape(x.shape[0], -1) @ params[l.name][0].T).reshape(x.shape[0], -1, 1, 1)
    if isinstance(op, BatchNorm):
        if l.folded:
            return x
        g, b = params[l.name]
        return x * g[None, :, None, None] + b[None, :, None, None]
    if isinstance(op, Activation):
        return _act(op.fn, x)
    if isinstance(op, Pool):
        return _pool(l, x)
    if isinstance(op, GlobalPool):
        return (x.max(axis=(2, 3)) if op.kind == "max" else x.sum(axis=(2, 3)))[:, :, None, None]
    if isinstance(op, Add):
        return sum(xs[1:], xs[0])
    if isinstance(op, Scale):
        return xs[0] * xs[1]
    if isinstance(op, Concat):
        return np.concatenate(xs, axis=1)
    if isinstance(op, Slice):
        return x[:, op.start: op.stop]
    if isinstance(op, Shuffle):
        n, c, h, w = x.shape
        return x.reshape(n, op.groups, c // op.groups, h, w).transpose(0, 2, 1, 3, 4).reshape(n, c, h, w)
    if isinstance(op, (LRN, Shift)):
        raise NotImplementedError(f"the network reference has no {l.type} layer")
    raise NotImplementedError(l.type)


def inputs_for(net: Network, batch: int, seed: int) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed + 1)
    return {n: rng.integers(-3, 4, (batch, t.C, t.H, t.W)).astype(np.int64) for n, t in net.inputs}


def plain_forward(net: Network, batch: int = 1, seed: int = 0) -> dict[str, np.ndarray]:
    """Every layer's output, by a plain forward pass in network order."""
    params = _params(net, seed)
    vals = inputs_for(net, batch, seed)
    for l in net.layers:
        vals[l.name] = apply(l, [vals[s] for s in l.inputs], params)
    return vals


@dataclass
class Traffic:
    """Elements moved at one layer's boundary, per store."""

    reads: dict[str, int] = field(default_factory=lambda: {"DRAM": 0, "GLB": 0})
    writes: dict[str, int] = field(default_factory=lambda: {"DRAM": 0, "GLB": 0})


@dataclass
class ScheduledRun:
    outputs: dict[str, np.ndarray]  # the network's outputs (layers nobody consumes), read back from DRAM
    traffic: dict[str, Traffic]  # per layer
    glb_peak: dict[str, int]  # per layer: elements held in the GLB while it ran


def scheduled_forward(net: Network, sched, batch: int = 1, seed: int = 0) -> ScheduledRun:
    """Run ``net`` as ``sched`` decided (see the module doc)."""
    params = _params(net, seed)
    places = {t.tensor: t for t in sched.tensors}
    steps = {s.layer: s for s in sched.steps}
    by_name = {l.name: l for l in net.layers}
    store: dict[str, dict[str, np.ndarray]] = {"DRAM": dict(inputs_for(net, batch, seed)), "GLB": {}}
    traffic = {l.name: Traffic() for l in net.layers}
    peak: dict[str, int] = {}
    chains: dict[str, list[NetLayer]] = {}
    for l in net.layers:
        if steps[l.name].role == "fused":
            chains.setdefault(steps[l.name].into, []).append(l)

    def fetch(name: str, reader: str | None, chans: np.ndarray | None = None) -> np.ndarray:
        """Channels ``chans`` (all if None) of tensor ``name``, from where it lives;
        a view reads only the channels it is made of."""
        p = places[name]
        if p.home == "view":
            v = by_name[name]
            c = np.arange(v.out.C) if chans is None else chans
            if isinstance(v.op, Slice):
                return fetch(v.inputs[0], reader, c + v.op.start)
            if isinstance(v.op, Shuffle):
                perm = apply(v, [np.arange(v.out.C).reshape(1, -1, 1, 1)], params).reshape(-1)
                return fetch(v.inputs[0], reader, perm[c])
            out = np.empty((batch, len(c), v.out.H, v.out.W), np.int64)
            lo = 0
            for s, t in zip(v.inputs, v.ins):
                sel = (c >= lo) & (c < lo + t.C)
                if sel.any():
                    out[:, sel] = fetch(s, reader, c[sel] - lo)
                lo += t.C
            return out
        value = store[p.home][name]  # KeyError: not where the schedule says
        if chans is not None:
            value = value[:, chans]
        if reader is not None:
            traffic[reader].reads[p.home] += value.size
        return value

    def put(name: str, value: np.ndarray, writer: str) -> None:
        p = places[name]
        if p.home in ("DRAM", "GLB"):
            store[p.home][name] = value
            traffic[writer].writes[p.home] += value.size

    for l in net.layers:
        step = steps[l.name]
        if step.role in ("view", "fused"):
            continue
        out = apply(l, [fetch(s, l.name) for s in l.inputs], params)
        put(l.name, out, l.name)
        vals = {l.name: out}
        for f in chains.get(l.name, []):
            stream = next(s for s in f.inputs if s in vals)
            xs = [vals[s] if s == stream else fetch(s, f.name) for s in f.inputs]
            vals[f.name] = apply(f, xs, params)
            put(f.name, vals[f.name], l.name)
        peak[l.name] = sum(v.size for v in store["GLB"].values())
        for f in chains.get(l.name, []):
            peak[f.name] = peak[l.name]
        for name in [n for n, p in places.items() if p.home == "GLB" and p.last in {l.name}]:
            store["GLB"].pop(name, None)
    consumed = {s for l in net.layers for s in l.inputs}
    outs = {l.name: fetch(l.name, None) for l in net.layers if l.name not in consumed}
    return ScheduledRun(outs, traffic, peak)
