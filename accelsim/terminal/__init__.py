"""What a person sees in a terminal: readable energy units, the summary of a run and a
per-layer table that fits the terminal's width (issue #17)."""
