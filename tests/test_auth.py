"""Sign-in and roles: the access file and the access table, how a signed-in user's role is resolved,
what each role may do, and the pages as a viewer, a team lead and an admin see and use them.

AppTest signs a user in with `at.user` and turns sign-in on with `at.secrets["auth"]` (ui.auth reads
st.secrets); the real sign-in through an OpenID Connect provider is tests/test_browser_auth.py."""

from __future__ import annotations

import copy
import datetime as dt
import io

import openpyxl
import pandas as pd
import pytest

from conftest import DEMO_AS_OF, DEMO_WORKBOOK, SMALL_WORKBOOK, demo_sheets, xlsx_bytes
from loaders.ingest import check_and_store
from store import access
from store.access import (
    ADMIN,
    CREATE_COMPANY_OBJECTIVES,
    EDIT_SCENARIOS,
    EDIT_SWOT,
    LEAD,
    MANAGE_ACCESS,
    RECORD_REVIEW,
    UNDO_UPLOAD,
    UPLOAD,
    VIEWER,
    AccessError,
    Grant,
    Identity,
)
from store.database import Store, UploadedFile
from ui import state

AUTH_SECRETS = {
    "auth": {
        "redirect_uri": "http://localhost:8501/oauth2callback",
        "cookie_secret": "test-only-cookie-secret",
        "client_id": "okr-dashboard-test",
        "client_secret": "any",
        "server_metadata_url": "http://localhost:9/.well-known/openid-configuration",
    }
}
ADMIN_EMAIL = "alexandre.laurent@example.com"
LEAD_EMAIL = "maya.goldberg@example.com"  # leads Sales in the access file below
VIEWER_EMAIL = "board.observer@example.com"  # listed nowhere: a viewer
ACCESS_FILE = f"""
[users]
"{ADMIN_EMAIL.upper()}" = {{ role = "admin" }}
"{LEAD_EMAIL}" = {{ role = "lead", teams = ["Sales"] }}
"""
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ALL_ACTIONS = (UPLOAD, UNDO_UPLOAD, EDIT_SCENARIOS, RECORD_REVIEW, EDIT_SWOT, CREATE_COMPANY_OBJECTIVES, MANAGE_ACCESS)


def identity(role: str, teams: tuple[str, ...] = (), email: str = "someone@example.com") -> Identity:
    return Identity(email, "Someone", role, teams, access.FROM_FILE)


# ---------------------------------------------------------------------------------------------- access file


def write(tmp_path, text: str):
    path = tmp_path / "access.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_example_access_file_reads_as_documented():
    grants = access.read_access_file(access.PROJECT_ROOT / "okr_data" / "access.example.toml")
    assert grants["alexandre.laurent@example.com"] == Grant("alexandre.laurent@example.com", ADMIN)
    assert grants["maya.goldberg@example.com"] == Grant("maya.goldberg@example.com", LEAD, ("Sales",))
    assert grants["benjamin.ade@example.com"].teams == ("Success", "BizOps")
    assert grants["board.observer@example.com"].role == VIEWER
    demo_teams = set(demo_sheets()["Teams"]["team"])
    assert {team for grant in grants.values() for team in grant.teams} <= demo_teams


def test_emails_are_compared_without_case_or_surrounding_spaces(tmp_path):
    grants = access.read_access_file(write(tmp_path, '[users]\n" Ana@Example.COM " = { role = "admin" }\n'))
    assert list(grants) == ["ana@example.com"]


