"""Hypothesis strategies shared by the kernel tests."""

from hypothesis import strategies as st


@st.composite
def pages_and_k(draw, max_k=5, max_len=50):
    """``(pages, k)``: a cache size and a few pages (often more than k), with
    uniform, run-heavy or cyclic structure."""
    k = draw(st.integers(1, max_k))
    n_pages = draw(st.integers(1, k + 4))
    shape = draw(st.sampled_from(["uniform", "runs", "loop"]))
    if shape == "uniform":
        pages = draw(st.lists(st.integers(0, n_pages - 1), min_size=1, max_size=max_len))
    elif shape == "runs":
        runs = draw(st.lists(st.tuples(st.integers(0, n_pages - 1), st.integers(1, 8)),
                             min_size=1, max_size=max_len // 4))
        pages = [p for p, r in runs for _ in range(r)][:max_len]
    else:
        start = draw(st.integers(0, n_pages - 1))
        length = draw(st.integers(1, max_len))
        pages = [(start + i) % n_pages for i in range(length)]
    return pages, k
