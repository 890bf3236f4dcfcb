"""Output stationary (OS): each PE keeps one psum and accumulates all its products.

Sze et al., Proc. IEEE 2017, §V-B2 (ShiDianNao, Du et al. ISCA 2015 — the "OS_A" kind of
Chen et al., ISCA 2016: many output pixels of one output channel at a time).
PE (e, f) owns output pixel o[n][m][e][f]; weights are broadcast to every PE and the
ifmap pixels each PE needs stream in; the psum never leaves the PE until it is done::

    for g, n_blk, m_blk, e_blk, f_blk, c_blk:       # passes
        parallel-for e in rows, f in cols:          # the PE array: a block of outputs
            for n, m:                               # temporal, inside the PE
                psum = 0                            # stationary in the RF
                for c, r, s:                        # one MAC per cycle
                    psum += w[m][c][r][s] * i[n][c][e·U+r][f·U+s]   # w broadcast, i streamed
                o[n][m][e][f] += psum
"""
from .base import Dataflow

OS = Dataflow(
    name="os",
    title="output stationary",
    rows=("E",),
    cols=("F",),
    rf_order=("N", "M", "C", "R", "S"),
    keep={"weight": "mac", "ifmap": "mac", "psum": "M"},
    pass_order=("G", "N", "M", "E", "F", "C", "R", "S"),
    full_in_pass=("R", "S"),
    description="each PE accumulates its own output in the RF; weights are broadcast and ifmaps stream in",
    reference="Sze et al., Proc. IEEE 105(12), 2017, §V-B2; Du et al., ISCA 2015; Chen et al., ISCA 2016 (OS_A)",
)


# On a systolic array (SCALE-Sim's "os"; ShiDianNao forwards ifmaps between neighbours):
# each PE row owns one output pixel (e, f), each column one filter m; ifmap values enter
# the rows from the left and weights the columns from the top, skewed, both forwarded;
# the psum stays in the PE until its C·R·S products are in::
#
#     parallel-for (e, f) in rows, m in cols:
#         for n:
#             psum = 0                                # stationary
#             for c, r, s:                            # one product per cycle (skewed)
#                 psum += w[m][c][r][s] * i[n][c][e·U+r][f·U+s]
OS_SYSTOLIC = Dataflow(
    name="os",
    title="output stationary (systolic)",
    rows=("E", "F"),
    cols=("M",),
    rf_order=("N", "C", "R", "S"),
    keep={"weight": "mac", "ifmap": "mac", "psum": "N"},
    pass_order=("G", "N", "M", "E", "F", "C", "R", "S"),
    description="one output pixel per PE row; ifmaps forwarded along rows, weights down columns",
    reference="Samajdar et al., SCALE-Sim, 2018; Du et al., ISCA 2015",
)
