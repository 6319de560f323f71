"""One style for every figure: paper layouts, fonts, the palette and the
writer (contract §6).

- Layouts (config key ``plots.layout``): ``two_column`` spans the text width
  of a two-column paper (6.9 in), ``one_column`` fits one of its columns
  (3.3 in; panels are stacked); fonts are 6–8 pt, i.e. print size when the
  PDF is included at 100 %. Every figure takes its width and fonts from
  :func:`layout` and is written by :func:`save_figure` (PDF + 200 dpi PNG).
- Algorithms are drawn as the registry says (:func:`algorithm_style`: the
  Okabe–Ito colour, a marker and a dash per algorithm, safe under the common
  colour-vision deficiencies); error models and kinds of bits have fixed
  Okabe–Ito colours too (:data:`ERROR_MODEL_COLOURS`).
- Files are reproducible: no creation date or software version in the
  metadata, TrueType fonts embedded in the PDF, written atomically.

Matplotlib is used through :class:`matplotlib.figure.Figure` directly (no
pyplot): no global figure registry or backend setting is touched.
"""

import os

import matplotlib
from matplotlib.figure import Figure

from succinct_paging.algorithms import OKABE_ITO, style
from succinct_paging.algorithms import display_order as algorithm_order  # noqa: F401 (ids in display order)
from succinct_paging.algorithms import style as algorithm_style  # noqa: F401 ((colour, marker, dash) of an id)
from succinct_paging.store import atomic_path

#: Paper layouts: figure width in inches, font sizes in points (``font`` for
#: labels and titles, ``small`` for ticks, legends and value labels), line
#: width and marker size in points.
LAYOUTS = {
    # the full text width of a two-column paper (ICML: 6.75 in)
    "two_column": {"width": 6.9, "font": 8.0, "small": 7.0, "line": 1.2, "marker": 3.5},
    # one column of a two-column paper (ICML: 3.25 in); panels are stacked
    "one_column": {"width": 3.3, "font": 7.0, "small": 6.0, "line": 1.0, "marker": 3.0},
}

#: Layout of the figures when none is given.
DEFAULT_LAYOUT = "two_column"

#: Resolution of every PNG (the PDFs are vector graphics).
PNG_DPI = 200

#: Panel order and one-line meaning of each error model (contract §2).
ERROR_MODELS = {
    "flip": "every bit flipped w.p. r",
    "false_keep": "1 (discard) → 0 (keep) w.p. r",
    "false_discard": "0 (keep) → 1 (discard) w.p. r",
}

#: One colour per error model (η0 grows under false_keep, η1 under false_discard).
ERROR_MODEL_COLOURS = {"flip": OKABE_ITO["grey"], "false_keep": OKABE_ITO["blue"],
                       "false_discard": OKABE_ITO["vermillion"]}

_BASE_RC = {
    "pdf.fonttype": 42,
    "ps.fonttype": 42,
    "axes.spines.top": False,
    "axes.spines.right": False,
}


def layout(name=None):
    """The :data:`LAYOUTS` entry of ``name`` (None: the default), with its
    name; raises ValueError naming the allowed layouts."""
    name = DEFAULT_LAYOUT if name is None else str(name)
    if name not in LAYOUTS:
        raise ValueError(f"layout {name!r} is not one of {', '.join(LAYOUTS)}")
    return dict(LAYOUTS[name], name=name)


def rc(spec):
    """Matplotlib settings of a layout ``spec`` (from :func:`layout`)."""
    f, s = spec["font"], spec["small"]
    return {
        **_BASE_RC,
        "font.size": f,
        "axes.titlesize": f,
        "axes.labelsize": f,
        "figure.titlesize": f + 1,
        "legend.fontsize": s,
        "legend.title_fontsize": s,
        "xtick.labelsize": s,
        "ytick.labelsize": s,
        "axes.linewidth": 0.6,
        "xtick.major.width": 0.6,
        "ytick.major.width": 0.6,
        "xtick.major.size": 3.0,
        "ytick.major.size": 3.0,
        "lines.linewidth": spec["line"],
        "lines.markersize": spec["marker"],
        "legend.handlelength": 1.8,
        "legend.columnspacing": 1.2,
        "legend.handletextpad": 0.5,
        "hatch.linewidth": 0.6,
        "figure.constrained_layout.h_pad": 0.03,
        "figure.constrained_layout.w_pad": 0.03,
    }


def new_figure(width, height):
    """A constrained-layout :class:`Figure` of ``width`` × ``height`` inches."""
    return Figure(figsize=(width, height), layout="constrained")


def save_figure(fig, out_stem, spec):
    """Write ``out_stem.pdf`` and ``out_stem.png`` (:data:`PNG_DPI`)
    atomically, with no dates or versions in their metadata (same figure,
    same bytes), under the settings of layout ``spec``; return the paths.

    The layout is computed once and frozen, so both files share it and the
    second save does not pay for it again.
    """
    out_stem = os.fspath(out_stem)
    paths = []
    with matplotlib.rc_context(rc(spec)):
        if fig.get_layout_engine() is not None:
            fig.draw_without_rendering()
            fig.set_layout_engine("none")
        for ext, meta in (("pdf", {"CreationDate": None}), ("png", {"Software": None})):
            path = f"{out_stem}.{ext}"
            with atomic_path(path) as tmp:
                fig.savefig(tmp, format=ext, metadata=meta, dpi=PNG_DPI)
            paths.append(path)
    return paths


def algorithm_colour(algorithm):
    """The colour of an algorithm id in every figure."""
    return style(algorithm)[0]


def algorithm_marker(algorithm):
    """The marker of an algorithm id in every figure."""
    return style(algorithm)[1]


def error_model_order(models):
    """Error models in :data:`ERROR_MODELS` order, unknown ones after, sorted."""
    models = sorted(set(map(str, models)))
    return [m for m in ERROR_MODELS if m in models] + [m for m in models if m not in ERROR_MODELS]
