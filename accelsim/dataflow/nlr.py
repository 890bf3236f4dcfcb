"""No local reuse (NLR): no register file at all; every operand comes from the GLB.

Sze et al., Proc. IEEE 2017, §V-B3 (DianNao, DaDianNao); Chen et al., ISCA 2016 "NLR".
The array holds C channels (rows) × M filters (cols). Each cycle every PE multiplies a
weight read for it alone by an ifmap value multicast along its row; the column adds the
C products and the sum is accumulated into the psum in the GLB — read and written again
for every MAC step::

    for g, m_blk, c_blk, n_blk, e_blk, f_blk:     # passes
        parallel-for c in rows, m in cols:        # the PE array
            for n, e, f, r, s:                    # one MAC per cycle
                o[n][m][e][f] += Σ_c w[m][c][r][s] * i[n][c][e·U+r][f·U+s]   # psum in the GLB
"""
from .base import Dataflow

NLR = Dataflow(
    name="nlr",
    title="no local reuse",
    rows=("C",),
    cols=("M",),
    rf_order=("N", "E", "F", "R", "S"),
    keep={"weight": "mac", "ifmap": "mac", "psum": "mac"},
    pass_order=("G", "M", "C", "R", "S", "N", "E", "F"),
    uses_rf=False,
    full_in_pass=("R", "S"),
    description="no RF: weights and ifmaps come from the GLB for every MAC, psums go back to it",
    reference="Sze et al., Proc. IEEE 105(12), 2017, §V-B3; Chen et al., ISCA 2016",
)
