"""Write the 24 random small topologies and configs of extra/fuzz/ (seed 2026) and their job list.

Each topology has two conv layers (H, W in 3..20, filters up to 5x5 and never larger than the
input, 1..8 channels, 1..40 filters, stride 1..3); each config a random array (1..20 x 1..40),
SRAMs of 1, 2, 3 or 5 kB, CALC or USER mode, Bandwidth 1..40, bank bandwidth a multiple of 1, 2
or 4 banks, and a random dataflow. The reports were then made with run_scalesim.py (../README.md).
"""
import random

random.seed(2026)
jobs = []
for i in range(24):
    layers = []
    for j in range(2):
        H = random.randint(3, 20); W = random.randint(3, 20)
        R = random.randint(1, min(H, 5)); S = random.randint(1, min(W, 5))
        C = random.randint(1, 8); M = random.randint(1, 40); U = random.randint(1, 3)
        layers.append(f"L{j},{H},{W},{R},{S},{C},{M},{U},")
    with open(f"fuzz{i}.csv", "w") as f:
        f.write("Layer name, IFMAP Height, IFMAP Width, Filter Height, Filter Width, Channels, Num Filter, Strides,\n"
                + "\n".join(layers) + "\n")
    rows = random.randint(1, 20); cols = random.randint(1, 40)
    kb = [random.choice([1, 2, 3, 5]) for _ in range(3)]
    mode = random.choice(["CALC", "USER"])
    bw = random.randint(1, 40); nb = random.choice([1, 2, 4]); bbw = nb * random.randint(1, 8)
    df = random.choice(["os", "ws", "is"])
    with open(f"fuzz{i}.cfg", "w") as f:
        f.write(f"""[general]
run_name = fuzz{i}

[architecture_presets]
ArrayHeight:    {rows}
ArrayWidth:     {cols}
IfmapSramSzkB:   {kb[0]}
FilterSramSzkB:  {kb[1]}
OfmapSramSzkB:   {kb[2]}
IfmapOffset:    0
FilterOffset:   10000000
OfmapOffset:    20000000
Bandwidth : {bw}
Dataflow : {df}
ReadRequestBuffer: 32
WriteRequestBuffer: 32

[layout]
IfmapCustomLayout: False
IfmapSRAMBankBandwidth: {bbw}
IfmapSRAMBankNum: {nb}
IfmapSRAMBankPort: 2
FilterCustomLayout: False
FilterSRAMBankBandwidth: {bbw}
FilterSRAMBankNum: {nb}
FilterSRAMBankPort: 2

[sparsity]
SparsitySupport : false

[run_presets]
InterfaceBandwidth: {mode}
UseRamulatorTrace: False
""")
    jobs.append(f"fuzz/fuzz{i}.csv fuzz/fuzz{i}.cfg reports/fuzz{i}")
print("\n".join(jobs))
