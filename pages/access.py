"""Access: who may do what once sign-in is on. Admins give viewers, team leads (with their teams) and
admins their role here; the access file, the operator's, comes first; anyone not listed is a viewer.
Every change is stored with who made it and when."""

import pandas as pd
import streamlit as st

from store import access
from store.access import LEAD, MANAGE_ACCESS, ROLE_LABELS, ROLES, AccessError
from ui import state
from ui.auth import (
    access_file_grants,
    current_identity,
    recorded_name,
    refusal,
    refused_note,
    sign_in_configured,
    stored_grants,
)
from ui.context import store, tables
from ui.records import grant_access, remove_access, show_outcome
from ui.tables import table_height
from ui.text import literal

ss = st.session_state


def save_grant(changed_by: str) -> None:
    role = ss[state.ACCESS_ROLE]
    teams = ss.get(state.ACCESS_TEAMS, []) if role == LEAD else []
    ss[state.ACCESS_MESSAGE] = outcome = grant_access(ss.get(state.ACCESS_EMAIL, ""), role, teams, changed_by)
    if outcome[0] != "error":
        ss[state.ACCESS_EMAIL] = ""


def remove(email: str, changed_by: str) -> None:
    ss[state.ACCESS_MESSAGE] = remove_access(email, changed_by)


identity = current_identity()
st.title("Access")
if refusal(MANAGE_ACCESS) is not None:
    refused_note(MANAGE_ACCESS)
    st.stop()

path = access.access_file_path()
if sign_in_configured():
    st.caption(
        "Sign-in is on. A signed-in user's role comes from the access file first, then from this page; "
        "anyone listed in neither is a viewer."
    )
else:
    st.info(
        "Sign-in is not configured (no `[auth]` section in `.streamlit/secrets.toml`): the app runs in local "
        "single-user mode and its user is an admin. The roles below take effect once sign-in is on.",
        icon=":material/lock_open:",
    )

show_outcome(state.ACCESS_MESSAGE)

try:
    file_grants = access_file_grants()
    file_problem = None
except AccessError as exc:
    file_grants, file_problem = {}, str(exc)
if file_problem:
    st.error(f"{literal(file_problem)} · until it is fixed, every signed-in user is a viewer.")
elif path is None:
    st.caption(
        f"No access file (set {access.ACCESS_FILE_VARIABLE}, or add okr_data/access.toml: see "
        "okr_data/access.example.toml)."
    )
else:
    st.caption(f"Access file: {literal(path)} · {len(file_grants)} user(s)")

stored = stored_grants()
rows = [
    {
        "email": g.email,
        "role": ROLE_LABELS[g.role],
        "teams": ", ".join(g.teams),
        "source": "access file",
        "set_by": None,
        "set_at": None,
    }
    for g in file_grants.values()
]
rows += [
    {
        "email": g.email,
        "role": ROLE_LABELS[g.role],
        "teams": ", ".join(g.teams),
        "source": "this page" if g.email not in file_grants else "this page, overridden by the access file",
        "set_by": g.granted_by,
        "set_at": g.granted_at,
    }
    for g in stored.values()
]
known_teams = list(tables()["teams"]["team"])

st.subheader("Who has which role")
if not rows:
    st.caption("Nobody is listed yet: every signed-in user is a viewer.")
else:
    st.dataframe(
        pd.DataFrame(rows),
        hide_index=True,
        width="stretch",
        column_config={
            "email": "Email",
            "role": "Role",
            "teams": st.column_config.TextColumn("Teams", width="medium"),
            "source": "Set in",
            "set_by": "Set by",
            "set_at": st.column_config.DatetimeColumn("Set at (UTC)", format="YYYY-MM-DD HH:mm"),
        },
    )
unknown = sorted({t for g in [*file_grants.values(), *stored.values()] for t in g.teams} - set(known_teams))
if unknown:
    st.warning(
        f"No stored team is named {literal(', '.join(unknown))}: check the spelling (team names as in the "
        "Teams sheet).",
        icon=":material/warning:",
    )

st.subheader("Give a role")
with st.container(border=True):
    email_col, role_col = st.columns([2, 1])
    email_col.text_input(
        "Email (as the sign-in provider gives it)", key=state.ACCESS_EMAIL, placeholder="name@example.com"
    )
    role = role_col.selectbox(
        "Role",
        ROLES,
        format_func=ROLE_LABELS.get,
        key=state.ACCESS_ROLE,
        help="Viewer: reads. Team lead: also uploads progress for their teams and adds SWOT "
        "items. Admin: everything, including undo, scenarios, targets, review records "
        "and this page.",
    )
    if role == LEAD:
        st.multiselect("Teams they lead", known_teams, key=state.ACCESS_TEAMS)
    changed_by = recorded_name("Changed by", state.ACCESS_BY, placeholder=identity.name) or identity.name
    st.button(
        "Save", type="primary", icon=":material/save:", key=state.ACCESS_SAVE, on_click=save_grant, args=(changed_by,)
    )

if stored:
    st.subheader("Take a role back")
    choice_col, button_col = st.columns([3, 1], vertical_alignment="bottom")
    chosen = choice_col.selectbox(
        "Set on this page",
        list(stored),
        key=state.ACCESS_REMOVE_CHOICE,
        format_func=lambda e: f"{e} · {ROLE_LABELS[stored[e].role]}",
    )
    button_col.button(
        "Remove",
        icon=":material/person_remove:",
        key=state.ACCESS_REMOVE,
        on_click=remove,
        args=(chosen, changed_by),
        width="stretch",
    )

changes = access.access_log(store())
if not changes.empty:
    st.subheader("Changes")
    st.dataframe(
        changes.assign(
            role=changes["role"].map(ROLE_LABELS).fillna("removed"),
            teams=changes["teams"].fillna("").str.replace(access.TEAM_SEPARATOR, ", "),
        ),
        hide_index=True,
        width="stretch",
        height=table_height(len(changes), 8),
        column_order=["changed_at", "changed_by", "email", "role", "teams"],
        column_config={
            "changed_at": st.column_config.DatetimeColumn("When (UTC)", format="YYYY-MM-DD HH:mm"),
            "changed_by": "By",
            "email": "Email",
            "role": "Role",
            "teams": "Teams",
        },
    )
