"""The stored tables are read once per data version and shared by every session and page run
(st.cache_resource, no copy per run): what one caller does to its tables must not reach the others."""

import streamlit as st

import ui.context


def test_a_caller_changing_its_tables_leaves_the_shared_ones_alone(demo_db):
    st.cache_resource.clear()
    try:
        first = ui.context._tables(demo_db, 1)
        title = first["key_results"]["title"].iloc[0]
        first["key_results"].loc[first["key_results"].index[0], "title"] = "changed"
        first["key_results"]["extra"] = 1
        objectives_column = first["objectives"].columns[0]
        del first["objectives"][objectives_column]
        second = ui.context._tables(demo_db, 1)
        assert second["key_results"]["title"].iloc[0] == title != "changed"
        assert "extra" not in second["key_results"].columns
        assert objectives_column in second["objectives"].columns
        assert ui.context._stored_tables(demo_db, 1) is ui.context._stored_tables(demo_db, 1)
    finally:
        st.cache_resource.clear()