@pytest.mark.parametrize(
    "text, message",
    [
        ('[users]\n"a@x.com" = { role = "owner" }', 'a@x.com: role "owner" is not one of viewer, lead, admin'),
        ('[users]\n"a@x.com" = { role = "lead" }', "a@x.com: a team lead needs the teams they lead"),
        ('[users]\n"a@x.com" = { role = "admin", teams = ["Sales"] }', "a@x.com: only a team lead has teams"),
        ('[users]\n"a@x.com" = { role = "lead", teams = "Sales" }', "a@x.com: teams must be a list of team names"),
        ('[users]\n"a@x.com" = { role = "lead", team = ["Sales"] }', "a@x.com: unknown key(s) team"),
        ('[users]\n"A@x.com" = { role = "admin" }\n"a@x.com" = { role = "viewer" }', "a@x.com is listed twice"),
        ('[users]\n"not an email" = { role = "admin" }', '"not an email" is not an email address'),
        ('[admins]\n"a@x.com" = { role = "admin" }', "unknown section(s) admins; only [users] is read"),
        ('[users]\n"a@x.com" = { role = "admin"', "access file"),  # not TOML
    ],
)
def test_a_wrong_access_file_names_the_file_and_the_fix(tmp_path, text, message):
    path = write(tmp_path, text)
    with pytest.raises(AccessError) as raised:
        access.read_access_file(path)
    assert message in str(raised.value) and str(path) in str(raised.value)


def test_the_access_file_comes_from_the_variable_else_the_default_if_present(tmp_path, monkeypatch):
    default = tmp_path / "default_access.toml"
    monkeypatch.setattr(access, "DEFAULT_ACCESS_FILE", default)
    monkeypatch.delenv(access.ACCESS_FILE_VARIABLE, raising=False)
    assert access.access_file_path() is None
    default.write_text("[users]\n")
    assert access.access_file_path() == default
    monkeypatch.setenv(access.ACCESS_FILE_VARIABLE, str(tmp_path / "elsewhere.toml"))
    assert access.access_file_path() == tmp_path / "elsewhere.toml"
    monkeypatch.setenv(access.ACCESS_FILE_VARIABLE, "")
    assert access.access_file_path() is None


# ---------------------------------------------------------------------------------------------- resolution


def test_the_file_comes_first_then_the_access_page_then_viewer():
    file_grants = {"ana@x.com": Grant("ana@x.com", LEAD, ("Sales",))}
    stored = {"ana@x.com": Grant("ana@x.com", ADMIN), "tom@x.com": Grant("tom@x.com", LEAD, ("Engineering",))}
    ana = access.resolve("Ana@X.com", "Ana", file_grants, stored)
    assert (ana.email, ana.name, ana.role, ana.teams, ana.source) == (
        "ana@x.com",
        "Ana",
        LEAD,
        ("Sales",),
        access.FROM_FILE,
    )
    tom = access.resolve("tom@x.com", None, file_grants, stored)
    assert (tom.role, tom.teams, tom.source, tom.name) == (LEAD, ("Engineering",), access.FROM_DATABASE, "tom@x.com")
    stranger = access.resolve("eve@x.com", "Eve", file_grants, stored)
    assert (stranger.role, stranger.teams, stranger.source) == (VIEWER, (), access.UNKNOWN_USER)
    no_email = access.resolve(None, "Sub 42", file_grants, stored)
    assert (no_email.role, no_email.recorded_name) == (VIEWER, "Sub 42")


def test_local_mode_is_one_admin_recorded_by_name():
    local = access.local_identity("alex")
    assert (local.role, local.email, local.recorded_name, local.source) == (ADMIN, None, "alex", access.LOCAL_MODE)


EXPECTED = {  # what each role may do (a lead: for their own team)
    VIEWER: set(),
    LEAD: {UPLOAD, EDIT_SWOT},
    ADMIN: set(ALL_ACTIONS),
}


@pytest.mark.parametrize("role", [VIEWER, LEAD, ADMIN])
@pytest.mark.parametrize("action", ALL_ACTIONS, ids=lambda a: a.what.split()[0] + "-" + a.least_role)
def test_each_role_may_do_exactly_its_actions(role, action):
    user = identity(role, ("Sales",) if role == LEAD else ())
    denied = access.refusal(user, action, "Sales")
    assert (denied is None) == (action in EXPECTED[role]), denied
    if denied is not None:
        assert denied.startswith(f"someone@example.com is a {access.ROLE_LABELS[role]}: only ")


