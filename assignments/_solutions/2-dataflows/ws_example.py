"""A worked example: weight stationary (WS) as a user dataflow, loop nest written out.

Run it:  accelsim run layer.yaml eyeriss --dataflow ws_example.py:WeightStationary

PE (c, m) of the array keeps the R x S weights w[m][c] in its RF for the whole pass
(keep weight: "pass"); every ifmap value streams in for the MAC that needs it ("mac");
the PE accumulates one output's R·S products in a psum register, kept while the
loops inside F run ("F"), and the column adds the C partial sums on the way out.
"""
from accelsim.dataflow import Dataflow


class WeightStationary(Dataflow):
    name = "my-ws"
    title = "weight stationary (worked example)"
    rows = ("C",)                                # input channels down the PE rows
    cols = ("M",)                                # filters across the PE columns
    rf_order = ("N", "E", "F", "R", "S")         # one PE's loops, outermost first
    keep = {"weight": "pass", "ifmap": "mac", "psum": "F"}
    pass_order = ("G", "M", "C", "R", "S", "N", "E", "F")
    full_in_pass = ("R", "S")                    # a pass holds whole filters

    def order(self, extent):
        """One PE, one pass: yield the index of every loop of rf_order, one MAC per step."""
        for n in range(extent["N"]):
            for e in range(extent["E"]):
                for f in range(extent["F"]):
                    for r in range(extent["R"]):
                        for s in range(extent["S"]):
                            yield n, e, f, r, s
