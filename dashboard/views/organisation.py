"""Your organisation: upload an org chart (and contacts), see every problem, preview it.

Uploaded files are read from memory with ``Organisation.parse_csv`` (plain CSV
parsing: nothing is evaluated or unpickled), kept in this session's memory only, and never
written to disk or to the log.
"""

from __future__ import annotations

import streamlit as st
from views import common

from conflictsim import planner
from conflictsim.organisation import Organisation
from conflictsim.orgchart import TEMPLATE_CSV, TEMPLATE_EDGES_CSV
from conflictsim.planner.plan import upload_notes

st.title("Your organisation")
st.markdown(
    "Simulate your own organisation from its org chart. Your files stay in this browser "
    "session's memory: they are not saved on the server, and they are gone when you close "
    "the tab. Links to a scenario on your organisation only work where the file was uploaded."
)

with st.expander("What the files should look like", expanded=common.uploaded_org() is None):
    st.markdown(
        """
**Org chart** (required), one row per employee, as a CSV file (in Excel: *Save As* >
*CSV UTF-8*):

| column | required | meaning |
|---|---|---|
| `employee_id` | yes | a unique id: staff number or name |
| `manager_id` | yes | the `employee_id` of their manager; blank for the top |
| `team` | yes | their team |
| `department` | no | their department |
| `role` | no | free text |
| `customer_facing` | no | yes/no: do they deal with customers, patients or pupils? |
| `regulation`, `listening` | no | a score strictly between 0 and 1 if you have one, else blank |

Other columns (names, payroll numbers...) are ignored.

**Contacts** (optional): `source,target[,contact_prob]`, one row per pair of colleagues in
regular contact, with the chance they meet on a given day. Without it, everyone is in
contact with their team-mates and their manager.
"""
    )
    t1, t2 = st.columns(2)
    with t1:
        st.download_button(
            "Download the org chart template (CSV)",
            data=TEMPLATE_CSV.encode("utf-8"),
            file_name="org_chart_template.csv",
            mime="text/csv",
            key="dl_template",
            on_click="ignore",
            icon=":material/download:",
        )
    with t2:
        st.download_button(
            "Download the contacts template (CSV)",
            data=TEMPLATE_EDGES_CSV.encode("utf-8"),
            file_name="contacts_template.csv",
            mime="text/csv",
            key="dl_template_edges",
            on_click="ignore",
            icon=":material/download:",
        )

c1, c2 = st.columns(2)
with c1:
    org_file = st.file_uploader("Org chart (CSV)", type=["csv"], key="up_org")
with c2:
    edges_file = st.file_uploader("Contacts (CSV, optional)", type=["csv"], key="up_edges")

if org_file is not None:
    data = org_file.getvalue()
    edges = edges_file.getvalue() if edges_file is not None else None
    # Parse each new pair of files once; reruns of the page reuse the result.
    ident = (org_file.file_id, edges_file.file_id if edges_file is not None else None)
    if st.session_state.get("upload_ident") != ident:
        st.session_state["upload_ident"] = ident
        try:
            org = Organisation.parse_csv(
                data,
                name=org_file.name,
                edges=edges,
                edges_name=edges_file.name if edges_file is not None else "contacts.csv",
            )
        except ValueError as exc:
            # A bad file replaces the last good one, so what is shown is what was uploaded.
            common.forget_upload()
            st.session_state["upload_error"] = str(exc)
        else:
            st.session_state.pop("upload_error", None)
            names = org_file.name + (f" with {edges_file.name}" if edges_file else "")
            common.store_upload(org, data, edges, names)
        # Run again so the sidebar and the page address show the new organisation.
        st.rerun()
    if "upload_error" in st.session_state:
        st.error(
            f"**This file cannot be used yet.** {st.session_state['upload_error']}\n\n"
            "Fix it in your spreadsheet (rows are numbered as your spreadsheet numbers them; "
            "the header is row 1), save it as CSV and upload it again.",
            icon=":material/error:",
        )
elif edges_file is not None:
    st.info("Upload the org chart as well: the contacts file names people from it.")
else:
    st.session_state.pop("upload_ident", None)
    st.session_state.pop("upload_error", None)

org = common.uploaded_org()
if org is not None:
    plan = common.get_plan()
    s = org.summary()
    st.success(
        f"**{st.session_state.get('uploaded_names', 'Your org chart')}** is ready: "
        f"{s['employees']:,} employees. "
        + (
            "The comparison now uses it."
            if plan.org == planner.UPLOADED
            else "Choose *Your organisation* in the sidebar to simulate it."
        ),
        icon=":material/check_circle:",
    )
    cols = st.columns(6)
    for col, (label, key) in zip(
        cols,
        [
            ("Employees", "employees"),
            ("Teams", "teams"),
            ("Departments", "departments"),
            ("Managers", "managers"),
            ("Customer-facing", "customer_facing"),
            ("Contacts (ties)", "ties"),
        ],
        strict=True,
    ):
        col.metric(label, f"{s[key]:,}")
    warning, contacts = upload_notes(s)
    if warning:
        st.warning(warning, icon=":material/hourglass:")
    st.caption(contacts)
    st.subheader("Preview", anchor=False)
    frame = org.to_frame()
    shown = frame.head(200).rename(
        columns={
            "id": "employee",
            "is_manager": "manages people",
            "customer_facing": "customer-facing",
            "degree": "contacts",
        }
    )
    st.dataframe(shown, hide_index=True, width="stretch")
    st.caption(
        "First 200 people as the simulation reads them. Blank regulation and listening "
        "scores (None) are drawn from the population when simulating; contacts is the "
        "number of colleagues each person is in contact with."
    )
    common.download_csv(frame, "organisation_as_read.csv")
    p1, p2 = st.columns(2)
    with p1:
        st.page_link("views/compare.py", label="Compare programmes on it", icon="➡️")
    with p2:
        st.button(
            "Forget this organisation",
            on_click=common.forget_upload,
            icon=":material/delete:",
            key="forget_upload",
        )
