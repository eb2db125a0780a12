"""dlenv dashboard entry point: page config, language picker and navigation only.

The pages never import a deep-learning framework: measuring happens in worker
processes, through the one ``dlenv.serve.runner.Runner`` the server shares.
"""

import streamlit as st

from dlenv.i18n import t
from dlenv.ui.state import in_app, language_picker

st.set_page_config(page_title="dlenv", page_icon=":material/speed:", layout="wide")
lang = language_picker()
in_app()

st.navigation([
    st.Page("pages/environment.py", title=t("page_environment", lang), icon=":material/memory:", default=True),
    st.Page("pages/matmul.py", title=t("page_matmul", lang), icon=":material/grid_on:"),
    st.Page("pages/models.py", title=t("page_models", lang), icon=":material/account_tree:"),
    st.Page("pages/backends.py", title=t("page_backends", lang), icon=":material/compare_arrows:"),
    st.Page("pages/results.py", title=t("page_results", lang), icon=":material/table_chart:"),
    st.Page("pages/learn.py", title=t("page_learn", lang), icon=":material/school:"),
]).run()
