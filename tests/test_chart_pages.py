"""The readable charts on their pages (AppTest, real measurements): the Quick demo's chart with its
legend, sizes, sentence, MLP and takeaway; presenter mode's one matmul chart at a time."""

import json

from test_pages import button, open_page, settle, shared_runner  # noqa: F401  (the module's runner and store)

from dlenv.i18n import t


def figures(at) -> list[dict]:
    return [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]


def test_quick_demo_has_a_legend_the_sizes_a_sentence_the_mlp_and_a_takeaway():
    at = open_page("environment", "ko")
    button(at, t("demo_run", "ko")).click().run()
    settle(at, "environment")
    assert not at.exception, [e.value for e in at.exception]
    [figure] = figures(at)
    assert figure["layout"]["showlegend"] and figure["layout"]["xaxis"]["ticktext"] == ["64", "128", "256", "512"]
    assert all(text in ("0.001", "0.01", "0.1", "1", "10", "100") for text in figure["layout"]["yaxis"]["ticktext"])
    assert t("demo_chart_says", "ko") in [c.value for c in at.caption]
    assert any(m.label == t("demo_mlp", "ko") and m.value.endswith(" ms") for m in at.metric)
    [takeaway] = [m.value for m in at.markdown if m.value.startswith("→ ")]
    assert "N=64" in takeaway and "N=512" in takeaway and "MLP" in takeaway


def test_presenter_mode_shows_one_matmul_chart_at_a_time_picked_by_a_control():
    at = open_page("matmul")
    at.session_state["presenter"] = True
    at.run()
    at.multiselect(key="mm_sizes").set_value([64, 128]).run()
    at.multiselect(key="mm_cards").set_value([]).run()
    button(at, "Run").click().run()
    settle(at, "matmul")
    assert not at.exception, [e.value for e in at.exception]
    [figure] = figures(at)
    assert figure["layout"]["title"]["text"] == t("chart_time", "en")
    at.session_state["mm_chart_pick"] = t("chart_roofline", "en")
    at.run()
    [figure] = figures(at)
    assert figure["layout"]["title"]["text"] == t("chart_roofline", "en")
    roofs = {trace["meta"]["roof"] for trace in figure["data"] if trace.get("meta")}
    assert roofs == {"compute", "memory"}
    assert any(m.value.startswith("→ ") for m in at.markdown)  # the roofline's takeaway under it