def test_a_team_lead_uploads_for_their_own_teams_only():
    lead = identity(LEAD, ("Sales", "Success"), "maya@x.com")
    assert access.refusal(lead, UPLOAD, "Success") is None
    assert access.refusal(lead, UPLOAD, "Engineering") == (
        "maya@x.com is team lead of Sales, Success, not of Engineering: only its team lead or an admin may "
        "upload progress for Engineering."
    )
    assert "Choose one of your teams (Sales, Success)" in access.refusal(lead, UPLOAD)
    all_teams = ["Engineering", "Success", "Sales", "Data"]
    assert lead.upload_teams(all_teams) == ["Success", "Sales"]
    assert identity(ADMIN).upload_teams(all_teams) == all_teams
    assert identity(VIEWER).upload_teams(all_teams) == []


def test_who_may_change_whose_access():
    file_grants = {"ceo@x.com": Grant("ceo@x.com", ADMIN)}
    admin = identity(ADMIN, email="ops@x.com")
    assert access.change_refusal(admin, "Tom@X.com", file_grants) is None
    assert "set in the access file" in access.change_refusal(admin, "CEO@x.com", file_grants)
    assert access.change_refusal(admin, "ops@x.com", file_grants) == (
        "You cannot change your own access: ask another admin."
    )
    assert "is a team lead: only admins may manage access" in access.change_refusal(
        identity(LEAD, ("Sales",)), "tom@x.com", file_grants
    )
    assert access.change_refusal(access.local_identity("alex"), "tom@x.com", {}) is None


# ---------------------------------------------------------------------------------------------- access table


def test_access_changes_are_stored_one_write_each_with_who_and_when(store):
    assert access.stored_grants(store) == {} and access.access_log(store).empty  # no table yet
    version = store.data_version()
    assert access.set_grant(store, "Tom@Example.com", LEAD, ["Engineering", "Data"], "ops@example.com")
    assert store.data_version() == version + 1
    assert access.set_grant(store, "ana@example.com", ADMIN, [], "ops@example.com")
    grants = access.stored_grants(store)
    assert {e: (g.role, g.teams, g.granted_by) for e, g in grants.items()} == {
        "tom@example.com": (LEAD, ("Engineering", "Data"), "ops@example.com"),
        "ana@example.com": (ADMIN, (), "ops@example.com"),
    }
    assert isinstance(grants["tom@example.com"].granted_at, (dt.datetime, pd.Timestamp))

    # The same grant again writes nothing, not even a data version.
    version = store.data_version()
    assert not access.set_grant(store, "tom@example.com", LEAD, ["Engineering", "Data"], "someone@example.com")
    assert store.data_version() == version

    assert access.set_grant(store, "tom@example.com", VIEWER, [], "ana@example.com")
    assert access.remove_grant(store, "ana@example.com", "tom@example.com")
    assert not access.remove_grant(store, "nobody@example.com", "tom@example.com")
    assert {e: g.role for e, g in access.stored_grants(store).items()} == {"tom@example.com": VIEWER}
    log = access.access_log(store)
    assert log[["email", "role", "teams", "changed_by"]].astype(object).where(log.notna(), None).values.tolist() == [
        ["ana@example.com", None, None, "tom@example.com"],
        ["tom@example.com", VIEWER, "", "ana@example.com"],
        ["ana@example.com", ADMIN, "", "ops@example.com"],
        ["tom@example.com", LEAD, "Engineering;Data", "ops@example.com"],
    ]
    assert log["change_id"].tolist() == [4, 3, 2, 1]


def test_a_wrong_grant_stores_nothing(store):
    for email, role, teams in (
        ("tom@example.com", LEAD, []),
        ("tom", ADMIN, []),
        ("tom@example.com", "boss", []),
        ("tom@example.com", LEAD, ["Sales;Data"]),
    ):
        with pytest.raises(AccessError):
            access.set_grant(store, email, role, teams, "ops@example.com")
    assert access.access_log(store).empty


