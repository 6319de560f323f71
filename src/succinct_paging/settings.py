"""The run settings: every parameter a run hands an algorithm besides its
pages, bits, predictions and seed, in one object.

Two knobs exist today (contract §3.3, §3.7): ``followbits_robust``'s fault
budget per k-phase and ``combine``'s switch factor. The config keys
``followbits_robust.budget_factor`` and ``combine.switch_factor`` map onto
:class:`RunSettings` in :meth:`RunSettings.from_config` only; every
experiment driver takes one ``settings`` argument, every Snakemake rule one
``settings`` param (:meth:`RunSettings.to_params`), and
:func:`succinct_paging.simulation.run_parsed` turns it into kernel arguments.
A new knob is a field here, a schema key and a kernel parameter
(:data:`succinct_paging.algorithms.KERNEL_PARAMS`).
"""

import math
import numbers
from dataclasses import dataclass

from succinct_paging.bounds import robust_budget

#: The config key of each field that has one (``fixed_budget`` has none).
CONFIG_KEYS = {"budget_factor": ("followbits_robust", "budget_factor"),
               "switch_factor": ("combine", "switch_factor")}

#: The values each factor allows: the least value and whether it is allowed.
_LEAST = {"budget_factor": (0, False), "switch_factor": (1, True)}


def factor_problem(field, value):
    """None if ``value`` is allowed for the factor ``field`` (a key of
    :data:`CONFIG_KEYS`), else the allowed values in words (what error
    messages print after "allowed:")."""
    least, inclusive = _LEAST[field]
    allowed = f"a finite number {'>=' if inclusive else '>'} {least}"
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not math.isfinite(value):
        return allowed
    return None if (value >= least if inclusive else value > least) else allowed


@dataclass(frozen=True)
class RunSettings:
    """What every run of an experiment passes to its algorithms.

    budget_factor : finite number > 0
        ``followbits_robust``'s budget per k-phase in units of k: the budget
        at cache size k is ``max(1, round(budget_factor · k))`` (default 2,
        i.e. 2k; :func:`succinct_paging.bounds.robust_budget`).
    switch_factor : finite number >= 1
        ``combine(A,B)`` switches when the followed part's cost exceeds
        ``switch_factor`` times the other's (default 2).
    fixed_budget : int >= 1, optional
        A budget in faults that replaces ``budget_factor`` (the single-run
        API ``simulate(budget=...)`` and the adversaries take one).

    Raises ValueError naming the field on a value out of range.
    """

    budget_factor: float = 2.0
    switch_factor: float = 2.0
    fixed_budget: int | None = None

    def __post_init__(self):
        for name in CONFIG_KEYS:
            value = getattr(self, name)
            allowed = factor_problem(name, value)
            if allowed:
                raise ValueError(f"{name} must be {allowed}, got {value!r}")
            object.__setattr__(self, name, float(value))
        b = self.fixed_budget
        if b is not None:
            if isinstance(b, bool) or not isinstance(b, numbers.Integral) or b < 1:
                raise ValueError(f"fixed_budget must be an integer >= 1, got {b!r}")
            object.__setattr__(self, "fixed_budget", int(b))

    def budget(self, k):
        """``followbits_robust``'s fault budget per k-phase at cache size ``k``."""
        return self.fixed_budget if self.fixed_budget is not None else robust_budget(self.budget_factor, k)

    @classmethod
    def from_config(cls, config):
        """The settings of a checked config (``config.check_config``: defaults filled)."""
        return cls(**{field: config[section][key] for field, (section, key) in CONFIG_KEYS.items()})

    def to_params(self):
        """A plain dict for a Snakemake ``params:`` entry (a rerun trigger
        compares it); ``RunSettings(**params)`` restores the object."""
        params = {field: getattr(self, field) for field in CONFIG_KEYS}
        if self.fixed_budget is not None:
            params["fixed_budget"] = self.fixed_budget
        return params
