import streamlit as st

st.info("Being built.")