# ---------------------------------------------------------------------------------------------- a lead's upload


def small_store(tmp_path) -> Store:
    opened = Store.open(str(tmp_path / "small.duckdb"))
    assert check_and_store(opened, [UploadedFile("small.xlsx", xlsx_bytes(SMALL_WORKBOOK))], "tester").errors == []
    return opened


def test_a_progress_upload_for_one_team_refuses_other_teams_rows_and_stores_nothing(tmp_path):
    opened = small_store(tmp_path)
    before = opened.read_tables()
    other_team = {
        "CheckIns": [
            SMALL_WORKBOOK["CheckIns"][0],
            ["SAL-KR1", dt.date(2027, 5, 20), 300000, None, 7, None, "Ana Ruiz"],
            ["ENG-KR1", dt.date(2027, 5, 20), None, "Completed", 8, None, "Ana Ruiz"],
        ],
        "Objectives": [
            SMALL_WORKBOOK["Objectives"][0],
            ["ENG-O9", "2027-Q2", "team", "Engineering", "Harden the API", "Context.", "Tom Berg", "CO-1"],
        ],
        "CompanyTargets": [SMALL_WORKBOOK["CompanyTargets"][0], ["2027", "arr", 2000000, 9000000]],
    }
    result = check_and_store(
        opened,
        [UploadedFile("sales.xlsx", xlsx_bytes(other_team))],
        "ana@example.com",
        team="Sales",
        as_of=dt.date(2027, 5, 31),
    )
    messages = {(p.sheet, p.column): p.problem for p in result.errors}
    assert messages[("CheckIns", "kr_id")].startswith("ENG-KR1 is a key result of team Engineering, not of team Sales")
    assert messages[("Objectives", "objective_id")].startswith("ENG-O9 is an objective of team Engineering")
    assert "would change company data" in messages[("CompanyTargets", "")]
    assert not result.stored
    after = opened.read_tables()
    for name, frame in before.items():
        pd.testing.assert_frame_equal(frame, after[name], obj=name)
    opened.close()


@pytest.mark.parametrize(
    "sheets",
    [
        {
            "KeyResults": [
                SMALL_WORKBOOK["KeyResults"][0],
                [
                    "SAL-KR2",
                    "ENG-O1",
                    "Sales cycle days",
                    "output",
                    "number",
                    "days",
                    90,
                    60,
                    "decrease",
                    "Ana Ruiz",
                    dt.date(2027, 4, 1),
                    dt.date(2027, 6, 30),
                    1,
                    "Engineering",
                    None,
                    None,
                ],
            ]
        },
        {
            "Objectives": [
                SMALL_WORKBOOK["Objectives"][0],
                ["SAL-O1", "2027-Q2", "team", "Engineering", "Grow qualified pipeline", "Context.", "Ana Ruiz", "CO-1"],
            ]
        },
    ],
    ids=["kr-moved-to-own-objective", "objective-moved-to-own-team"],
)
def test_a_lead_cannot_take_another_teams_kr_or_objective(tmp_path, sheets):
    opened = small_store(tmp_path)
    result = check_and_store(
        opened,
        [UploadedFile("take.xlsx", xlsx_bytes(sheets))],
        "tom@example.com",
        team="Engineering",
        as_of=dt.date(2027, 5, 31),
    )
    opened.close()
    assert not result.stored
    assert [p.problem for p in result.errors] == [
        f"{next(iter(sheets.values()))[1][0]} is {'a key result' if 'KeyResults' in sheets else 'an objective'} of "
        "team Sales, not of team Engineering; choose team Sales to upload it, or remove the row"
    ]


# ---------------------------------------------------------------------------------------------- the pages


