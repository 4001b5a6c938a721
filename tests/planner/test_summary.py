"""conflictsim.planner.summary: the one-page summary."""

from __future__ import annotations

import pytest
from small_plan import small_plan

from conflictsim.planner.summary import summary_html
from conflictsim.words import rounded


@pytest.fixture(scope="module")
def small():
    return small_plan()


def test_summary_is_one_self_contained_page(small):
    plan, org, res = small
    page = summary_html(
        res, link="http://127.0.0.1:8501/?a=1&b=2", org_text="<script>x</script> Acme"
    )
    assert page.startswith("<!DOCTYPE html>") and page.rstrip().endswith("</html>")
    assert "<script>" not in page and "&lt;script&gt;" in page
    assert "a=1&amp;b=2" in page
    for row in res.headlines.itertuples():
        assert rounded(row.conflicts_avoided) in page
        assert row.programme in page
    assert "Evidence setting: <b>central</b>" in page
    assert "http" not in page.replace("http://127.0.0.1:8501/?a=1&amp;b=2", "")
    # A printed page names no control of the dashboard.
    assert "sidebar" not in page
