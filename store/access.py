"""Who may do what: the roles, where they come from, and the permission checks every write passes.

Roles, least to most: a viewer reads; a team lead also uploads progress for their own teams and adds
SWOT items; an admin does everything (any team's uploads, undo, targets and scenarios, review
records, company objectives, access).

Where a signed-in user's role comes from, the first that knows their email:
1. the access file (`$OKR_ACCESS_FILE`, else `okr_data/access.toml` if present), the operator's:
   it cannot be changed from the app, so a deployment always has the admins it was set up with;
2. the `access_changes` table, which admins edit on the Access page (each change one write of the
   store, with who and when; the latest change per email is in force, an empty role removes it);
3. anyone else who signs in is a viewer.
Without sign-in (local single-user mode) the one local user is an admin.

No Streamlit here: pages ask `refusal(identity, action, team)` before showing a control and again in
the callback that performs it.
"""

from __future__ import annotations

import datetime as dt
import getpass
import os
import pathlib
import tomllib
from dataclasses import dataclass

import duckdb
import pandas as pd

from store.database import PROJECT_ROOT, Rollback, Store, utc_now

VIEWER, LEAD, ADMIN = "viewer", "lead", "admin"
ROLES = (VIEWER, LEAD, ADMIN)  # least to most
ROLE_LABELS = {VIEWER: "viewer", LEAD: "team lead", ADMIN: "admin"}
ACCESS_FILE_VARIABLE = "OKR_ACCESS_FILE"
DEFAULT_ACCESS_FILE = PROJECT_ROOT / "okr_data" / "access.toml"
TEAM_SEPARATOR = ";"

# Where an identity's role came from.
FROM_FILE, FROM_DATABASE, UNKNOWN_USER, LOCAL_MODE = "access file", "Access page", "not listed", "local mode"

ACCESS_COLUMNS = ("change_id", "email", "role", "teams", "changed_by", "changed_at")
_CREATE = (
    "CREATE TABLE IF NOT EXISTS access_changes (change_id BIGINT, email VARCHAR, role VARCHAR, "
    "teams VARCHAR, changed_by VARCHAR, changed_at TIMESTAMP)"
)
_IN_FORCE = (
    "SELECT email, role, teams, changed_by, changed_at FROM access_changes "
    "QUALIFY row_number() OVER (PARTITION BY email ORDER BY change_id DESC) = 1"
)


class AccessError(Exception):
    """An access file or an access change that cannot be used; the message says what to fix."""


@dataclass(frozen=True)
class Action:
    what: str  # completes "… may <what>"
    least_role: str
    per_team: bool = False  # a team lead may do it for their own teams only


UPLOAD = Action("upload progress", LEAD, per_team=True)
UNDO_UPLOAD = Action("undo uploads", ADMIN)
EDIT_SCENARIOS = Action("save, rename, delete or publish scenarios", ADMIN)
RECORD_REVIEW = Action("record review decisions, actions, notes and carry-overs", ADMIN)
EDIT_SWOT = Action("add SWOT items", LEAD)
CREATE_COMPANY_OBJECTIVES = Action("create company objectives", ADMIN)
MANAGE_ACCESS = Action("manage access", ADMIN)


@dataclass(frozen=True)
class Grant:
    email: str
    role: str
    teams: tuple[str, ...] = ()
    granted_by: str | None = None  # None for the access file
    granted_at: dt.datetime | None = None


@dataclass(frozen=True)
class Identity:
    email: str | None  # None in local mode
    name: str
    role: str
    teams: tuple[str, ...]  # a team lead's teams (admins have every team)
    source: str

    @property
    def recorded_name(self) -> str:
        """What uploads, decisions and changes record as their author."""
        return self.email or self.name

    def upload_teams(self, teams: list[str]) -> list[str]:
        """The teams, of `teams`, this user may upload progress for, in that order."""
        return [team for team in teams if refusal(self, UPLOAD, team) is None]


def _rank(role: str) -> int:
    return ROLES.index(role)


def _role_list(least_role: str) -> str:
    allowed = [ROLE_LABELS[r] + "s" for r in ROLES[_rank(least_role) :]]
    return " and ".join(allowed)


