"""Pages of the liaison grid: groups (groups.py), roster reconciliation (roster.py) and the
grid with its coverage figures and world map (grid.py)."""
