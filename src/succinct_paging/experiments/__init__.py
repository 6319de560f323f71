"""Experiments: the logic of the workflow's jobs as plain functions (the runs
grid, pooled summaries and bootstrap intervals, empirical constants, the
k-sweep, next-arrival, learned and adversarial bits; contract §6, §7, §9).
One module per experiment; each takes arrays or tables and returns tables,
and never reads the config file itself.

Modules are imported by name (nothing is re-exported here), so importing one
experiment does not import the others or their dependencies (pandas is
imported by the modules that need it). Floor: above core and traces, below
proofs and plotting (docs/architecture.md).
"""
