"""Backends: the same small Keras MLP on every installed backend, side by side."""

import streamlit as st

from dlenv.i18n import t
from dlenv.measure import backends
from dlenv.measure.workloads import MLP
from dlenv.precision import dtype_label
from dlenv.serve.plan import Plan
from dlenv.ui import show
from dlenv.ui.jobs import leave_other_pages, run_job
from dlenv.ui.messages import install_hint
from dlenv.ui.state import page_language

SPEC = MLP(depth=2, width=256, batch=32)

lang = page_language()
leave_other_pages("backends")  # a job left running on another page is cancelled
st.title(t("backends_title", lang))
st.write(t("backends_intro", lang))
installed = backends.installed()
st.write(t("installed", lang, names=", ".join(installed) or "-"))
for name in sorted(set(backends.BACKENDS) - set(installed)):
    st.caption(install_hint(name, lang))
st.code("import keras\n\n"
        f"model = keras.Sequential([keras.Input(({SPEC.input_dim},))]\n"
        f"    + [keras.layers.Dense({SPEC.width}, activation='relu') for _ in range({SPEC.depth})]\n"
        f"    + [keras.layers.Dense({SPEC.classes})])\n"
        f"model.predict_on_batch(x)  # x: {SPEC.batch} × {SPEC.input_dim}", language="python")
st.caption(t("backends_precision", lang))

request = Plan((SPEC,), backends=tuple(installed), budget_s=0.5, label="backend comparison") if installed else None
pressed = st.button(t("compare_run", lang), type="primary", disabled=not installed)
doc = run_job(request, lang, start=pressed, slot="backends")
if doc:
    df = show.frame(doc)
    show.busy_warning(df, lang)  # a busy machine skews a comparison most of all
    show.backend_comparison(df, lang)  # steps with their spread beside first calls, log axis; its takeaway
    ran = {f"{row['backend']} {row['device']}: {dtype_label(row)}" for _, row in df.iterrows()}
    st.caption(t("backends_precision_ran", lang, ran="; ".join(sorted(ran))))
    show.table(df, lang)
