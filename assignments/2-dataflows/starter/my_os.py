"""Your output-stationary (OS) dataflow. Replace every None and the NotImplementedError
(see ../handout.md and ws_example.py), then:

    accelsim run layer.yaml eyeriss --dataflow my_os.py:OutputStationary
"""
from accelsim.dataflow import Dataflow


class OutputStationary(Dataflow):
    name = "my-os"
    title = "output stationary"
    rows = None        # which dims across the PE rows?
    cols = None        # ... and across the columns?
    rf_order = None    # the loops inside one PE, outermost first
    keep = None        # {"weight": ..., "ifmap": ..., "psum": ...}
    pass_order = None  # all eight dims N G M C E F R S, outermost first

    def order(self, extent):
        """Write out the loop nest of one PE for one pass (as ws_example.py does)."""
        raise NotImplementedError
