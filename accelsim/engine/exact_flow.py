"""Exact mode through the network: every feature map's 0/1 mask, layer to layer.

The expected mode carries *densities* from tensor to tensor (compress/loader.py's
``feature_map_densities``); exact mode carries the masks themselves, batch included,
each stored tensor as an (N, C, H, W) array of bools (True: a non-zero). The rules
(docs/engine.md §9.3), in network order:

- The network's inputs are dense (all ones).
- A conv/fc layer's weight and ofmap masks are drawn at their stated densities from the
  seed sequence (seed, layer index) (engine/exact.py's :func:`~.exact.layer_masks`), or
  read from the compression's ``.npy`` files. The ofmap mask is *not* computed from
  values — accelsim has no values — it stands for what the layer's ReLU leaves: a mask
  at the stated ofmap density, 1 (all ones) where none is stated. A ReLU fused or
  following keeps that mask.
- Its ifmap mask is its producer's ofmap mask, exactly, wherever the compression gives
  the ifmap density from the producer (the layer states no ifmap density of its own, or
  ``density_from: producer``: the rule of ``resolve``); where the layer states its own
  ifmap density, the mask is drawn at it from the layer's seed (as the expected mode
  takes the stated density over the producer's); a user's ifmap ``.npy`` always wins.
- A non-MAC layer that states its own ``ofmap: {density: …}`` gets a mask drawn at it
  (seed sequence (seed, layer index)). Otherwise its op's rule on the masks, the exact
  counterpart of ``Op.density``: max and average pool — an output is non-zero iff any
  real (unpadded) input of its window is (OR over the window; a mean of non-negative
  values is zero only where all are); global pool — OR over H × W; add, and eltwise
  add/sub/max/min of several tensors — OR; scale and eltwise mul — AND (the factor
  broadcast over H × W); eltwise div/pow — the first input's mask; concat — the masks
  stacked along C; slice — its channels; shuffle — the channels permuted as the op
  does; ReLU-like activations, LRN and a batch norm folded into its conv — the input's
  mask; sigmoid, a batch norm of its own, eltwise of one tensor and a constant (add …)
  and unmodelled ops — dense. The rest (shift, crop, interleave, gather: data movement
  whose exact placement accelsim does not model) get a mask drawn at the density the
  expected mode's rule gives, channel by channel, from the layer's seed [I].
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..compress.loader import ifmap_from_producer
from ..compress.spec import Compression, LayerCompression
from ..workload import NetLayer, Network
from ..workload.ops import (FC, LRN, Activation, Add, AvgPool, BatchNorm, Concat, Conv, Eltwise, GlobalPool, MaxPool,
                            Opaque, Scale, Shuffle, Slice)
from .exact import LayerMasks, layer_masks
from .problem import Problem


@dataclass(frozen=True)
class NetworkMasks:
    """``maps``: every tensor's mask (N, C, H, W) — the network's inputs and each layer's
    output; ``layers``: every conv/fc layer's masks in the engine's layouts."""

    maps: dict[str, np.ndarray]
    layers: dict[str, LayerMasks]


def window_or(x: np.ndarray, R: int, S: int, stride: int, pad: tuple[int, int, int, int], E: int, F: int) -> np.ndarray:
    """(N, C, E, F): True where any real input of the R×S window (``stride``, ``pad`` = top,
    bottom, left, right; windows past the padded edge — ceil mode — see only padding there)
    is True. Padding is never a non-zero."""
    n, c, h, w = x.shape
    ph = max(h + pad[0] + pad[1], (E - 1) * stride + R)
    pw = max(w + pad[2] + pad[3], (F - 1) * stride + S)
    xp = np.zeros((n, c, ph, pw), bool)
    xp[:, :, pad[0]:pad[0] + h, pad[2]:pad[2] + w] = x
    out = np.zeros((n, c, E, F), bool)
    for r in range(R):
        for s in range(S):
            out |= xp[:, :, r:r + stride * (E - 1) + 1:stride, s:s + stride * (F - 1) + 1:stride]
    return out


def drawn(shape: tuple[int, ...], channel_density: np.ndarray, seed: int, index: int) -> np.ndarray:
    """A mask of ``shape`` (N, C, H, W), each element of channel c non-zero independently
    with probability ``channel_density[c]``, from the seed sequence (seed, index)."""
    rng = np.random.default_rng(np.random.SeedSequence((seed, index)))
    d = np.broadcast_to(np.asarray(channel_density, np.float64), (shape[1],))
    if (d >= 1.0).all():
        return np.ones(shape, bool)
    return rng.random(shape) < d[None, :, None, None]


def simd_mask(layer: NetLayer, ins: list[np.ndarray], comp: Compression, seed: int, index: int, batch: int) -> np.ndarray:
    """A non-MAC layer's output mask from its inputs' (the rules in the module doc)."""
    op, out = layer.op, layer.out
    shape = (batch, out.C, out.H, out.W)
    own = comp.layers.get(layer.name)
    if own is not None and own.ofmap.density is not None:
        return drawn(shape, np.full(out.C, own.ofmap.density), seed, index)
    if layer.folded:
        return ins[0]
    if isinstance(op, (MaxPool, AvgPool)):
        return window_or(ins[0], op.R, op.S, op.stride, op.pad, out.H, out.W)
    if isinstance(op, GlobalPool):
        return ins[0].any(axis=(2, 3), keepdims=True)
    if isinstance(op, Add):
        return np.logical_or.reduce(ins)
    if isinstance(op, Concat):
        return np.concatenate(ins, axis=1)
    if isinstance(op, Scale):
        return ins[0] & ins[1]
    if isinstance(op, Slice):
        return ins[0][:, op.start:op.stop]
    if isinstance(op, Shuffle):
        n, c, h, w = ins[0].shape
        return ins[0].reshape(n, op.groups, c // op.groups, h, w).transpose(0, 2, 1, 3, 4).reshape(n, c, h, w)
    if isinstance(op, Activation):
        return np.ones(shape, bool) if op.fn in ("sigmoid", "hsigmoid") else ins[0]
    if isinstance(op, LRN):
        return ins[0]
    if isinstance(op, (BatchNorm, Opaque)):
        return np.ones(shape, bool)
    if isinstance(op, Eltwise):
        if op.fn == "mul":
            return np.logical_and.reduce(ins)
        if op.fn in ("div", "pow"):
            return ins[0]
        return np.logical_or.reduce(ins) if len(ins) > 1 else np.ones(shape, bool)
    dens = tuple(m.mean(axis=(0, 2, 3)) for m in ins)
    return drawn(shape, np.asarray(op.density(layer.ins, dens, out), np.float64), seed, index)


def network_masks(comp: Compression, net: Network, per_layer: dict[str, LayerCompression], batch: int,
                  seed: int) -> NetworkMasks:
    """Every tensor's mask and every conv/fc layer's masks for an exact run (module doc)."""
    maps: dict[str, np.ndarray] = {n: np.ones((batch, t.C, t.H, t.W), bool) for n, t in net.inputs}
    layers: dict[str, LayerMasks] = {}
    for i, layer in enumerate(net.layers):
        out = layer.out
        if isinstance(layer.op, (Conv, FC)):
            p = Problem.from_shape(layer.shape, batch)
            lc = per_layer[layer.name]
            lm = layer_masks(p, lc, seed, i)
            src = maps.get(layer.inputs[0]) if layer.inputs else None
            if (src is not None and lc.ifmap.mask is None and ifmap_from_producer(comp, layer.name)
                    and src.size == lm.ifmap.size):
                lm = LayerMasks(lm.weight, src.reshape(lm.ifmap.shape), lm.ofmap)
            layers[layer.name] = lm
            maps[layer.name] = lm.ofmap.reshape(batch, out.C, out.H, out.W)
        else:
            ins = [maps[s] for s in layer.inputs]
            maps[layer.name] = simd_mask(layer, ins, comp, seed, i, batch)
    return NetworkMasks(maps, layers)
