"""Which layers are views, and which are fused into the write-back of the layer before them.

Always (``--fusion none`` and up, today's model): a folded batch norm is part of its
conv/fc; an activation whose one input is a conv/fc (or an already fused layer) feeding
only it is applied on the way out.

From ``--fusion ops`` (the SIMD unit on the array's output path, ``simd.on_output_path``),
a layer L is fused into the write-back of its *stream* input's producer P when P is a
conv/fc or already fused, P's output has L as its only consumer, and:

- activation, batch norm: always (element-wise);
- max/avg pool: P's chain starts at a conv and the pool's window fits that conv's GLB
  output tile (the tile covers whole E×F planes, or the windows do not overlap — kernel
  = stride, no padding — and the tile's E and F are multiples of the kernel); checked
  once the conv is mapped (:func:`pool_fits`), else the pool runs as its own layer;
- global pool: always (a reduction as the values leave the array);
- add, scale (k inputs): the stream is the input produced last; every other input (the
  shortcut, the squeeze-excite feature map) is already stored, and is read once as the
  stream leaves the array; the sum or product is written once.

The SIMD unit's lanes: fused work overlaps its producer; if its operations (or its side
reads from DRAM) take longer than the producer's cycles, the excess is added to the
fused layer's cycles (:mod:`.cost`).
"""
from __future__ import annotations

from ..workload import Network
from ..workload.ops import FC, Activation, Add, BatchNorm, Concat, Conv, GlobalPool, Op, Pool, Scale, Shuffle, Slice

VIEWS = (Concat, Slice, Shuffle)


def is_view(op: Op) -> bool:
    """concat, slice (channel split), channel shuffle: a layout, not new values."""
    return isinstance(op, VIEWS)


def fused_layers(net: Network, consumers: dict[str, list[str]], ops: bool,
                 unfused: frozenset[str]) -> tuple[dict[str, tuple[str, str]], list[tuple[str, str]]]:
    """layer -> (its stream input, the rule that fused it); and the pools whose fusion
    waits for their conv's tile, as (pool, conv)."""
    by_name = {l.name: l for l in net.layers}
    pos = {l.name: i for i, l in enumerate(net.layers)}
    fused: dict[str, tuple[str, str]] = {}
    head: dict[str, str] = {}
    pending: list[tuple[str, str]] = []

    def producer_ok(src: str, layer: str) -> bool:
        s = by_name.get(src)
        return s is not None and (isinstance(s.op, (Conv, FC)) or src in fused) and consumers.get(src) == [layer]

    for l in net.layers:
        if isinstance(l.op, BatchNorm) and l.folded:
            fused[l.name] = (l.inputs[0], "a batch norm folded into the conv's weights and bias")
        elif isinstance(l.op, Activation) and len(l.inputs) == 1 and producer_ok(l.inputs[0], l.name):
            fused[l.name] = (l.inputs[0], f"{l.op.fn} applied on the way out (one consumer)")
        elif not ops:
            continue
        elif isinstance(l.op, BatchNorm) and producer_ok(l.inputs[0], l.name):
            fused[l.name] = (l.inputs[0], "batch norm applied on the way out (one consumer)")
        elif isinstance(l.op, Pool) and producer_ok(l.inputs[0], l.name) and l.name not in unfused:
            h = head.get(l.inputs[0], l.inputs[0])
            if isinstance(by_name[h].op, Conv):
                fused[l.name] = (l.inputs[0], f"{l.type} on the way out (one consumer; its window fits {h}'s output tile)")
                pending.append((l.name, h))
        elif isinstance(l.op, GlobalPool) and producer_ok(l.inputs[0], l.name):
            fused[l.name] = (l.inputs[0], "global pool reduced on the way out (one consumer)")
        elif isinstance(l.op, (Add, Scale)):
            heads = {s: pos[head.get(s, s)] if s in pos else -1 for s in l.inputs}  # -1: a network input
            if len(set(l.inputs)) == len(l.inputs):
                stream = max(l.inputs, key=lambda s: heads[s])
                others_before = all(heads[s] < heads[stream] for s in l.inputs if s != stream)
                if producer_ok(stream, l.name) and others_before:
                    what = "the residual add" if isinstance(l.op, Add) else "the squeeze-excite scale"
                    fused[l.name] = (stream, f"{what} on the way out: the other input{'s' if len(l.inputs) > 2 else ''} "
                                             f"read once, the result written once (one consumer)")
        if l.name in fused:
            head[l.name] = head.get(fused[l.name][0], fused[l.name][0])
    return fused, pending


def pool_fits(pool, conv_shape, t1: tuple[int, ...]) -> bool:
    """Whether a pool's windows fit the conv's GLB output tile (``t1`` over N G M C E F)."""
    te, tf = t1[4], t1[5]
    if te >= conv_shape.E and tf >= conv_shape.F:
        return True
    op = pool.op
    no_overlap = op.R == op.stride and op.S == op.stride and not any(op.pad)
    return no_overlap and te % op.R == 0 and tf % op.S == 0


def always_fused(net: Network) -> set[str]:
    """The layers fused at every level, ``--fusion none`` included (folded batch norms and
    activations on the way out of a conv/fc)."""
    consumers: dict[str, list[str]] = {}
    for l in net.layers:
        for s in l.inputs:
            consumers.setdefault(s, []).append(l.name)
    return set(fused_layers(net, consumers, False, frozenset())[0])
