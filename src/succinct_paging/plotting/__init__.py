"""Figures: one module per kind of figure, all drawn in one style
(:mod:`.style`: paper layouts, fonts, the registry's palette, the PDF/PNG
writer). Every function takes tables and writes files; none computes a
result that is not in its input table.

Modules are imported by name (nothing is re-exported here), so importing one
figure module loads matplotlib only then. Floor: the top of the library
below the CLI (docs/architecture.md).
"""
