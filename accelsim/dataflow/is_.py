"""Input stationary (IS): each PE keeps an ifmap value while every filter passes by it.

(The module is ``is_`` because ``is`` is a Python keyword; the dataflow is ``is``.)
Sze et al., Proc. IEEE 2017, §V-B; SCALE-Sim's IS (Samajdar et al., 2018). The array
holds C channels (rows) × E output rows (cols); PE (c, e) keeps the ifmap value a MAC
needs and reuses it for all M filters, which stream past; its RF holds the psums of all
those filters for the current output pixel, and the column adds the C partial sums on
the way out::

    for g, m_blk, c_blk, n_blk, e_blk, f_blk:      # passes
        parallel-for c in rows, e in cols:         # the PE array
            for n, f:                              # temporal, inside the PE
                keep psum[0:M] of o[n][·][e][f]    # in the RF
                for r, s:
                    keep x = i[n][c][e·U+r][f·U+s] # stationary while the filters pass
                    for m:                         # one MAC per cycle
                        psum[m] += w[m][c][r][s] * x           # weights streamed
                o[n][·][e][f] += Σ_c psum          # reduced down the column
"""
from .base import Dataflow

IS = Dataflow(
    name="is",
    title="input stationary",
    rows=("C",),
    cols=("E",),
    rf_order=("N", "F", "R", "S", "M"),
    keep={"weight": "mac", "ifmap": "S", "psum": "F"},
    pass_order=("G", "M", "C", "R", "S", "N", "E", "F"),
    full_in_pass=("R", "S"),
    description="ifmap values stay in the PE RFs while the filters stream past; psums of all filters held per pixel",
    reference="Sze et al., Proc. IEEE 105(12), 2017, §V-B; Samajdar et al., SCALE-Sim, 2018",
)


# On a systolic array (SCALE-Sim's "is"): each PE row takes one (c, r, s), each column one
# output pixel (e, f); the PE holds the ifmap value that pair needs, the filters' weights
# enter the rows from the left and are forwarded, psums flow down the columns::
#
#     parallel-for (c, r, s) in rows, (e, f) in cols:
#         for n:
#             keep x = i[n][c][e·U+r][f·U+s]          # stationary
#             for m:                                  # one filter per cycle (skewed)
#                 psum[m] += w[m][c][r][s] * x        # psum moves down
IS_SYSTOLIC = Dataflow(
    name="is",
    title="input stationary (systolic)",
    rows=("C", "R", "S"),
    cols=("E", "F"),
    rf_order=("N", "M"),
    keep={"weight": "mac", "ifmap": "N", "psum": "mac"},
    pass_order=("G", "C", "R", "S", "N", "E", "F", "M"),
    description="one ifmap value per PE; weights forwarded along rows, psums down the columns",
    reference="Samajdar et al., SCALE-Sim, 2018",
)
