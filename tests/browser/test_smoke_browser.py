"""The browser set-up itself: chromium starts, pages load their assets locally."""


def test_login_page_loads_its_assets_from_this_server(page, db):
    responses = []
    page.on("response", lambda r: responses.append((r.url, r.status)))
    page.goto(page.base_url + "/accounts/login/")
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    css = [url for url, status in responses if url.endswith(".css")]
    assert any("bootstrap.min.css" in url for url in css)
    assert all(status == 200 for url, status in responses if "/static/" in url), responses
    # Bootstrap's stylesheet applied: the log-in button is styled, not the browser default.
    assert page.eval_on_selector("button[type=submit]", "b => getComputedStyle(b).borderRadius") != "0px"
