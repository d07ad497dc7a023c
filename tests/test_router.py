"""The private Streamlit flag ui/router.py switches off: if an upgrade renames it, drops it or stops
setting it from the pages/ folder, these fail and say what to revisit."""

from __future__ import annotations

from streamlit.runtime.pages_manager import PagesManager

from conftest import PROJECT_ROOT


def test_streamlit_still_takes_a_pages_folder_for_old_style_pages_and_the_router_switches_that_off(monkeypatch):
    from ui.router import declare_router

    assert "uses_pages_directory" in vars(PagesManager), (
        "Streamlit no longer has PagesManager.uses_pages_directory: check whether deep links still run "
        "app.py's router and remove or rewrite ui/router.py"
    )
    monkeypatch.setattr(PagesManager, "uses_pages_directory", None)
    PagesManager(str(PROJECT_ROOT / "app.py"))
    assert PagesManager.uses_pages_directory is True, "Streamlit no longer detects pages/ this way: see ui/router.py"
    declare_router()
    assert PagesManager.uses_pages_directory is False


def test_no_module_but_the_router_touches_the_flag():
    touching = sorted(
        str(path.relative_to(PROJECT_ROOT))
        for folder in ("app.py", "pages", "ui", "tests", "bench")
        for path in (
            (PROJECT_ROOT / folder).rglob("*.py") if (PROJECT_ROOT / folder).is_dir() else [PROJECT_ROOT / folder]
        )
        if path.name != "test_router.py" and "uses_pages_directory =" in path.read_text()
    )
    assert touching == ["ui/router.py"]