@pytest.fixture
def app_as(open_page, writable_demo_db, tmp_path, monkeypatch):
    """app_as(email, page, **query) → the app with sign-in on, signed in as `email` (None: signed out),
    run on `page` over a writable demo database, with the access file above."""
    path = tmp_path / "access.toml"
    path.write_text(ACCESS_FILE, encoding="utf-8")
    monkeypatch.setenv(access.ACCESS_FILE_VARIABLE, str(path))
    monkeypatch.setenv("OKR_DB", writable_demo_db)

    def opener(email: str | None, page: str = "pages/overview.py", **query):
        at = open_page(page, **query)
        at.secrets = copy.deepcopy(AUTH_SECRETS)
        sign_in(at, email)
        at.run()
        assert not at.exception, [e.value for e in at.exception]
        return at

    opener.target = writable_demo_db
    opener.access_file = path
    return opener


def sign_in(at, email: str | None) -> None:
    at.user = (
        {"is_logged_in": True, "email": email, "name": email.split("@")[0].replace(".", " ").title()}
        if email
        else {"is_logged_in": False}
    )


def plain(text: str) -> str:
    """Markdown-escaped user text as the reader sees it."""
    return text.replace("\\", "")


def labels(elements) -> list[str]:
    return [e.label for e in elements]


def values(elements) -> list[str]:
    return [e.value for e in elements]


def stored_uploads(target: str) -> pd.DataFrame:
    opened = Store.open(target)
    try:
        return opened.uploads()
    finally:
        opened.close()


def test_signed_out_visitors_see_only_the_sign_in_screen(app_as):
    at = app_as(None, "pages/team.py", team="Sales")
    assert values(at.title) == ["OKR dashboard"]
    assert labels(at.button) == ["Log in"]
    assert not at.sidebar.date_input and not at.dataframe and not at.metric


def test_the_sidebar_says_who_is_signed_in_with_which_role(app_as):
    at = app_as(LEAD_EMAIL)
    note = plain(" ".join(values(at.sidebar.markdown)))
    assert "Maya Goldberg" in note and "team lead of Sales" in note and "maya.goldberg@example.com" in note
    assert "Sign out" in labels(at.sidebar.button)
    assert "viewer" in " ".join(values(app_as(VIEWER_EMAIL).sidebar.markdown))
    assert "Local single-user mode" not in note


def test_local_mode_says_so_in_the_sidebar_and_everyone_is_admin(open_page):
    at = open_page("pages/upload.py")
    at.run()
    assert any("Local single-user mode" in text and "admin" in text for text in values(at.sidebar.markdown))
    assert "Sign out" not in labels(at.sidebar.button)
    assert len(next(s for s in at.main.selectbox if s.label == "Team").options) == 14


def test_a_viewer_sees_no_upload_controls_and_no_undo(app_as):
    at = app_as(VIEWER_EMAIL, "pages/upload.py", team="Sales")
    assert not at.get("file_uploader")
    assert [b.proto.label for b in at.get("download_button")] == ["Download the original file"]  # no template
    assert "Team" not in labels(at.main.selectbox)
    assert not any(b.key in (state.UPLOAD_COMMIT, state.UPLOAD_UNDO, state.UPLOAD_UNDO_CONFIRM) for b in at.button)
    assert any(
        f"{VIEWER_EMAIL} is a viewer: only team leads and admins may upload progress" in plain(info.value)
        for info in at.info
    )
    assert "Undoing an upload is for admins." in values(at.caption)


def test_a_lead_is_offered_only_their_team_and_is_recorded_by_email(app_as):
    at = app_as(LEAD_EMAIL, "pages/upload.py")
    team = next(s for s in at.main.selectbox if s.label == "Team")
    assert team.options == ["Sales"] and team.value == "Sales"
    assert not any(t.key == state.UPLOAD_BY for t in at.text_input)  # no free-text name when signed in
    assert any(LEAD_EMAIL in plain(c.value) and "signed in" in c.value for c in at.caption)
    assert at.get("file_uploader")
    assert state.UPLOAD_UNDO not in [b.key for b in at.button]

    template = next(b for b in at.get("download_button") if b.proto.label == "Sales template")
    assert template  # the lead's team's template is offered
    filled = progress_file({"SAL-O2-KR1": 512_000})
    at.file_uploader(key=state.UPLOAD_FILE).upload("sales.xlsx", filled, XLSX_MIME).run()
    assert not at.exception and not at.error
    at.button(key=state.UPLOAD_COMMIT).click().run()
    assert not at.exception, at.exception
    assert any("Stored as upload" in s.value for s in at.success)
    assert stored_uploads(app_as.target).iloc[0][["file_name", "uploaded_by"]].tolist() == ["sales.xlsx", LEAD_EMAIL]


