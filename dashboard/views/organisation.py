"""Your organisation: upload an org chart (and contacts), preview it, calibrate it.

Every problem in a file is shown as the library's message. The organisation is then
calibrated (with a progress bar), optionally to its own incident records, and the fit
shown.

Uploaded files are read from memory with ``Organisation.parse_csv`` and
``planner.read_records`` (plain CSV parsing: nothing is evaluated or unpickled), kept in
this session's memory only, and never written to disk or to the log.
"""

from __future__ import annotations

import streamlit as st
from views import common

from conflictsim import figures, planner
from conflictsim.incidents import TEMPLATE_CSV as INCIDENTS_TEMPLATE_CSV
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
    templates = (
        ("org chart", TEMPLATE_CSV, "org_chart_template.csv", "dl_template"),
        ("contacts", TEMPLATE_EDGES_CSV, "contacts_template.csv", "dl_template_edges"),
    )
    for column, (what, text, file_name, key) in zip(st.columns(2), templates, strict=True):
        with column:
            st.download_button(
                f"Download the {what} template (CSV)",
                data=text.encode("utf-8"),
                file_name=file_name,
                mime="text/csv",
                key=key,
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

    # ------------------------------------------------------------------ calibration
    st.header("Calibration", anchor=False)
    st.markdown(
        "The same parameters give very different amounts of conflict in different "
        "organisations, so yours is calibrated: the simulation keeps the parameter sets "
        "with which it reproduces what is known about conflict at work (published base "
        "rates) and, if you add them, your own incident records. It takes about a minute, "
        "once per upload; your files and the calibration stay in this session's memory."
    )
    with st.expander("Add your incident records (optional)", expanded=False):
        st.markdown(
            """
**Incident records**, one row per reported incident (or group of them), as a CSV file:

| column | required | meaning |
|---|---|---|
| `date` or `day` | one of them | `YYYY-MM-DD` (Monday to Friday), or the working day from 0 |
| `team` or `employee_id` | at least one | a team of your org chart, or a party's employee id |
| `severity` | no | minor, major or critical |
| `count` | no | how many incidents the row stands for (default 1) |

Other columns (case numbers, notes...) are ignored. At least four full weeks are needed;
a year or more of records tells much more (how conflict clusters in teams and carries
over from week to week).
"""
        )
        st.download_button(
            "Download the incident records template (CSV)",
            data=INCIDENTS_TEMPLATE_CSV.encode("utf-8"),
            file_name="incident_records_template.csv",
            mime="text/csv",
            key="dl_template_incidents",
            on_click="ignore",
            icon=":material/download:",
        )
        st.caption("The template shows the format; it covers only a few days.")
        records_file = st.file_uploader(
            "Incident records (CSV, optional)", type=["csv"], key="up_incidents"
        )
    if records_file is not None:
        # Read each new file (for this org chart) once; reruns reuse what was read.
        ident = (records_file.file_id, st.session_state.get("uploaded_key"))
        if st.session_state.get("records_ident") != ident:
            st.session_state["records_ident"] = ident
            data = records_file.getvalue()
            try:
                read = planner.read_records(data, org, records_file.name)
            except ValueError as exc:
                # A bad file changes nothing: the last good records (if any) stay in use.
                st.session_state["records_error"] = str(exc)
            else:
                st.session_state.pop("records_error", None)
                common.store_records(*read, data, records_file.name)
    if "records_error" in st.session_state:
        st.error(
            f"**These incident records cannot be used.** {st.session_state['records_error']}",
            icon=":material/error:",
        )
    found = common.uploaded_baseline(org)
    common.show_baseline(plan, found)
    records = st.session_state.get("uploaded_records")
    if records is not None:
        st.markdown(
            f"**{st.session_state.get('records_name', 'Your records')}**: "
            f"{planner.records_sentence(records[1])}"
        )
    if found.calibration is not None:
        st.subheader("How well the calibrated simulation fits", anchor=False)
        st.caption(
            "Each target: the range the calibration had to reach (published, or your "
            "records' value plus or minus one standard error), against fresh simulations "
            "of the calibrated parameter sets, their mean and the range 9 in 10 of them "
            "fall in. A target is met when the simulations' mean lies in its range."
        )
        st.table(planner.fit_table(found.calibration).set_index("Target"))
        fit = planner.fit_frame(found.calibration)
        common.chart(figures.calibration_fit(fit), key="fig_fit")
        common.download_csv(fit, "calibration_fit.csv")
    if records is not None:
        st.button(
            "Calibrate to the published rates only (forget the records)",
            on_click=common.forget_records,
            icon=":material/delete:",
            key="forget_records",
        )
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
