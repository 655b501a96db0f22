"""chamber.charts: well-formed SVG with a title, escaped Chinese labels, and a table of the same figures."""
import xml.etree.ElementTree as ET

from chamber.charts import Chart, ChartItem, bar_chart, donut_chart, line_chart

SVG = "{http://www.w3.org/2000/svg}"


def _svg(chart):
    assert isinstance(chart, Chart)
    return ET.fromstring(str(chart.svg))


def _texts(root):
    return ["".join(el.itertext()) for el in root.iter(f"{SVG}text")]


def test_bar_chart_is_valid_svg_with_title_labels_and_proportional_bars():
    items = [ChartItem("会长单位", 2, "/c/x/members/?rank=1"), ChartItem("会员单位", 8)]
    chart = bar_chart(items, title="按等级", label_header="等级", value_header="会员")
    root = _svg(chart)
    assert root.tag == f"{SVG}svg" and root.get("role") == "img"
    assert root.find(f"{SVG}title").text == "按等级"
    assert "会长单位: 2" in root.find(f"{SVG}desc").text
    # The CJK families are named, so Chinese labels do not fall back to a Latin-only font.
    assert "Noto Sans CJK SC" in root.get("font-family")
    assert {"会长单位", "会员单位", "2", "8"} <= set(_texts(root))
    widths = [float(r.get("width")) for r in root.iter(f"{SVG}rect")]
    assert widths[1] == 4 * widths[0]
    # The first bar links to its filtered list; the second has no link.
    links = list(root.iter(f"{SVG}a"))
    assert [a.get("href") for a in links] == ["/c/x/members/?rank=1"]


def test_labels_and_urls_are_escaped():
    chart = bar_chart([ChartItem('<script>alert("x")</script>&', 1, "/m/?a=1&b=2")], title="<b>t</b>")
    root = _svg(chart)  # would not parse if anything were left unescaped
    assert "<script>" not in str(chart.svg) and "<script>" not in str(chart.table)
    assert root.find(f"{SVG}title").text == "<b>t</b>"
    assert next(root.iter(f"{SVG}a")).get("href") == "/m/?a=1&b=2"
    table = ET.fromstring(str(chart.table))
    assert table.find(".//td/a").get("href") == "/m/?a=1&b=2"


def test_long_labels_are_clipped_but_kept_whole_in_the_tooltip_and_table():
    name = "苏州市光电产业商会光纤预制棒及光缆专业委员会第一分会"
    root = _svg(bar_chart([ChartItem(name, 3)], title="t", width=300))
    label = _texts(root)[0]
    assert label.endswith("…") and len(label) < len(name)
    assert root.find(f"{SVG}g/{SVG}title").text == f"{name}: 3"


def test_empty_and_zero_charts_still_draw():
    for chart in (bar_chart([], title="空"), bar_chart([ChartItem("甲", 0)], title="零"),
                  donut_chart([], title="空"), donut_chart([ChartItem("甲", 0)], title="零")):
        _svg(chart)
        ET.fromstring(str(chart.table))


def test_donut_slices_add_up_to_the_circle_and_skip_zeros():
    items = [ChartItem("正常", 3), ChartItem("暂停", 1), ChartItem("退会", 0)]
    root = _svg(donut_chart(items, title="按状态"))
    slices = [c for c in root.iter(f"{SVG}circle") if c.get("class") == "slice"]
    assert len(slices) == 2
    dashes = [float(c.get("stroke-dasharray").split()[0]) for c in slices]
    circumference = sum(float(x) for x in slices[0].get("stroke-dasharray").split())
    assert abs(sum(dashes) - circumference) < 0.05
    assert abs(dashes[0] - 3 * dashes[1]) < 0.05
    assert "4" in _texts(root)  # the total in the middle
    assert any(t.startswith("暂停") for t in _texts(root))


def test_line_chart_draws_one_line_per_series_and_a_table_row_per_label():
    chart = line_chart(["1", "2", "3"], [("入会", [1, 0, 2]), ("退会", [0, 1, 0])], title="每月", label_header="月")
    root = _svg(chart)
    assert len([p for p in root.iter(f"{SVG}polyline")]) == 2
    assert {"入会", "退会"} <= set(_texts(root))
    table = ET.fromstring(str(chart.table))
    assert [th.text for th in table.iter("th")][:3] == ["月", "入会", "退会"]
    assert [[td.text for td in tr.iter("td")] for tr in table.find("tbody")] == [["1", "0"], ["0", "1"], ["2", "0"]]


def test_chart_renders_in_a_template_as_svg_and_table():
    from django.template import Context, Template

    chart = bar_chart([ChartItem("甲", 1)], title="t")
    html = Template("{{ chart }}").render(Context({"chart": chart}))
    assert html.startswith("<svg") and "<table" in html and "&lt;" not in html