def progress_file(values_by_kr: dict[str, float]) -> bytes:
    """A CheckIns sheet with one reading per KR, dated the review date."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "CheckIns"
    sheet.append(["kr_id", "date", "value", "confidence"])
    for kr_id, value in values_by_kr.items():
        sheet.append([kr_id, DEMO_AS_OF, value, 7])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_a_lead_file_touching_another_teams_kr_is_refused(app_as):
    at = app_as(LEAD_EMAIL, "pages/upload.py")
    engineering_kr = demo_kr_of("Engineering")
    at.file_uploader(key=state.UPLOAD_FILE).upload(
        "mixed.xlsx", progress_file({"SAL-O2-KR1": 512_000, engineering_kr: 1}), XLSX_MIME
    ).run()
    assert not at.exception
    problems = [
        plain(row["Problem and how to fix it"]) for table in at.get("table") for row in table.value.to_dict("records")
    ]
    assert any(
        p.startswith(f"{engineering_kr} is a key result of team Engineering, not of team Sales") for p in problems
    )
    assert state.UPLOAD_COMMIT not in [b.key for b in at.button]
    assert len(stored_uploads(app_as.target)) == 1  # the demo workbook only


def demo_kr_of(team: str) -> str:
    sheets = demo_sheets()
    objectives, krs = sheets["Objectives"], sheets["KeyResults"]
    mine = objectives.loc[objectives["team"] == team, "objective_id"]
    return krs.loc[krs["objective_id"].isin(mine) & (krs["measure"] == "number"), "kr_id"].iloc[0]


def test_a_commit_is_checked_again_when_it_runs(app_as):
    """A Sales preview whose commit arrives from a session that is no longer Sales' lead stores nothing."""
    at = app_as(LEAD_EMAIL, "pages/upload.py")
    at.file_uploader(key=state.UPLOAD_FILE).upload(
        "sales.xlsx", progress_file({"SAL-O2-KR1": 512_000}), XLSX_MIME
    ).run()
    sign_in(at, VIEWER_EMAIL)
    at.button(key=state.UPLOAD_COMMIT).click().run()
    assert not at.exception
    assert any(f"Nothing was stored: {VIEWER_EMAIL} is a viewer" in e.value for e in at.error)
    assert len(stored_uploads(app_as.target)) == 1


def test_an_admin_uploads_for_any_team_and_undoes_and_the_undo_is_checked_again(app_as):
    at = app_as(ADMIN_EMAIL, "pages/upload.py")
    team = next(s for s in at.main.selectbox if s.label == "Team")
    assert sorted(team.options) == sorted(demo_sheets()["Teams"]["team"])
    at.selectbox(key=state.UPLOAD_CHOSEN).set_value(f"1/{DEMO_WORKBOOK.name}").run()  # never the default choice
    at.button(key=state.UPLOAD_UNDO).click().run()
    assert at.button(key=state.UPLOAD_UNDO_CONFIRM)
    sign_in(at, LEAD_EMAIL)  # the confirmation arrives from a session that is no longer an admin's
    at.button(key=state.UPLOAD_UNDO_CONFIRM).click().run()
    assert any("was not undone" in e.value and "only admins may undo uploads" in e.value for e in at.error)
    assert stored_uploads(app_as.target)["undone_at"].isna().all()

    sign_in(at, ADMIN_EMAIL)
    at.run()
    at.button(key=state.UPLOAD_UNDO).click().run()
    at.button(key=state.UPLOAD_UNDO_CONFIRM).click().run()
    assert stored_uploads(app_as.target).iloc[0]["undone_by"] == ADMIN_EMAIL