def refusal(identity: Identity, action: Action, team: str | None = None) -> str | None:
    """None when `identity` may do `action` (for `team`, if the action is per team), else why not."""
    who = identity.recorded_name
    if _rank(identity.role) < _rank(action.least_role):
        return f"{who} is a {ROLE_LABELS[identity.role]}: only {_role_list(action.least_role)} may {action.what}."
    if action.per_team and identity.role == LEAD:
        if team is None:
            return f"Choose one of your teams ({', '.join(identity.teams)}) to {action.what}."
        if team not in identity.teams:
            return (
                f"{who} is team lead of {', '.join(identity.teams)}, not of {team}: only its team lead or "
                f"an admin may {action.what} for {team}."
            )
    return None


def normalised_email(email: object) -> str:
    """An email as access rules compare it (case-insensitive); AccessError if it is not one."""
    text = email.strip().lower() if isinstance(email, str) else ""
    local, at, domain = text.partition("@")
    if not (local and at and domain) or any(c.isspace() for c in text):
        raise AccessError(f'"{email}" is not an email address')
    return text


def _checked_grant(email: object, role: object, teams: object, **recorded) -> Grant:
    email = normalised_email(email)
    if role not in ROLES:
        raise AccessError(f'{email}: role "{role}" is not one of {", ".join(ROLES)}')
    if teams is None:
        teams = []
    if not isinstance(teams, (list, tuple)) or not all(isinstance(t, str) and t.strip() for t in teams):
        raise AccessError(f"{email}: teams must be a list of team names")
    teams = tuple(dict.fromkeys(t.strip() for t in teams))
    if any(TEAM_SEPARATOR in t for t in teams):
        raise AccessError(f'{email}: a team name cannot hold "{TEAM_SEPARATOR}"')
    if role == LEAD and not teams:
        raise AccessError(f'{email}: a team lead needs the teams they lead (teams = ["Sales"])')
    if role != LEAD and teams:
        raise AccessError(f"{email}: only a team lead has teams (a viewer has none, an admin has all); remove them")
    return Grant(email, role, teams, **recorded)


# ------------------------------------------------------------------------------------------ access file


def access_file_path() -> pathlib.Path | None:
    """The access file in force: $OKR_ACCESS_FILE (empty: none), else okr_data/access.toml if present."""
    configured = os.environ.get(ACCESS_FILE_VARIABLE)
    if configured is not None:
        return pathlib.Path(configured) if configured.strip() else None
    return DEFAULT_ACCESS_FILE if DEFAULT_ACCESS_FILE.is_file() else None


def read_access_file(path: pathlib.Path) -> dict[str, Grant]:
    """The grants of an access file (see okr_data/access.example.toml), by email:

        [users]
        "ceo@example.com" = { role = "admin" }
        "ana@example.com" = { role = "lead", teams = ["Sales", "Success"] }

    AccessError naming the file and what to fix when it cannot be read or holds a wrong entry."""
    try:
        content = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise AccessError(f"access file {path}: {exc}") from exc
    unknown = sorted(set(content) - {"users"})
    if unknown:
        raise AccessError(f"access file {path}: unknown section(s) {', '.join(unknown)}; only [users] is read")
    users = content.get("users", {})
    if not isinstance(users, dict):
        raise AccessError(f"access file {path}: [users] must map emails to {{ role = …, teams = […] }}")
    grants: dict[str, Grant] = {}
    for email, entry in users.items():
        if not isinstance(entry, dict):
            raise AccessError(f'access file {path}: "{email}" must be {{ role = "…" }}')
        extra = sorted(set(entry) - {"role", "teams"})
        try:
            if extra:
                raise AccessError(f"{email}: unknown key(s) {', '.join(extra)} (use role and teams)")
            grant = _checked_grant(email, entry.get("role"), entry.get("teams"))
        except AccessError as exc:
            raise AccessError(f"access file {path}: {exc}") from None
        if grant.email in grants:
            raise AccessError(f"access file {path}: {grant.email} is listed twice")
        grants[grant.email] = grant
    return grants


# ------------------------------------------------------------------------------------------ access table


