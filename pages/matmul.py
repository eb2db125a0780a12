"""Matrix multiply: time, throughput, GPU speedup and roofline against size; CPU thread scaling."""

import streamlit as st

from dlenv import compare
from dlenv.i18n import t
from dlenv.measure import backends
from dlenv.measure.devices import cpu_info
from dlenv.measure.workloads import Elementwise, Matmul, WorkloadError
from dlenv.serve.plan import Plan, thread_counts
from dlenv.ui import show
from dlenv.ui.colab import show_colab
from dlenv.ui.jobs import known_environments, leave_other_pages, refusal, run_job
from dlenv.ui.messages import problem_text
from dlenv.ui.state import page_language, runner
from dlenv.vocab import DTYPES

lang = page_language()
leave_other_pages("matmul")  # a job left running on another page is cancelled
st.title(t("mm_title", lang))
st.write(t("mm_intro", lang))
show_colab(lang, "matmul")

limit = runner().limits.max_matmul
offered = [2**p for p in range(6, 13) if 2**p <= limit]
devices = ["cpu", "gpu", "tpu"] + sorted({d["id"] for env in known_environments().values()
                                          for d in env.get("devices", [])})
left, right = st.columns(2)
sizes = left.multiselect(t("sizes", lang), offered, default=[s for s in (64, 256, 1024) if s <= limit],
                         key="mm_sizes", persist_state="session", placeholder=t("placeholder_pick", lang))
other = left.number_input(t("other_size", lang), min_value=0, value=0, step=1, key="mm_other", persist_state="session")
sizes = sorted(set(sizes) | ({int(other)} if other else set()))
if not offered or offered[-1] < 4096:
    left.caption(t("size_capped", lang, limit=limit))
dtype = left.selectbox(t("dtype", lang), DTYPES, key="mm_dtype", persist_state="session")
chosen = right.multiselect(t("devices", lang), devices, default=["cpu"], key="mm_devices", persist_state="session",
                           help=t("devices_hint", lang), placeholder=t("placeholder_pick", lang))
backend = right.selectbox(t("backend", lang), backends.installed(), key="mm_backend", persist_state="session")
naive = right.toggle(t("naive", lang), key="mm_naive", persist_state="session")
right.caption(t("naive_help", lang))
measured_peak = right.toggle(t("peak_measured", lang), key="mm_peak_measured", persist_state="session",
                             help=t("peak_measured_help", lang))
strict = right.toggle(t("strict_float32", lang), key="mm_strict", persist_state="session",
                      help=t("strict_float32_help", lang))
# Kinds of device the workers have reported here (empty until one has): a kind chosen but not
# here is drawn from the cards below instead of measured.
here = {d["kind"] for env in known_environments().values() for d in env.get("devices", [])}
cards = right.multiselect(t("compare_cards", lang), compare.cards(),
                          default=[] if here & {"gpu", "tpu"} else list(compare.DEFAULT_CARDS),
                          key="mm_cards", persist_state="session", help=t("compare_cards_help", lang),
                          placeholder=t("placeholder_pick", lang))
missing = [kind for kind in chosen if here and kind in ("gpu", "tpu") and kind not in here]
for kind in missing:
    right.info(t("no_device_here", lang, kind=kind.upper()))
# The CPU is always measured: it is what every speedup is taken against.
measured = tuple(dict.fromkeys(["cpu", *(device for device in chosen if device not in missing)]))

request, problem = None, None
if not sizes:
    problem = t("pick_sizes", lang)
elif not chosen:
    problem = t("pick_devices", lang)
elif max(sizes) > limit:  # said in the student's terms, before any spec is built
    problem = t("size_over_limit", lang, size=max(sizes), limit=limit)
else:
    try:
        specs = tuple(Matmul.square(n, dtype) for n in sizes) + tuple(Elementwise(size=n, dtype=dtype) for n in sizes)
        request = Plan(specs, devices=measured, timings=("synced", "naive") if naive else ("synced",),
                       backends=(backend,), budget_s=0.5, peak="measured" if measured_peak else "table",
                       strict_float32=strict, label="matmul sweep")
    except WorkloadError as exc:
        problem = problem_text(exc, "", lang, prefix="refused")[0]
    refused = request and refusal(request)
    if refused:  # in the page's language, the hint on a line of its own
        problem = problem_text(refused, refused.hint, lang, kind=refused.kind, prefix="refused")[0]
        request = None
if problem:
    left.error(problem)

doc = run_job(request, lang, start=st.button(t("run", lang), type="primary", disabled=request is None), slot="matmul")
if doc:
    df = show.frame(doc)
    show.busy_warning(df, lang)
    show.matmul_charts(df, lang, cards=cards, strict_float32=strict)
    show.table(df, lang)

st.header(t("mm_threads", lang))
st.write(t("mm_threads_text", lang))
cpu = cpu_info()
cores = min(filter(None, (cpu.cores, cpu.threads)), default=1)  # either can be unknown
counts = thread_counts(cores)
st.caption(t("mm_threads_counts", lang, counts=", ".join(map(str, counts)), cores=cores))
options = offered or [limit]
default = max((n for n in options if n <= 1024), default=options[0])
size = st.selectbox(t("mm_threads_size", lang), options, index=options.index(default), key="mm_threads_size", persist_state="session")
# All usable CPUs is what the default worker has: reuse it rather than start one more.
threads = tuple(None if n == cpu.threads else n for n in counts)
sweep = Plan((Matmul.square(size),), devices=("cpu:0",), backends=(backend,), threads=threads, budget_s=0.5,
             label="thread sweep")
run = st.button(t("mm_threads_run", lang), type="primary", key="mm_threads_run")
scaling = run_job(sweep, lang, start=run, slot="matmul:threads")
if scaling:
    show.thread_scaling(show.frame(scaling), lang)
