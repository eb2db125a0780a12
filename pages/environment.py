"""Environment: what this machine is made of (the CPU, read without any framework).

The full dashboard (devices per backend, measurements, charts) comes with the
dashboard issue; this page already shows the CPU and how to measure from a shell.
"""

import streamlit as st

from dlenv.devices import cpu_info, peak_for
from dlenv.environment import runtime


@st.cache_data
def _cpu() -> dict:
    cpu = cpu_info()
    return {"cpu": cpu.to_dict(), "peak": peak_for(cpu, "float32")}


info = _cpu()
cpu = info["cpu"]
st.title("dlenv: what is this machine made of?")
st.caption(f"Running: {runtime()}")
cols = st.columns(3)
cols[0].metric("CPU", cpu["name"])
cols[1].metric("Physical cores", cpu["cores"] or "?")
peak = info["peak"]
cols[2].metric("float32 peak (estimate)", f"{peak.gflops:.0f} GFLOP/s" if peak else "unknown",
               help=peak.note if peak else None)
st.write("Vector units:", ", ".join(cpu["simd"]) or "none reported")
st.subheader("Measure from a shell")
st.code("python -m dlenv devices\n"
        "python -m dlenv run matmul --sizes 256,1024,2048 --devices all --timing both --out results.json",
        language="bash")
