"""The conflictsim what-if dashboard for HR planners (``conflictsim dashboard`` starts it).

A multipage Streamlit app. This entry point reads the scenario from the page address,
draws the sidebar shared by every page, and runs the page chosen. Pages only draw: every
number comes from ``conflictsim.planner``.
"""

from __future__ import annotations

import sys
from pathlib import Path

import streamlit as st

# Pages import their helpers from views/; Streamlit and its test runner may start
# elsewhere, so put this folder on the path.
HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))


def main() -> None:
    """Set the page up, read the plan, draw the sidebar and run the page chosen."""
    st.set_page_config(
        page_title="conflictsim: training what-if",
        # No page or page_icon icons: Streamlit fetches Material icons for the browser tab from
        # Google's font servers, and the dashboard makes no request outside this computer.
        layout="wide",
        menu_items={
            "About": "conflictsim: how conflict spreads through an organisation and "
            "how training changes that spread."
        },
    )
    common.init_plan()
    page = st.navigation(
        [
            st.Page(
                "views/compare.py",
                title="Compare programmes",
                default=True,
            ),
            st.Page("views/best_plan.py", title="Best plan for my budget", url_path="best"),
            st.Page("views/spread.py", title="How it spreads", url_path="spread"),
            st.Page(
                "views/organisation.py",
                title="Your organisation",
                url_path="organisation",
            ),
            st.Page(
                "views/assumptions.py",
                title="Assumptions",
                url_path="assumptions",
            ),
        ]
    )
    common.sidebar()
    page.run()


# Streamlit runs this file as __main__. Calibrating starts worker processes from a fork
# server, which runs the main script again in each worker (as __mp_main__, like any
# script that calibrates on several workers): there it must import, draw and simulate
# nothing, so the pages' helpers are imported here.
if __name__ == "__main__":
    from views import common

    main()
