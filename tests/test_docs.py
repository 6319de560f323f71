"""The front page and the docs/ pages (issue 22): the README fits its budget,
every relative link of README.md and docs/*.md resolves (file and, for a
Markdown target, heading anchor), every docs page is reachable from the
README, and every figure the README shows is one the default run
regenerates (the gallery rule)."""

import ast
import re
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
PAGES = [README, ROOT / "config" / "README.md"] + sorted((ROOT / "docs").glob("*.md"))
#: Front page budget (lines): what a newcomer reads in five minutes.
README_LINES = 250

_LINK = re.compile(r"!?\[[^\]]*\]\(([^)\s]+)\)")
_FENCE = re.compile(r"^```.*?^```", re.S | re.M)


def _links(path):
    """Relative link targets of a Markdown file, code blocks left out."""
    text = _FENCE.sub("", path.read_text(encoding="utf-8"))
    return [t for t in _LINK.findall(text) if not re.match(r"[a-z]+:", t)]


def _slug(heading):
    """GitHub's anchor of a heading: lower case, punctuation dropped, spaces to '-'."""
    text = re.sub(r"[`*_]", "", heading.strip().lower())
    text = "".join(c for c in text if c.isalnum() or c in " -")
    return text.replace(" ", "-")


def _anchors(path):
    text = _FENCE.sub("", path.read_text(encoding="utf-8"))
    return {_slug(m) for m in re.findall(r"^#{1,6}\s+(.+?)\s*#*$", text, re.M)}


def test_slug_follows_github():
    assert _slug("Smoothness against wrong bits, and uncertainty") == "smoothness-against-wrong-bits-and-uncertainty"
    assert _slug("What lands in `results/`") == "what-lands-in-results"


def test_readme_is_a_front_page():
    lines = README.read_text(encoding="utf-8").splitlines()
    assert len(lines) <= README_LINES, f"README.md has {len(lines)} lines; the budget is {README_LINES}: move a section to docs/"
    text = "\n".join(lines)
    for must in ("pip install -e . && snakemake --cores 8", "pip install -e '.[test]' && pytest", "reconstruction"):
        assert must in text, must


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_relative_link_resolves(page):
    broken = []
    for target in _links(page):
        file, _, anchor = target.partition("#")
        dest = (page.parent / file).resolve() if file else page
        if not dest.exists():
            broken.append(f"{target}: no {dest.relative_to(ROOT) if ROOT in dest.parents else dest}")
        elif anchor and dest.suffix == ".md" and anchor not in _anchors(dest):
            broken.append(f"{target}: no heading #{anchor} in {dest.name}")
    assert not broken, f"{page.relative_to(ROOT)}: " + "; ".join(broken)


def test_every_docs_page_is_reachable_from_the_readme():
    """The README links each docs page, or the docs index it links does."""
    reachable = set()
    for page in (README, ROOT / "docs" / "README.md"):
        reachable |= {(page.parent / t.partition("#")[0]).resolve() for t in _links(page) if t.partition("#")[0]}
    assert (ROOT / "docs" / "README.md").resolve() in reachable
    missing = [p.name for p in (ROOT / "docs").glob("*.md") if p.resolve() not in reachable]
    assert not missing, f"docs pages no README or docs/README.md links: {missing}"


def _gallery():
    """GALLERY of workflow/rules/common.smk: (figure, family, k) triples."""
    text = (ROOT / "workflow" / "rules" / "common.smk").read_text()
    block = re.search(r"^GALLERY = (\(.*?^\))", text, re.S | re.M)
    assert block, "GALLERY not found in workflow/rules/common.smk"
    return ast.literal_eval(block.group(1))


def test_every_readme_figure_is_regenerated_by_the_default_run():
    """A figure the README shows is in docs/figures/, the gallery rule copies
    it there, and the default config has its family and k (so `snakemake
    --cores 2 gallery` after the default run remakes it)."""
    config = yaml.safe_load((ROOT / "config" / "config.yaml").read_text())
    have = {(fam, k) for fam, spec in config["families"].items() for k in spec["k"]}
    gallery = {f"{fig}_{fam}_k{k}" for fig, fam, k in _gallery() if (fam, k) in have}
    shown = [t for t in re.findall(r"!\[[^\]]*\]\(([^)]+)\)", README.read_text(encoding="utf-8"))]
    assert len(shown) >= 3
    for target in shown:
        path = Path(target)
        assert path.parent == Path("docs/figures"), target
        assert path.stem in gallery, f"{target} is not a figure the gallery rule copies from the default run"
        assert (ROOT / path).is_file(), target


def test_the_docs_test_sees_a_broken_link(tmp_path):
    page = tmp_path / "p.md"
    page.write_text("# Title\n\n[ok](#title) [bad](missing.md) [anchor](p.md#nope)\n```\n[code](ignored.md)\n```\n")
    assert _links(page) == ["#title", "missing.md", "p.md#nope"]
    assert _anchors(page) == {"title"}


def test_the_contract_states_each_finding_once():
    """docs/contract.md §8 is a list of pointers: each item names the section
    that states the finding, and the evidence is written once, there."""
    text = (ROOT / "docs" / "contract.md").read_text(encoding="utf-8")
    findings = text[text.index("## 8. Findings"):text.index("## 9.")]
    items = re.split(r"\n(?=\d+\. )", findings.split("\n\n", 2)[2].strip())
    assert len(items) >= 8
    for item in items:
        assert re.search(r"§\d", item), item
        assert len(item.splitlines()) <= 4, f"§8 holds more than a pointer: {item[:60]}"
    for evidence in ("cost 55, OPT 15", "5.1 on average", "21 of its 100 users", "cost 15, OPT 11",
                     "A runs with seed 2·seed", "26% of BrightKite bits"):
        assert text.count(evidence) == 1, evidence

