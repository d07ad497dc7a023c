"""Router: the pages of the OKR dashboard and the controls they share."""
import streamlit as st

from ui.context import as_of_control

st.set_page_config(page_title="OKR dashboard", page_icon=":material/flag:", layout="wide")

pages = {
    "Monthly review": [
        st.Page("pages/overview.py", title="Company overview", icon=":material/monitoring:", default=True),
    ],
}
page = st.navigation(pages)
as_of_control()
page.run()
