"""dlenv dashboard entry point: ``streamlit run app.py``.

The page config, language picker and page list are ``dlenv.ui.state.navigation()``:
the pages call it too, when Streamlit runs one without this file (a fresh server's
first session opened at a page URL; the rule is explained there).

The pages never import a deep-learning framework: measuring happens in worker
processes, through the one ``dlenv.serve.runner.Runner`` the server shares.
"""

from dlenv.ui.state import navigation

navigation().run()