def _grant_from_row(row) -> Grant:
    teams = tuple(row.teams.split(TEAM_SEPARATOR)) if isinstance(row.teams, str) and row.teams else ()
    return Grant(row.email, row.role, teams, row.changed_by, row.changed_at)


def stored_grants(store: Store) -> dict[str, Grant]:
    """The grants set on the Access page that are in force, by email; none before the first change."""
    try:
        rows = store.read(
            lambda cursor: cursor.execute(f"SELECT * FROM ({_IN_FORCE}) WHERE role IS NOT NULL ORDER BY email").df()
        )
    except duckdb.CatalogException:
        return {}
    return {row.email: _grant_from_row(row) for row in rows.itertuples()}


def access_log(store: Store) -> pd.DataFrame:
    """Every change made on the Access page (ACCESS_COLUMNS), newest first; a removal has no role."""
    try:
        return store.read(
            lambda cursor: cursor.execute(
                f"SELECT {', '.join(ACCESS_COLUMNS)} FROM access_changes ORDER BY change_id DESC"
            ).df()
        )
    except duckdb.CatalogException:
        return pd.DataFrame(columns=list(ACCESS_COLUMNS))


def _append_change(store: Store, email: str, role: str | None, teams: tuple[str, ...], changed_by: str) -> bool:
    """One write: record the change unless it is what is already in force (then nothing is written)."""

    def work(cursor) -> bool:
        cursor.execute(_CREATE)
        current = cursor.execute(f"SELECT role, teams FROM ({_IN_FORCE}) WHERE email = ?", [email]).fetchone()
        wanted = (role, TEAM_SEPARATOR.join(teams) if role is not None else None)
        if (current or (None, None)) == wanted:
            raise Rollback(False)
        next_id = cursor.execute("SELECT coalesce(max(change_id), 0) + 1 FROM access_changes").fetchone()[0]
        cursor.execute(
            "INSERT INTO access_changes VALUES (?, ?, ?, ?, ?, ?)", [next_id, email, *wanted, changed_by, utc_now()]
        )
        return True

    return store.write(work)


def set_grant(store: Store, email: str, role: str, teams: list[str] | tuple[str, ...], changed_by: str) -> bool:
    """Give `email` a role (and a team lead their teams); True if that changed what was stored."""
    grant = _checked_grant(email, role, list(teams))
    return _append_change(store, grant.email, grant.role, grant.teams, changed_by)


def remove_grant(store: Store, email: str, changed_by: str) -> bool:
    """Take back what the Access page gave `email` (they are a viewer again unless the file lists them);
    True if they had a grant."""
    return _append_change(store, normalised_email(email), None, (), changed_by)


# ------------------------------------------------------------------------------------------ resolution


def resolve(email: str | None, name: str | None, file_grants: dict[str, Grant], stored: dict[str, Grant]) -> Identity:
    """The role of a signed-in user: the access file's entry, else the Access page's, else viewer."""
    try:
        key = normalised_email(email)
    except AccessError:
        key = None
    shown_name = name or email or "signed-in user"
    for grants, source in ((file_grants, FROM_FILE), (stored, FROM_DATABASE)):
        if key in grants:
            grant = grants[key]
            return Identity(key, shown_name, grant.role, grant.teams, source)
    return Identity(key or email, shown_name, VIEWER, (), UNKNOWN_USER)


def current_user() -> str:
    """Who runs this process (the command line's user, and the app's one user without sign-in):
    recorded with each upload and saved scenario."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


def local_identity(name: str) -> Identity:
    """The one user of the app when sign-in is not configured."""
    return Identity(None, name, ADMIN, (), LOCAL_MODE)


def change_refusal(actor: Identity, email: str, file_grants: dict[str, Grant]) -> str | None:
    """None when `actor` may change what the Access page gives `email`, else why not."""
    if (denied := refusal(actor, MANAGE_ACCESS)) is not None:
        return denied
    try:
        email = normalised_email(email)
    except AccessError as exc:
        return f"{exc}."
    if email in file_grants:
        return f"{email} is set in the access file, which comes first: change it there."
    if actor.email is not None and email == actor.email:
        return "You cannot change your own access: ask another admin."
    return None
