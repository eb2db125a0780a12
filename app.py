"""dlenv dashboard entry point: page config and navigation only.

The pages never import a deep-learning framework: measuring happens in the
``dlenv`` core, in processes of its own.
"""

import streamlit as st

st.set_page_config(page_title="dlenv", page_icon=":material/speed:", layout="wide")

st.navigation([
    st.Page("pages/environment.py", title="Environment", icon=":material/memory:", default=True),
]).run()
