"""Weight stationary (WS): each PE keeps its filter weights; ifmaps stream past them.

Sze et al., Proc. IEEE 2017, §V-B1 (nn-X, NeuFlow, the TPU); Chen et al., ISCA 2016 "WS".
The array holds a block of C channels (rows) × M filters (cols); PE (c, m) keeps the R×S
weights w[m][c] in its RF for the whole pass. Every ifmap value is broadcast along its
row to all the filters; each PE accumulates its R·S products in one psum register, and
the column adds the C partial sums on the way out to the GLB::

    for g, m_blk, c_blk, n_blk, e_blk, f_blk:          # passes (weights change outermost)
        parallel-for c in rows, m in cols:             # the PE array
            keep w[m][c][0:R][0:S] in the RF            # stationary
            for n, e, f:                                # temporal, inside the PE
                psum = 0
                for r, s:                               # one MAC per cycle
                    psum += w[m][c][r][s] * i[n][c][e·U+r][f·U+s]   # ifmap streamed in
                o[n][m][e][f] += Σ_c psum               # reduced down the column
"""
from .base import Dataflow

WS = Dataflow(
    name="ws",
    title="weight stationary",
    rows=("C",),
    cols=("M",),
    rf_order=("N", "E", "F", "R", "S"),
    keep={"weight": "pass", "ifmap": "mac", "psum": "F"},
    pass_order=("G", "M", "C", "R", "S", "N", "E", "F"),
    full_in_pass=("R", "S"),
    description="weights stay in the PE RFs; ifmaps are broadcast and stream through; psums reduce down the columns",
    reference="Sze et al., Proc. IEEE 105(12), 2017, §V-B1; Chen et al., ISCA 2016",
)


# On a systolic array (Jouppi et al., ISCA 2017, the TPU; SCALE-Sim's "ws"): the filters
# are unrolled as im2col columns — each PE row takes one (c, r, s), each column one
# filter m — and the weights are shifted down into place before a pass. Ifmap values
# enter each row from the left, skewed by one cycle per row, and are forwarded to the
# right; psums flow down the columns, adding one product per row, and leave at the bottom::
#
#     parallel-for (c, r, s) in rows, m in cols:     # one weight per PE
#         for n, e, f:                               # one output pixel per cycle (skewed)
#             psum[m] += w[m][c][r][s] * i[n][c][e·U+r][f·U+s]   # psum moves down
WS_SYSTOLIC = Dataflow(
    name="ws",
    title="weight stationary (systolic)",
    rows=("C", "R", "S"),
    cols=("M",),
    rf_order=("N", "E", "F"),
    keep={"weight": "pass", "ifmap": "mac", "psum": "mac"},
    pass_order=("G", "M", "C", "R", "S", "N", "E", "F"),
    description="one weight per PE; ifmaps forwarded along the rows, psums down the columns",
    reference="Jouppi et al., ISCA 2017; Samajdar et al., SCALE-Sim, 2018",
)
