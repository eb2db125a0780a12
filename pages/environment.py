"""Environment: what this machine is made of, per backend, and a quick demo."""

import streamlit as st

from dlenv.i18n import t
from dlenv.measure import backends
from dlenv.measure.devices import cpu_info, peak_for
from dlenv.measure.environment import runtime
from dlenv.measure.workloads import MLP, Matmul
from dlenv.serve.plan import Plan
from dlenv.ui.colab import show_colab
from dlenv.ui.jobs import leave_other_pages, load_environments, run_job
from dlenv.ui.messages import install_hint, peak_note
from dlenv.ui.state import page_language

DEMO = Plan(tuple(Matmul.square(n) for n in (64, 128, 256, 512)) + (MLP(depth=2, width=128, batch=32),),
            devices=("all",), budget_s=0.3, label="quick demo")


def _show():
    # pandas and Plotly (about 1 s to import) load only once devices or a demo are shown,
    # so the start page's first render stays fast.
    from dlenv.ui import show

    return show


@st.cache_data
def _cpu() -> dict:
    cpu = cpu_info()
    return {"cpu": cpu.to_dict(), "peak": peak_for(cpu, "float32")}


lang = page_language()
leave_other_pages("environment")  # a job left running on another page is cancelled
info = _cpu()
cpu, peak = info["cpu"], info["peak"]
st.title(t("env_title", lang))
st.caption(t("env_running", lang, runtime=t(f"runtime_{runtime()}", lang)))
cols = st.columns(3)
cols[0].metric(t("cpu", lang), cpu["name"])
cols[1].metric(t("cores", lang), cpu["cores"] or "?")
cols[2].metric(t("peak_estimate", lang), f"{peak.gflops:.0f} GFLOP/s" if peak else t("unknown", lang),
               help=peak_note(peak.note, lang) if peak else None)
st.write(t("simd", lang, units=", ".join(cpu["simd"]) or t("none_reported", lang)))
show_colab(lang, "environment")  # no GPU here? the Colab round trip

st.header(t("per_backend", lang))
st.write(t("per_backend_intro", lang))
for name in sorted(set(backends.BACKENDS) - set(backends.installed())):
    st.caption(install_hint(name, lang))
envs = load_environments(backends.installed(), lang, start=st.button(t("load_devices", lang)))
if envs:
    from dlenv.ui.tables import version_text

    has_gpu = any(d["kind"] == "gpu" for env in envs.values() for d in env.get("devices", []))
    for name, env in envs.items():
        st.subheader(name)
        # CUDA/cuDNN on a machine without a GPU are the versions the framework was built with.
        st.write(f"{t('versions', lang)}: {version_text(env.get('versions', {}), has_gpu, lang)}")
        st.dataframe(_show().device_rows(env, lang), hide_index=True)
    kinds = {d["kind"] for env in envs.values() for d in env.get("devices", [])}
    if kinds and "gpu" not in kinds:
        st.info(t("no_gpu", lang))
    tf_version = (envs.get("tensorflow") or {}).get("versions", {}).get("tensorflow")
    if tf_version:
        st.write(t("tf_version", lang, version=tf_version))
        st.code(f"import tensorflow as tf\nprint(tf.__version__)  # {tf_version}", language="python")

st.header(t("demo", lang))
st.write(t("demo_intro", lang))
doc = run_job(DEMO, lang, start=st.button(t("demo_run", lang), type="primary"), slot="environment")
if doc:
    show = _show()
    df = show.frame(doc)
    show.busy_warning(df, lang)
    show.quick_demo(df, lang)  # the chart with its legend and sizes, what it shows, the MLP, the takeaway
    show.table(df, lang)

st.subheader(t("shell", lang))
st.code("python -m dlenv devices\n"
        "python -m dlenv run matmul --sizes 256,1024,2048 --devices all --timing both --out results.json",
        language="bash")
