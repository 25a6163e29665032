"""The charts: SVG drawn on the server, titled, with no script able to run and the numbers also in a table."""

import pytest

from tests.admin.test_orders_and_refunds import buy


@pytest.mark.parametrize(
    ("name", "title"),
    [("net", "Net revenue after fees"), ("refund-rate", "Refund rate"), ("products", "Sales per course")],
)
def test_each_chart_is_a_titled_svg_served_under_a_no_script_policy(
    app, client, admin_client, shop, course, name, title
):
    buy(app, client, shop, course)
    response = admin_client.get(f"/admin/charts/{name}.svg?period=7d")
    assert response.status_code == 200 and response.mimetype == "image/svg+xml"
    svg = response.get_data(as_text=True)
    assert svg.lstrip().startswith("<?xml") and "<svg" in svg and title in svg
    assert response.headers["Content-Security-Policy"].startswith("default-src 'none'")
    assert "http://" not in svg.replace("http://www.w3.org", "").replace("http://pygal.org", "").replace(
        "http://github.com/Kozea/pygal", ""
    )


def test_the_dashboard_shows_charts_as_images_with_the_numbers_in_a_table(
    app, client, admin_client, shop, course
):
    buy(app, client, shop, course)
    page = admin_client.get("/admin/?period=7d&group=day").get_data(as_text=True)
    assert page.count('<img src="/admin/charts/') == 3 and "<script" not in page
    assert 'alt="Chart: net revenue after fees by day; the numbers are in the table below."' in page
    assert 'id="over-time"' in page and "$49" in page[page.index('id="over-time"') :]


def test_an_unknown_chart_is_404(admin_client):
    assert admin_client.get("/admin/charts/pie.svg").status_code == 404
