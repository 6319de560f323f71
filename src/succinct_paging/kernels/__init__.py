"""numba kernels, one module per family of algorithms (SPEC §1, §3).

Kernels trust their inputs; :mod:`succinct_paging.api` validates them.
"""
