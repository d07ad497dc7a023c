"""The Upload page's mapping step in a real browser at 1366 × 768: a Portuguese one-row-per-KR CSV goes
through the drop zone, one header is mapped with its select box, another ignored, the check-in date
picked, the mapping saved as a profile and the upload committed; the next file with the same headers
opens read by the profile. Screenshots land in artifacts/screens (git-ignored)."""

from __future__ import annotations

import re

import pytest
from test_browser import ARTIFACTS, CHROMIUM, MAIN_OVERFLOW, open_app, serving_app, wait_for_app

pytestmark = pytest.mark.browser

HEADERS = "Objetivo;Resultado-chave;Responsável;Valor inicial;Meta;Alcançado;Semáforo"
PROFILE = "Planilha OKR Vendas"
COMMIT = re.compile(r"^Commit 5 change")  # 2 check-ins, 2 KRs and their objective
DROP_ZONE = '[data-testid="stFileUploaderDropzoneInput"]'


def okr_csv(path, reached: tuple[int, int]):
    path.write_text(
        f"{HEADERS}\n"
        f"Crescer a receita;Fechar 10 novos clientes;Ana Souza;0;10;{reached[0]};verde\n"
        f"Crescer a receita;Aumentar o NPS;Rui Lima;30;50;{reached[1]};amarelo\n",
        encoding="utf-8",
    )
    return path


@pytest.fixture(scope="module")
def app_url(tmp_path_factory):
    if not CHROMIUM.exists():
        pytest.skip("Debian chromium is not installed (make test installs it when run as root)")
    with serving_app(tmp_path_factory.mktemp("browser_mapping")) as url:
        yield url


@pytest.fixture
def small_page(browser):
    context = browser.new_context(viewport={"width": 1366, "height": 768})
    opened = context.new_page()
    yield opened
    context.close()


def choose(page, label: str, option: str) -> None:
    """Pick `option` in the select box labelled `label`."""
    page.locator(f'[data-testid="stSelectbox"] input[aria-label="{label}"]').click()
    page.keyboard.type(option)  # the list is long and drawn in part: narrow it first
    page.get_by_role("option", name=option, exact=True).click()
    wait_for_app(page, settle_s=0.3)


def main_text(page) -> str:
    return page.inner_text('[data-testid="stMain"]')


def shoot(page, name: str, top: str) -> None:
    """The screen with the text `top` scrolled to the top, and the whole main column (Streamlit scrolls
    inside it, so a full-page shot would show the first screen only)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.get_by_text(top, exact=True).first.evaluate("e => e.scrollIntoView({block: 'start'})")
    page.screenshot(path=str(ARTIFACTS / f"upload_mapping_{name}_1366x768.png"))
    height = page.evaluate("document.querySelector('[data-testid=\"stMain\"]').scrollHeight")
    page.set_viewport_size({"width": 1366, "height": height})
    try:
        page.screenshot(path=str(ARTIFACTS / f"upload_mapping_{name}_1366_whole.png"))
    finally:
        page.set_viewport_size({"width": 1366, "height": 768})


def fits(page) -> None:
    size = page.evaluate(MAIN_OVERFLOW)
    assert size["scrollWidth"] <= size["clientWidth"] + 1, f"the page scrolls sideways: {size}"


def test_a_foreign_sheet_is_mapped_and_its_profile_applied_next_time(small_page, app_url, tmp_path):
    page = small_page
    open_app(page, f"{app_url}/upload?team=Sales")
    page.set_input_files(
        '[data-testid="stFileUploaderDropzoneInput"]', str(okr_csv(tmp_path / "okrs_maio.csv", (4, 41)))
    )
    page.get_by_text("How the file is read").wait_for(timeout=60000)
    wait_for_app(page)
    assert not page.query_selector_all('[data-testid="stException"]')
    assert page.input_value('input[aria-label="Alcançado"]') == "not used"
    fits(page)
    shoot(page, "1_proposed", "How the file is read")

    choose(page, "Alcançado", "current_value")
    choose(page, "Semáforo", "ignore (not reported)")
    date = page.locator('[data-testid="stDateInput"]').filter(has_text="Check-in date").locator("input")
    date.fill("2027-05-28")
    date.press("Enter")
    date.press("Escape")  # close the calendar
    wait_for_app(page)
    shoot(page, "2_mapped", "How the file is read")
    page.get_by_role("button", name=COMMIT).wait_for(timeout=60000)
    assert page.input_value('input[aria-label="Alcançado"]') == "current_value"
    assert date.input_value() == "2027-05-28"
    fits(page)

    page.locator('input[aria-label="Profile name"]').fill(PROFILE)
    page.locator('input[aria-label="Profile name"]').press("Enter")
    wait_for_app(page, settle_s=0.3)
    page.get_by_role("button", name="Save as profile").click()
    wait_for_app(page)
    assert f'Saved profile "{PROFILE}"' in main_text(page)
    assert f"Read by the profile {PROFILE}" in main_text(page)
    shoot(page, "3_saved", "How the file is read")

    page.get_by_role("button", name=COMMIT).click()
    wait_for_app(page)
    assert "Stored as upload 2" in main_text(page)

    # Next month's file with the same headers, in a new session: read by the profile by itself.
    open_app(page, f"{app_url}/upload?team=Sales")
    page.set_input_files(
        '[data-testid="stFileUploaderDropzoneInput"]', str(okr_csv(tmp_path / "okrs_junho.csv", (6, 45)))
    )
    page.get_by_text(f"Read by the profile {PROFILE}").wait_for(timeout=60000)
    wait_for_app(page)
    page.get_by_role("button", name="Commit 2 change(s)").wait_for(timeout=60000)  # check-ins only
    assert not page.query_selector_all('[data-testid="stException"]')
    fits(page)
    shoot(page, "4_profile_applied", "How the file is read")