def test_review_meeting_records_are_for_admins_and_carry_their_email(app_as):
    viewer = app_as(VIEWER_EMAIL, "pages/review_meeting.py")
    lead = app_as(LEAD_EMAIL, "pages/review_meeting.py")
    for at in (viewer, lead):
        assert not {
            "Record the decision",
            "Record the action",
            "Save the notes",
            "Undo it",
            "Save status changes",
        } & set(labels(at.button))
        assert next(t for t in at.text_area if t.key.startswith(state.MEETING_NOTES)).disabled
        assert any("only admins may record review decisions" in c.value for c in at.caption)
    admin = app_as(ADMIN_EMAIL, "pages/review_meeting.py")
    assert {"Record the decision", "Record the action", "Save the notes"} <= set(labels(admin.button))
    assert not any(t.key == state.MEETING_BY for t in admin.text_input)
    notes = next(t for t in admin.text_area if t.key.startswith(state.MEETING_NOTES))
    notes.set_value("Pipeline review moved to June.")
    next(b for b in admin.button if b.label == "Save the notes").click().run()
    assert not admin.exception
    assert any(f"Recorded the notes ({ADMIN_EMAIL})" in s.value for s in admin.success)
    opened = Store.open(app_as.target)
    try:
        written = opened.read_table("review_notes").set_index("review_month").loc["2027-05", "written_by"]
    finally:
        opened.close()
    assert written == ADMIN_EMAIL


def test_retrospective_carry_over_is_for_admins(app_as):
    lead = app_as(LEAD_EMAIL, "pages/retrospective.py", as_of="2027-07-15")
    assert not any(b.key == state.RETRO_CARRY_BUTTON for b in lead.button)
    assert any("only admins may record review decisions" in c.value for c in lead.caption)
    admin = app_as(ADMIN_EMAIL, "pages/retrospective.py", as_of="2027-07-15")
    assert admin.button(key=state.RETRO_CARRY_BUTTON)
    assert not any(t.key == state.RETRO_BY for t in admin.text_input)


def test_scenario_changes_are_for_admins(app_as):
    lead = app_as(LEAD_EMAIL, "pages/backcalc.py", **{state.BACKCALC_TAB: "Scenarios"})
    assert not {"Save", "Rename"} & set(labels(lead.button))
    assert not any(b.label.startswith("Publish") for b in lead.button)
    assert any("only admins may save, rename, delete or publish scenarios" in plain(c.value) for c in lead.caption)
    admin = app_as(ADMIN_EMAIL, "pages/backcalc.py", **{state.BACKCALC_TAB: "Scenarios"})
    admin.text_input(key=state.BACKCALC_NAME).set_value("Board plan")
    next(b for b in admin.button if b.label == "Save").click().run()
    assert not admin.exception
    from store.scenarios import list_scenarios

    opened = Store.open(app_as.target)
    try:
        assert list_scenarios(opened)[["name", "saved_by"]].values.tolist() == [["Board plan", ADMIN_EMAIL]]
    finally:
        opened.close()
    assert any(b.label.startswith("Publish") for b in admin.button)


def test_swot_entry_is_for_leads_and_admins_company_objectives_for_admins(app_as):
    viewer = app_as(VIEWER_EMAIL, "pages/swot.py")
    assert "Add item" not in labels(viewer.button)
    assert any("only team leads and admins may add SWOT items" in i.value for i in viewer.info)
    lead = app_as(LEAD_EMAIL, "pages/swot.py")
    assert "Add item" in labels(lead.button)
    assert not any(m.label.startswith("Pick 2") for m in lead.multiselect)
    next(s for s in lead.selectbox if s.label == "Leader").set_value("Maya Goldberg")
    next(t for t in lead.text_input if t.label == "Item").set_value("Two reps leave in Q3")
    next(b for b in lead.button if b.label == "Add item").click().run()
    assert not lead.exception
    assert stored_uploads(app_as.target).iloc[0][["file_name", "uploaded_by"]].tolist() == [
        "swot-form-entry.csv",
        LEAD_EMAIL,
    ]
    admin = app_as(ADMIN_EMAIL, "pages/swot.py")
    assert any(m.label.startswith("Pick 2") for m in admin.multiselect)


