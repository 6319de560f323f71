"""Figure of the adversarial tightness table (issue 20 item 3): per
algorithm with proven (α, β, γ), constant and k, the largest slope found
as a share of the proven constant, coloured by status (met ≥ 95 %,
approached ≥ 50 %, gap), with the source named. PDF and PNG, reproducible."""

import matplotlib
import numpy as np

from succinct_paging.plotting.style import new_figure, rc, save_figure
from succinct_paging.plotting.style import layout as layout_spec

#: Colour of each status.
STATUS_COLOUR = {"met": "#1b7837", "approached": "#e08214", "gap": "#b2182b"}


def plot_tightness(table, out_stem, layout=None):
    """Horizontal bars of ``largest / proven`` per row of
    results/tightness.csv (module docstring). Returns the paths."""
    spec = layout_spec(layout)
    with matplotlib.rc_context(rc(spec)):
        n = max(1, len(table))
        fig = new_figure(spec["width"], 0.9 + 0.24 * n)
        ax = fig.subplots()
        y = np.arange(len(table))[::-1]
        share = table["share"].to_numpy(dtype=float)
        shown = np.clip(np.nan_to_num(share, nan=0.0), 0, None)
        ax.barh(y, shown, color=[STATUS_COLOUR[s] for s in table["status"]], height=0.7)
        labels = [f"{r.algorithm} {'β' if r.constant == 'beta' else 'γ'} k={r.k}" for r in table.itertuples()]
        ax.set_yticks(y, labels)
        for yi, r, w in zip(y, table.itertuples(), shown):
            where = r.source if r.family in r.source else f"{r.source}, {r.family}"
            ax.text(w + 0.02, yi, f"{r.largest:.3g} of {r.proven:.3g} ({r.status}; {where})",
                    va="center", fontsize=spec["small"] - 1)
        ax.axvline(1.0, color="black", lw=0.8)
        ax.axvline(0.95, color="black", lw=0.6, ls=":")
        ax.axvline(0.5, color="black", lw=0.6, ls="--")
        ax.set_xlim(0, 2.3)
        ax.set_xlabel("largest adversarial (E[cost] − α·OPT)/η found ÷ proven constant\n"
                      "(dotted: 95 % = met; dashed: 50 % = approached; negative slopes drawn at 0)")
        ax.set_title("How close the adversaries come to the proven β, γ")
    return save_figure(fig, out_stem, spec)
