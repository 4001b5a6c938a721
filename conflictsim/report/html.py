"""The HTML kit of the reports: a page, its sections, tables and downloads.

Every report is one self-contained file: plotly.js inline (``report.assets``), each chart
with a download of its data beneath it, and tables in boxes of their own that scroll
when wider than the page.
"""

from __future__ import annotations

import base64
import html
from collections.abc import Sequence

import numpy as np
import pandas as pd

from conflictsim.report.assets import plotly_script
from conflictsim.words import number_text

#: The report's file name in the folder it reports on.
REPORT_FILE = "report.html"


# ----------------------------------------------------------------------------- helpers
def section(sid: str, title: str, note: str, fig, data: pd.DataFrame, extra: str = "") -> str:
    """A section: its title and note, the chart, a download of its data, and ``extra``."""
    fig.update_layout(template="plotly_white", font={"size": 13})
    div = fig.to_html(
        full_html=False,
        include_plotlyjs=False,
        div_id=f"chart-{sid}",
        config={"displaylogo": False, "responsive": True},
    )
    return (
        f"<section id='{sid}'><h2>{escape(title)}</h2><p class='note'>{escape(note)}</p>"
        f"<div class='chart'>{div}</div>{download(data, f'{sid}.csv')}{extra}</section>"
    )


def download(data: pd.DataFrame, name: str) -> str:
    """A link that downloads ``data`` as a CSV file called ``name`` (inside the page)."""
    blob = base64.b64encode(data.to_csv(index=False).encode()).decode()
    return (
        f"<p class='download'><a download='{name}' href='data:text/csv;base64,{blob}'>"
        f"Download the data ({name})</a></p>"
    )


def escape(text) -> str:
    """``text`` safe to put in HTML."""
    return html.escape(str(text))


def facts(rows) -> str:
    """Rows of (label, value) as a two-column table."""
    return (
        "<table class='facts'>"
        + "".join(f"<tr><th>{escape(k)}</th><td>{escape(v)}</td></tr>" for k, v in rows)
        + "</table>"
    )


def html_table(df: pd.DataFrame, digits: int = 4, text: Sequence[str] | None = None) -> str:
    """A table in a box of its own that scrolls when wider than the page.

    Numbers without an outcome of their own get ``digits`` significant figures, never in
    scientific notation; a missing one is an empty cell. Outcomes are formatted before
    (``OUTCOMES[name].fmt``).

    Args:
        df: The table as shown.
        digits: Significant figures of numbers without a format of their own.
        text: Columns of words, left-aligned and wrapped; every other column then keeps
            each value on one line ("-20,535 to +31,079" is not split). None: the first
            column is left-aligned and any cell may wrap.
    """

    def cell(v) -> str:
        if isinstance(v, (float, np.floating)):
            return "" if not np.isfinite(v) else number_text(float(v), digits)
        return escape(v) if v is not None else ""

    kinds = [""] * len(df.columns)
    if text is not None:
        kinds = [" class='words'" if c in text else " class='number'" for c in df.columns]
    head = "".join(f"<th{k}>{escape(c)}</th>" for c, k in zip(df.columns, kinds, strict=True))
    body = "".join(
        "<tr>"
        + "".join(f"<td{k}>{cell(v)}</td>" for v, k in zip(row, kinds, strict=True))
        + "</tr>"
        for row in df.itertuples(index=False)
    )
    return (
        f"<div class='scroll'><table class='data'><thead><tr>{head}</tr></thead>"
        f"<tbody>{body}</tbody></table></div>"
    )


CSS = """
body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; margin: 2rem auto;
       max-width: 1150px; padding: 0 1rem; color: #222; line-height: 1.45; }
h1 { margin-bottom: 0.2rem; } h2 { margin-top: 2.5rem; border-bottom: 1px solid #ddd; }
nav a { margin-right: 1rem; } .note { color: #555; max-width: 60rem; }
table { border-collapse: collapse; font-size: 0.9rem; }
table.facts th { text-align: left; padding-right: 1.5rem; font-weight: 600; }
table.facts td { overflow-wrap: anywhere; }
table.data th, table.data td { border-bottom: 1px solid #eee; padding: 0.2rem 0.6rem;
       text-align: right; } table.data th { background: #f6f6f6; }
table.data td:first-child, table.data th:first-child { text-align: left; }
table.data td.words, table.data th.words { text-align: left; min-width: 6rem; }
table.data td.number { white-space: nowrap; }
.scroll { overflow: auto; max-width: 100%; max-height: 32rem; }
table.data thead th { position: sticky; top: 0; }
pre { background: #f6f6f6; padding: 1rem;
       overflow-x: auto; } .download { font-size: 0.85rem; }
"""


def page_html(title: str, kind: str, nav_items, sections: list[str]) -> str:
    """The whole page: plotly.js once, a link to each section present, the sections."""
    nav = "".join(
        f"<a href='#{sid}'>{lab}</a>"
        for sid, lab in nav_items
        if any(s.startswith(f"<section id='{sid}'") for s in sections)
    )
    return (
        "<!DOCTYPE html>\n<html lang='en'><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width, initial-scale=1'>"
        f"<title>{escape(title)}: conflictsim report</title><style>{CSS}</style>"
        # plotly.js inline (its basic bundle, compressed): the file opens offline and
        # stays one file.
        f"{plotly_script()}</head><body>"
        f"<h1>{escape(title)}</h1><p class='note'>{escape(kind)}</p><nav>{nav}</nav>"
        + "".join(sections)
        + "</body></html>\n"
    )
