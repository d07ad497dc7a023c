"""Sign-in and roles in the app: who is using it, the sign-in screen, the sidebar note, and the checks
pages make before they show a write control and again in the callback that performs the write.

Sign-in is on when `.streamlit/secrets.toml` has an `[auth]` section (OpenID Connect via st.login);
roles are resolved by store.access. Without `[auth]` the app is in local single-user mode and its
one user is an admin."""

from __future__ import annotations

import os
import pathlib

import streamlit as st

from store import access
from store.access import AccessError, Action, Grant, Identity, current_user
from store.database import database_target
from ui.context import store
from ui.text import literal


def sign_in_configured() -> bool:
    """Whether the secrets have an `[auth]` section. A secrets file that exists but cannot be read
    stops the app: opening it in local mode would make everyone an admin."""
    if st.secrets.load_if_toml_exists():
        return "auth" in st.secrets
    unreadable = [path for path in st.get_option("secrets.files") if os.path.isfile(path)]
    if unreadable:
        st.error(
            f"The secrets file {literal(unreadable[0])} cannot be read (the server log says why), so sign-in "
            "cannot be set up and the app does not open. Fix or remove the file.",
            icon=":material/lock:",
        )
        st.stop()
    return False


@st.cache_data(show_spinner=False, max_entries=4)
def _read_access_file(path: str, modified_ns: int, size: int) -> dict[str, Grant]:
    # The file's modification time and size are in the cache key: an edited file is read again.
    return access.read_access_file(pathlib.Path(path))


def access_file_grants() -> dict[str, Grant]:
    """The access file's grants (none without a file), re-read when the file changes; AccessError
    when it cannot be used."""
    path = access.access_file_path()
    if path is None:
        return {}
    try:
        stat = path.stat()
    except OSError:
        raise AccessError(f"the access file {path} ({access.ACCESS_FILE_VARIABLE}) cannot be read") from None
    return _read_access_file(str(path), stat.st_mtime_ns, stat.st_size)


@st.cache_data(show_spinner=False, max_entries=4)
def _stored_grants(target: str, data_version: int) -> dict[str, Grant]:
    return access.stored_grants(store())


def stored_grants() -> dict[str, Grant]:
    """What the Access page gives, re-read only after a write to the database."""
    return _stored_grants(database_target(), store().data_version())


def access_problem() -> str | None:
    """Why roles cannot be read from the access file, if they cannot (everyone is a viewer then)."""
    if not sign_in_configured():
        return None
    try:
        access_file_grants()
    except AccessError as exc:
        return str(exc)
    return None


def current_identity() -> Identity | None:
    """The user of this session with their role; None when sign-in is on and nobody is signed in.
    A broken access file makes everyone a viewer (reading still works; the sidebar says why)."""
    if not sign_in_configured():
        return access.local_identity(current_user())
    if not st.user.get("is_logged_in"):
        return None
    email, name = st.user.get("email"), st.user.get("name")
    try:
        file_grants = access_file_grants()
    except AccessError:
        return access.resolve(email, name, {}, {})
    return access.resolve(email, name, file_grants, stored_grants())


def refusal(action: Action, team: str | None = None) -> str | None:
    """None when the current user may do `action` (for `team`), else the message saying why not."""
    identity = current_identity()
    if identity is None:
        return "Sign in first."
    return access.refusal(identity, action, team)


def access_change_refusal(email: str, removal: bool = False) -> str | None:
    """None when the current user may change what the Access page gives `email`, else why not. A
    grant the access file overrides may still be removed (it has no effect anyway)."""
    identity = current_identity()
    if identity is None:
        return "Sign in first."
    try:
        file_grants = {} if removal else access_file_grants()
    except AccessError as exc:
        return f"The access file cannot be read: {exc}."
    return access.change_refusal(identity, email, file_grants)


def allowed(action: Action, team: str | None = None) -> bool:
    return refusal(action, team) is None


def refused_note(action: Action, compact: bool = False) -> None:
    """A short note in place of the controls of an action the user may not take (`compact`: a caption)."""
    text = f"{literal(refusal(action))} Ask an admin if you need to."
    if compact:
        st.caption(f":material/lock: {text}")
    else:
        st.info(text, icon=":material/lock:")


def recorded_name(label: str, key: str, placeholder: str | None = None, container=None) -> str:
    """Who a write records as its author, also kept in session state under `key`. Signed in: the
    user's email, shown, not editable. Local mode: what the user types in a text field."""
    container = container or st
    if sign_in_configured():
        identity = current_identity()
        st.session_state[key] = identity.recorded_name if identity else ""
        container.caption(f"{label}: **{literal(st.session_state[key])}** (signed in)")
        return st.session_state[key]
    return container.text_input(label, key=key, placeholder=placeholder).strip()


def sign_in_page() -> None:
    """What a visitor sees before signing in: nothing of the data."""
    st.title("OKR dashboard")
    st.markdown("Sign in with your company account to see the company's OKRs and targets.")
    st.button("Log in", type="primary", icon=":material/login:", on_click=st.login)


def _sidebar_note(markdown: str) -> None:
    # Small grey Markdown rather than st.caption: the page's own captions stay the first on screen.
    st.sidebar.markdown(f":small[:gray[{markdown}]]")


def identity_sidebar(identity: Identity) -> None:
    """Small, at the bottom of the sidebar: who is signed in with which role, and sign-out; or that
    the app runs in local single-user mode."""
    if identity.source == access.LOCAL_MODE:
        _sidebar_note(":material/lock_open: Local single-user mode: sign-in is not configured, so you are an admin.")
        return
    teams = f" of {literal(', '.join(identity.teams))}" if identity.teams else ""
    email = f" ({literal(identity.email)})" if identity.email and identity.email != identity.name else ""
    _sidebar_note(
        f":material/account_circle: **{literal(identity.name)}**{email} · {access.ROLE_LABELS[identity.role]}{teams}"
    )
    if problem := access_problem():
        st.sidebar.error(f"Roles cannot be read, so everyone is a viewer: {literal(problem)}")
    st.sidebar.button("Sign out", icon=":material/logout:", on_click=st.logout)
