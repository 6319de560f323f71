"""Proofs by computation: the adaptive lower-bound adversaries of contract §4
and the worst-case search for ``followbits_robust`` (contract §3.3). Each
module states what it checks exhaustively and what it only samples.

Modules are imported by name (nothing is re-exported here), so importing one
does not import the others. Floor: above experiments, below plotting
(docs/architecture.md).
"""