def test_only_admins_see_the_access_page_and_a_grant_made_there_takes_effect(app_as):
    admin = app_as(ADMIN_EMAIL, "pages/access.py")
    assert values(admin.title) == ["Access"]
    listed = admin.dataframe[0].value
    assert sorted(listed["email"]) == [ADMIN_EMAIL, LEAD_EMAIL] and set(listed["source"]) == {"access file"}

    admin.text_input(key=state.ACCESS_EMAIL).set_value("Nadia.Haddad@example.com")
    admin.selectbox(key=state.ACCESS_ROLE).set_value(LEAD).run()
    admin.multiselect(key=state.ACCESS_TEAMS).set_value(["Data"])
    admin.button(key=state.ACCESS_SAVE).click().run()
    assert not admin.exception
    assert any("nadia.haddad@example.com is now team lead of Data." in plain(s.value) for s in admin.success)
    changes = next(d.value for d in admin.dataframe if "changed_by" in d.value.columns)
    assert changes.iloc[0][["email", "role", "teams", "changed_by"]].tolist() == [
        "nadia.haddad@example.com",
        "team lead",
        "Data",
        ADMIN_EMAIL,
    ]

    nadia = app_as("nadia.haddad@example.com", "pages/upload.py")
    assert next(s for s in nadia.main.selectbox if s.label == "Team").options == ["Data"]

    # What the access file says is not changed here.
    admin.text_input(key=state.ACCESS_EMAIL).set_value(LEAD_EMAIL.upper())
    admin.selectbox(key=state.ACCESS_ROLE).set_value(ADMIN)
    admin.button(key=state.ACCESS_SAVE).click().run()
    assert any(f"{LEAD_EMAIL} is set in the access file, which comes first" in plain(e.value) for e in admin.error), (
        values(admin.error)
    )
    assert LEAD_EMAIL not in access.stored_grants(Store.open(app_as.target))


def test_a_lead_or_viewer_opening_the_access_page_is_refused(app_as):
    """The page is not in their navigation; opened anyway, it shows nothing but the refusal."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(access.PROJECT_ROOT / "pages" / "access.py"), default_timeout=60)
    at.secrets = copy.deepcopy(AUTH_SECRETS)
    sign_in(at, LEAD_EMAIL)
    at.run()
    assert any("only admins may manage access" in i.value for i in at.info)
    assert not at.button and not at.text_input


def test_a_broken_access_file_makes_everyone_a_viewer_and_says_why(app_as):
    app_as.access_file.write_text('[users]\n"x@example.com" = { role = "owner" }\n')
    at = app_as(ADMIN_EMAIL, "pages/upload.py")
    assert any('role "owner" is not one of' in plain(e.value) for e in at.sidebar.error)
    assert "Team" not in labels(at.main.selectbox)
    assert "viewer" in " ".join(values(at.sidebar.markdown))


def test_an_unreadable_secrets_file_stops_the_app_instead_of_opening_it_to_everyone(open_page, tmp_path):
    import streamlit as st
    from streamlit import config

    broken = tmp_path / "secrets.toml"
    broken.write_text('[auth]\nredirect_uri = "http://localhost:8501/oauth2callback\n', encoding="utf-8")
    configured = config.get_option("secrets.files")
    st.secrets._reset()
    config.set_option("secrets.files", [str(broken)])
    try:
        at = open_page("pages/upload.py")
        at.run()
    finally:
        config.set_option("secrets.files", configured)
        st.secrets._reset()
    assert any(f"The secrets file {broken} cannot be read" in plain(e.value) for e in at.error)
    assert not at.get("file_uploader") and not at.main.selectbox and not at.sidebar.date_input
