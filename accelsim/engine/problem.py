"""One conv/fc layer as the engine sees it: the loop bounds with the groups made explicit.

Dims (Sze et al.'s notation): N batch, G groups, M filters per group, C input channels
per group, E×F output, R×S filter; plus H×W input, U stride, D dilation and the
top/left padding pt, pl (bottom/right padding only shapes E and F).
Each data type depends on a fixed set of dims, declared once here; reuse is derived from
it: weight w[g,m,c,r,s], ifmap i[n,g,c,y,x] (y = e·U − pt + r·D, x = f·U − pl + s·D),
output o[n,g,m,e,f].
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..workload.tensor import Shape

DIMS = ("N", "G", "M", "C", "E", "F", "R", "S")
N, G, M, C, E, F, R, S = range(8)

# Which dims each data type's elements depend on (ifmap through y(E,R), x(F,S)).
DEPENDS: dict[str, tuple[str, ...]] = {
    "weight": ("G", "M", "C", "R", "S"),
    "ifmap": ("N", "G", "C", "E", "F", "R", "S"),
    "output": ("N", "G", "M", "E", "F"),
}
REDUCTION = ("C", "R", "S")  # the dims an output is summed over


@dataclass(frozen=True)
class Problem:
    N: int
    G: int
    M: int
    C: int
    E: int
    F: int
    R: int
    S: int
    H: int
    W: int
    U: int = 1
    D: int = 1
    pt: int = 0
    pl: int = 0

    @classmethod
    def from_shape(cls, shape: Shape, batch: int | None = None) -> "Problem":
        return cls(
            N=batch if batch is not None else shape.N,
            G=shape.G,
            M=shape.M // shape.G,
            C=shape.C // shape.G,
            E=shape.E,
            F=shape.F,
            R=shape.R,
            S=shape.S,
            H=shape.H,
            W=shape.W,
            U=shape.U,
            D=shape.dilation,
            pt=shape.pad[0],
            pl=shape.pad[2],
        )

    @property
    def bounds(self) -> tuple[int, ...]:
        return (self.N, self.G, self.M, self.C, self.E, self.F, self.R, self.S)

    @property
    def macs(self) -> int:
        return int(np.prod(self.bounds, dtype=np.int64))

    def as_array(self) -> np.ndarray:
        """The plain int64 array the numba kernels take: the 8 bounds, then H W U D pt pl."""
        return np.array([*self.bounds, self.H, self.W, self.U, self.D, self.pt, self.pl], dtype=np.int64)
