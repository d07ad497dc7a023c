"""Sign-in end to end: the app with an `[auth]` section, oidc-provider-mock as the OpenID Connect
provider on localhost, real Chromium signing in as a viewer, a team lead and an admin.

The admin comes from the access file, the team lead from the access table (as the Access page stores
it), the viewer from neither. The app is opened as `localhost`, as its redirect_uri says."""

from __future__ import annotations

import concurrent.futures
import contextlib
import json
import os
import pathlib
import re
import urllib.request

import pytest
from test_auth import demo_kr_of, progress_file
from test_browser import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS, _free_port, demo_database, running_app, wait_for_app

from conftest import DEMO_AS_OF

oidc_provider_mock = pytest.importorskip(
    "oidc_provider_mock", reason="oidc-provider-mock is not installed (it is in requirements.txt: make setup)"
)

ADMIN = ("ceo@example.com", "Alexandre Laurent")
LEAD = ("maya.goldberg@example.com", "Maya Goldberg")
VIEWER = ("board.observer@example.com", "Board Observer")
MAIN = '[data-testid="stMain"]'
UPLOADER = '[data-testid="stFileUploaderDropzoneInput"]'


def _set_claims(provider: str, email: str, name: str) -> None:
    request = urllib.request.Request(
        f"{provider}/users/{email}",
        method="PUT",
        data=json.dumps({"email": email, "name": name}).encode(),
        headers={"Content-Type": "application/json"},
    )
    urllib.request.urlopen(request, timeout=10).close()


@contextlib.contextmanager
def serving_signed_in_app(tmp_dir: pathlib.Path, provider: str):
    """The demo database, an access file naming the admin, the lead granted on the Access table, and
    `streamlit run app.py` with sign-in through `provider`; yields the app's base URL."""
    from store import access
    from store.database import Store

    db = demo_database(tmp_dir)
    store = Store.open(db)
    access.set_grant(store, LEAD[0], access.LEAD, ["Sales"], ADMIN[0])
    store.close()
    access_file = tmp_dir / "access.toml"
    access_file.write_text(f'[users]\n"{ADMIN[0]}" = {{ role = "admin" }}\n', encoding="utf-8")
    port = _free_port()
    url = f"http://localhost:{port}"
    secrets = tmp_dir / "secrets.toml"
    secrets.write_text(
        f'[auth]\nredirect_uri = "{url}/oauth2callback"\ncookie_secret = "test-only-{os.urandom(16).hex()}"\n'
        f'client_id = "okr-dashboard-test"\nclient_secret = "any"\n'
        f'server_metadata_url = "{provider}/.well-known/openid-configuration"\n',
        encoding="utf-8",
    )
    env = {**os.environ, "OKR_DB": db, "OKR_AS_OF": DEMO_AS_OF.isoformat(), "OKR_ACCESS_FILE": str(access_file)}
    with running_app(tmp_dir, port, env, "--secrets.files", str(secrets)) as served:
        yield served


@pytest.fixture(scope="module")
def signed_in_app(tmp_path_factory):
    with oidc_provider_mock.run_server_in_thread() as provider_server:
        provider = f"http://localhost:{provider_server.server_port}"
        for email, name in (ADMIN, LEAD, VIEWER):
            _set_claims(provider, email, name)
        with serving_signed_in_app(tmp_path_factory.mktemp("browser_auth"), provider) as url:
            yield url


@pytest.fixture(scope="module")
def in_chromium():
    """in_chromium(scenario, *args) runs scenario(context, *args) in a fresh browser context (no
    cookies: signed out). Chromium is driven from a thread of its own: the browser suite's session
    keeps a sync Playwright (and its event loop) open on the main thread, where a second one refuses
    to start."""
    if not CHROMIUM.exists():
        pytest.skip("Debian chromium is not installed (make test installs it when run as root)")
    from playwright.sync_api import sync_playwright

    def launch():
        playwright = sync_playwright().start()
        return playwright, playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)

    def in_context(scenario, *args):
        context = browser.new_context(viewport={"width": 1600, "height": 1000})
        try:
            return scenario(context, *args)
        finally:
            context.close()

    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as worker:
        playwright, browser = worker.submit(launch).result()
        try:
            yield lambda scenario, *args: worker.submit(in_context, scenario, *args).result()
        finally:
            worker.submit(lambda: (browser.close(), playwright.stop())).result()


