"""A small simulation-based calibration in CI (the full study: tests/calibration/sbc.py).

Synthetic organisations and parameter sets drawn from the priors; records simulated and
calibrated back. Each parameter's 90% interval should contain the truth in about 90% of
cases; with 12 cases, 8 or fewer would happen by chance with probability under 3% if the
true coverage were 90% (and the seeds are fixed, so the test gives one answer).
"""

from sbc import CALIBRATED, run


def test_ninety_percent_intervals_contain_the_truth_about_ninety_percent_of_the_time():
    out = run(12, size=(40, 80), days=100, draws=40, seed=7, workers=2, progress=False)
    assert len(out["cases"]) == 12
    for name in ("trigger", "transmission"):
        inside = sum(c[name]["inside"] for c in out["cases"])
        assert inside >= 9, (name, inside, out["coverage"])
    # Not trivially wide: the intervals are narrower than the prior's for transmission.
    widths = [c["transmission"]["width"] for c in out["cases"]]
    assert sum(widths) / len(widths) < 0.9 * 0.5, widths
    assert set(CALIBRATED) <= set(out["coverage"])
