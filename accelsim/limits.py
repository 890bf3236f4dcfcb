"""The largest sizes accelsim accepts, checked when a workload is loaded and when a run starts.

- :data:`MAX_FIELD`: any whole number in an input file (a dim, a stride, a buffer size, a
  SCALE-Sim height): 2³¹ − 1.
- :data:`MAX_MACS`: the MACs of a network at its batch, 2⁵⁶ ≈ 7.2·10¹⁶: the engine counts in
  int64 (at most 2⁶³ − 1), and every access count of a layer is a small multiple of its MACs
  (an RF reads ≤ 3 operands and writes ≤ 1 per MAC), so 2⁵⁶ leaves a factor of 64 spare.
- :data:`MAX_TENSOR`: the largest input, output or weight tensor of one layer at its batch,
  2³⁰ ≈ 1.07·10⁹ elements: the mapper's search needs memory and time that grow with it
  (measured on this 2-core machine, eyeriss: a 3×2048×2048 input, 6.7·10⁷ outputs, 8 s and
  170 MB; C = M = 16384 (2.4·10⁹ weights) 111 s and 1.6 GB; 3×16384×16384 (4.3·10⁹ outputs)
  over 200 s and 10 GB; a batch of 10⁷ of a 16×6×6 output 40 s and 0.9 GB).
- :data:`MAX_BATCH`: 2²⁰ = 1,048,576.
- SCALE-Sim inputs: every operand of a layer's GEMM (E·F × R·S·C, R·S·C × M, E·F × M) at
  most :data:`MAX_TENSOR` elements, and a ``DP`` row (one layer per channel) at most
  :data:`MAX_DP_CHANNELS` = 65,536 channels.

Every refusal is one :class:`~accelsim.errors.AccelsimError` that names the layer, the size
found and the limit.
"""
from __future__ import annotations

from typing import Any

from .errors import AccelsimError

MAX_FIELD = 2**31 - 1
MAX_MACS = 2**56
MAX_TENSOR = 2**30
MAX_BATCH = 2**20
MAX_DP_CHANNELS = 2**16


def check_batch(batch: object, where: str = "--batch") -> None:
    if isinstance(batch, bool) or not isinstance(batch, int) or batch < 1:
        raise AccelsimError("batch must be a positive whole number", where=where, expected="an integer >= 1", found=batch)
    if batch > MAX_BATCH:
        raise AccelsimError("the batch is larger than accelsim accepts", where=where,
                            expected=f"at most {MAX_BATCH:,} (accelsim/limits.py)", found=batch)


def check_network(net: Any, batch: int = 1, file: str | None = None) -> None:
    """Refuse a network whose counts at ``batch`` would not fit int64 or whose tensors the
    mapper's search cannot hold (see the module's doc)."""
    check_batch(batch)
    total = 0
    for layer in net.layers:
        sizes = {"input": layer.ifmap_size, "output": layer.ofmap_size}
        weights = layer.weight_size  # no batch: the same weights for every image
        for what, n in sizes.items():
            if n * batch > MAX_TENSOR:
                raise _too_large(file or getattr(net, "file", None), layer.name, f"the {what} at batch {batch}", n * batch, MAX_TENSOR, "elements")
        if weights > MAX_TENSOR:
            raise _too_large(file or getattr(net, "file", None), layer.name, "the weights", weights, MAX_TENSOR, "elements")
        total += layer.macs * batch
        if layer.macs * batch > MAX_MACS:
            raise _too_large(file or getattr(net, "file", None), layer.name, f"the MACs at batch {batch}", layer.macs * batch, MAX_MACS, "MACs")
    if total > MAX_MACS:
        raise _too_large(file or getattr(net, "file", None), None, f"the network's MACs at batch {batch}", total, MAX_MACS, "MACs")


def _too_large(file: str | None, layer: str | None, what: str, found: int, limit: int, unit: str) -> AccelsimError:
    return AccelsimError(
        f"{what}: {found:.3g} {unit}, more than accelsim accepts", file=file,
        where=f"layer '{layer}'" if layer else None,
        expected=f"at most {limit:,} {unit} ({limit:.3g}; the limits are stated in accelsim/limits.py)",
        found=found,
    )