def sign_in(context, base: str, email: str):
    """Open the upload page's link signed out, sign in through the provider, open the page again."""
    page = context.new_page()
    page.goto(f"{base}/upload", timeout=60000)
    wait_for_app(page)
    assert page.locator(UPLOADER).count() == 0 and "Sign in with your company account" in page.inner_text(MAIN)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/oauth2/authorize**", timeout=30000)
    page.fill('input[name="sub"]', email)
    page.get_by_role("button", name="Authorize", exact=True).click()
    page.wait_for_url(f"{base}/**", timeout=30000)
    wait_for_app(page)
    page.goto(f"{base}/upload", timeout=60000)
    wait_for_app(page)
    return page


def sidebar_text(page) -> str:
    return page.inner_text('[data-testid="stSidebar"]')


def team_choices(page) -> list[str]:
    """The options of the upload page's Team list, as the user sees them when opening it."""
    page.locator(f'{MAIN} [data-testid="stSelectbox"]').filter(
        has=page.get_by_role("combobox", name="Team")
    ).get_by_role("button", name="Open").click()
    options = page.get_by_role("option")
    options.first.wait_for(timeout=10000)
    shown = [text.strip() for text in options.all_inner_texts()]
    page.keyboard.press("Escape")
    return shown


def shot(page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"signed_in_{name}_1600x1000.png"))


def test_a_viewer_sees_no_uploader_and_signs_out(in_chromium, signed_in_app):
    in_chromium(viewer_signs_in_and_out, signed_in_app)


def viewer_signs_in_and_out(context, signed_in_app):
    page = sign_in(context, signed_in_app, VIEWER[0])
    main = page.inner_text(MAIN)
    assert "is a viewer: only team leads and admins may upload progress" in main
    assert page.locator(UPLOADER).count() == 0
    assert page.get_by_role("button", name="Undo upload 1…").count() == 0
    assert f"{VIEWER[1]} ({VIEWER[0]}) · viewer" in sidebar_text(page)
    assert "Access" not in page.eval_on_selector_all(
        '[data-testid="stSidebarNavLink"]', "els => els.map(e => e.innerText)"
    )
    shot(page, "viewer")

    page.get_by_role("button", name="Sign out").click()
    page.get_by_role("button", name="End session").click()  # the provider's own sign-out page
    page.wait_for_url(f"{signed_in_app}/**", timeout=30000)
    wait_for_app(page)
    assert page.get_by_role("button", name="Log in").count() == 1
    page.goto(f"{signed_in_app}/upload", timeout=60000)
    wait_for_app(page)
    assert "Upload history" not in page.inner_text(MAIN)


def test_a_team_lead_is_offered_only_their_team_and_another_teams_kr_is_refused(in_chromium, signed_in_app):
    in_chromium(lead_signs_in_and_uploads, signed_in_app)


def lead_signs_in_and_uploads(context, signed_in_app):
    page = sign_in(context, signed_in_app, LEAD[0])
    assert f"{LEAD[1]} ({LEAD[0]}) · team lead of Sales" in sidebar_text(page)
    assert team_choices(page) == ["Sales"]
    assert f"Your name (recorded with the upload): {LEAD[0]} (signed in)" in page.inner_text(MAIN)
    assert page.get_by_role("button", name="Undo upload 1…").count() == 0
    shot(page, "lead")

    other = demo_kr_of("Engineering")
    page.set_input_files(
        UPLOADER,
        files=[
            {
                "name": "mixed.xlsx",
                "mimeType": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                "buffer": progress_file({"SAL-O2-KR1": 512_000, other: 1}),
            }
        ],
    )
    page.get_by_text(f"{other} is a key result of team Engineering, not of team Sales").wait_for(timeout=60000)
    wait_for_app(page)
    assert page.get_by_role("button", name="Commit").count() == 0


def test_an_admin_sees_undo_every_team_and_the_access_page(in_chromium, signed_in_app):
    in_chromium(admin_signs_in, signed_in_app)


def admin_signs_in(context, signed_in_app):
    page = sign_in(context, signed_in_app, ADMIN[0])
    assert f"{ADMIN[1]} ({ADMIN[0]}) · admin" in sidebar_text(page)
    # The undo choice opens on no upload (the only one is the company workbook); an admin may pick it.
    page.get_by_role("combobox", name="Upload", exact=True).click()
    page.get_by_role("option", name=re.compile(r"^Upload 1 · ")).click()
    wait_for_app(page)
    assert page.get_by_role("button", name="Undo upload 1…").count() == 1
    assert len(team_choices(page)) == 14
    shot(page, "admin")
    page.goto(f"{signed_in_app}/access", timeout=60000)
    wait_for_app(page)
    assert "Who has which role" in page.inner_text(MAIN)
    # The lead's grant, stored in the database, is the one this page can take back.
    assert page.get_by_role("combobox", name="Set on this page").input_value() == f"{LEAD[0]} · team lead"
