"""Feature-map tensors and the conv-shape record in the course's notation.

Symbols (Sze et al., Eyeriss): N batch, M output channels, C input channels, H×W input
feature map, R×S filter, E×F output feature map, U stride, G groups (G = C = M is
depthwise). Padding and dilation complete the description of a convolution.
"""
from __future__ import annotations

from dataclasses import dataclass, replace


@dataclass(frozen=True)
class Tensor:
    """A feature map of one batch element: C channels of H × W."""

    C: int
    H: int
    W: int

    @property
    def size(self) -> int:
        return self.C * self.H * self.W

    def __str__(self) -> str:
        return f"{self.C}x{self.H}x{self.W}"


@dataclass(frozen=True)
class Shape:
    """A layer in the N M C H W R S E F U G notation (plus padding and dilation).

    Every layer type has one: a convolution literally; an FC layer is the convolution
    with R = H, S = W and E = F = 1; a pool is a per-channel (G = C = M) window; the
    other element-wise layers are 1 × 1 windows over their input.
    """

    N: int
    M: int
    C: int
    H: int
    W: int
    R: int
    S: int
    E: int
    F: int
    U: int = 1
    G: int = 1
    pad: tuple[int, int, int, int] = (0, 0, 0, 0)  # top, bottom, left, right
    dilation: int = 1

    def with_batch(self, n: int) -> "Shape":
        return replace(self, N=n)

    def to_dict(self) -> dict[str, object]:
        d: dict[str, object] = {k: getattr(self, k) for k in "NMCHWRSEFUG"}
        d["padding"] = list(self.pad)
        d["dilation"] = self.dilation
        return d

    @property
    def macs(self) -> int:
        """N·M·E·F·(C/G)·R·S."""
        return self.N * self.M * self.E * self.F * (self.C // self.G) * self.R * self.S

    def __str__(self) -> str:
        s = " ".join(f"{k}={getattr(self, k)}" for k in "NMCHWRSEFUG")
        if any(self.pad):
            s += f" pad={list(self.pad)}"
        if self.dilation != 1:
            s += f" D={self.dilation}"
        return s
