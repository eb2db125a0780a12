"""The Colab line on a page: open the project's notebook in Colab, or download it with the sweep inside.

``show_colab(lang, page)`` is the one call a page makes. With ``DLENV_REPOSITORY`` set (the
environment, or a root-level key of ``.streamlit/secrets.toml`` / Streamlit Cloud's Secrets)
it shows an "Open in Colab" link to the stock notebook; without it, or when it is unusable,
the notebook is a download carrying dlenv itself. The Matrix multiply and Results pages
always offer the download too, with the sweep chosen on the page (Matrix multiply) or the
default one written into its first cell. The pure part is ``dlenv.colab``.
"""

from __future__ import annotations

import streamlit as st

from dlenv import colab
from dlenv.i18n import TEXT, t

# Pages whose download carries a sweep (the Environment page offers the link, or the notebook
# when there is no link).
_SWEEP_PAGES = ("matmul", "results")


def matmul_sweep() -> colab.Sweep:
    """The Matrix multiply page's current choices (its widgets' session state) as a Colab sweep.

    Read from st.session_state, so a page may call this before drawing its widgets: Streamlit
    puts a widget's new value there before the rerun starts. Before the first run: the default.
    """
    state = st.session_state
    sizes = list(state.get("mm_sizes") or []) + ([state["mm_other"]] if state.get("mm_other") else [])
    try:
        return colab.Sweep.for_colab(sizes, state.get("mm_dtype", "float32"), state.get("mm_devices") or ["cpu"],
                                     state.get("mm_backend", "tensorflow"), bool(state.get("mm_naive")))
    except (ValueError, TypeError):  # a value the notebook could not run: its default sweep instead
        return colab.Sweep()


@st.cache_data(show_spinner=False, max_entries=32)
def notebook_bytes(sweep: colab.Sweep, install: str) -> bytes:
    """The .ipynb for ``sweep``, installing dlenv from ``install``; with "" (no address set)
    it carries dlenv's own code instead (``colab.source_zip``). Cached per server."""
    return colab.notebook_for(sweep, install=install, embed=None if install else colab.source_zip())


def _repository(lang: str) -> colab.Repository | None:
    st.secrets.load_if_toml_exists()  # root-level secrets become environment variables
    try:
        return colab.repository_from()
    except ValueError as exc:
        st.warning(t("colab_bad_setting", lang, message=exc))
        return None


def show_colab(lang: str, page: str) -> None:
    """The Colab round trip's first click, on ``page`` ("environment", "matmul" or "results")."""
    repository = _repository(lang)
    sweep = matmul_sweep() if page == "matmul" else colab.Sweep()
    with st.container(border=True):
        st.write(t("colab_line", lang, file=colab.RESULTS_FILE))
        workloads = [t(f"wl_{name}", lang) if f"wl_{name}" in TEXT else name for name in sweep.workloads]
        st.caption(t("colab_sweep", lang, workloads=", ".join(workloads), sizes=", ".join(map(str, sweep.sizes)),
                     dtype=sweep.dtype, backend=sweep.backend, devices=", ".join(sweep.devices)))
        slots = iter(st.columns(2))  # the link first when there is one, then the download
        if repository:
            next(slots).link_button(t("colab_open", lang), colab.colab_url(repository), type="primary")
        if repository and page not in _SWEEP_PAGES:
            return
        if not colab.STOCK_NOTEBOOK.is_file():
            st.caption(t("colab_no_notebook", lang, path=colab.NOTEBOOK_PATH))
            return
        install = colab.install_source(repository) if repository else ""
        # Built when pressed (a callable), so the page's reruns do not zip dlenv every time.
        next(slots).download_button(t("colab_download", lang), lambda: notebook_bytes(sweep, install), "dlenv_colab.ipynb",
                              "application/x-ipynb+json", key=f"colab_download_{page}")
        st.caption(t("colab_stock_hint", lang) if repository else t("colab_upload_hint", lang))
