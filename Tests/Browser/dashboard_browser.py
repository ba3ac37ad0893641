#!/usr/bin/env python3
"""Drives the dashboard page in headless Chromium (Debian's, through Playwright) against a
running daemon: renders alerts and charts, Start / Stop / Reset change what the API reports,
a label button's Feedback is applied. Prints `LABELLED <transaction_id> <card_id>`; saves a
screenshot. On a failure it prints what the page was (address, the start of its document, its
toasts, console messages and page errors) and saves a screenshot beside the named one.

    dashboard_browser.py URL SCREENSHOT_PATH
"""
import os
import sys
import time

from playwright.sync_api import expect, sync_playwright

URL, SCREENSHOT = sys.argv[1], sys.argv[2]
# Chromium makes its profile and sockets under this process's umask, inherited from the test
# runner, whose in-process servers narrow it for a moment around each Unix socket bind.
os.umask(0o022)
CHROMIUM = os.environ.get("STREAMIFY_CHROMIUM", "/usr/bin/chromium")


def analytics(page):
    return page.request.get(URL + "api/analytics").json()


def describe_failure(page, console, errors):
    """What the page was when a step failed, on stderr, and a screenshot beside SCREENSHOT."""
    print(f"page at failure: {page.url}", file=sys.stderr)
    try:
        print("document starts:", page.content()[:1500], sep="\n", file=sys.stderr)
        print("toasts:", page.locator("#toasts").inner_text(timeout=1_000), file=sys.stderr)
        page.screenshot(path=SCREENSHOT.replace(".png", "-failure.png"), full_page=True)
    except Exception as error:  # the page may be gone too
        print("could not read the page:", error, file=sys.stderr)
    print("console:", console[-20:], "page errors:", errors, sep="\n", file=sys.stderr)


# The transaction ids of the alerts the page shows, in order.
ALERT_IDS = "[...document.querySelectorAll('#alerts .alert')].map((a) => a.dataset.transactionId)"


def one_list_poll_at_a_time(page, final):
    """While a list poll's answer is held back, a button's refresh starts no second poll but
    follows it; the held answer, made stale, is then shown first and the current list after it,
    so a late answer never puts back an older list."""
    held = []

    def hold(route):
        if held:
            route.continue_()
        else:
            held.append(route)

    page.route("**/api/fraud_alerts*", hold)
    deadline = time.monotonic() + 10
    while not held:  # the timer's next poll, within two seconds
        assert time.monotonic() < deadline, "no list poll within 10 s"
        page.wait_for_timeout(50)
    page.evaluate(f"""() => {{ window.alertRenders = [];
        new MutationObserver(() => window.alertRenders.push({ALERT_IDS}))
        .observe(document.getElementById('alerts'), {{ childList: true }}); }}""")
    page.click("#btn-stop")  # already stopped: its refresh asks for the lists again
    # The page's own flag that a poll was asked for while one runs.
    page.wait_for_function("() => listsAgain === true", timeout=10_000)
    assert len(held) == 1, "a second list poll began while one was unanswered"
    held[0].fulfill(status=200, content_type="application/json", body="[]")
    page.wait_for_function(
        "(ids) => JSON.stringify(window.alertRenders.at(-1)) === JSON.stringify(ids)", arg=final, timeout=10_000)
    page.unroute("**/api/fraud_alerts*", hold)
    renders = page.evaluate("window.alertRenders")
    assert renders == [[], final], f"the alert lists shown, in order: {renders}"
    assert page.evaluate(ALERT_IDS) == final


def drive(page, errors):
    response = page.goto(URL)
    assert response is not None and response.ok, f"GET {URL} answered {response.status if response else 'nothing'}"

    # Start from the page's own control.
    page.fill("#rate", "1000")
    page.click("#btn-start")
    expect(page.locator("#status-text")).to_contain_text("demo running at 1000", timeout=10_000)
    page.wait_for_selector("#alerts .alert[data-transaction-id]", timeout=30_000)
    page.wait_for_function(
        "() => Chart.getChart('chart-throughput').data.datasets[0].data.some((v) => v > 0)", timeout=30_000)
    page.wait_for_function("() => Chart.getChart('chart-categories').data.datasets[0].data.length > 0", timeout=30_000)
    started = analytics(page)
    assert started["demo"]["running"] and started["total_transactions"] > 0, started

    # Stop: the API says so and the total stops moving.
    page.click("#btn-stop")
    expect(page.locator("#status-text")).to_contain_text("demo stopped", timeout=10_000)
    stopped = analytics(page)
    assert not stopped["demo"]["running"], stopped
    page.wait_for_timeout(300)
    assert analytics(page)["total_transactions"] == stopped["total_transactions"]

    # Unchanged, the polled lists stay the same elements through a poll (the alerts are shown
    # before the transactions are fetched): a click is not lost to a re-render. First the page
    # shows the final alerts: a poll that began before the stop may have shown an older list.
    final = [alert["transaction_id"] for alert in page.request.get(URL + "api/fraud_alerts?limit=5").json()]
    page.wait_for_function(
        f"(ids) => JSON.stringify({ALERT_IDS}) === JSON.stringify(ids)", arg=final, timeout=10_000)
    page.evaluate("document.querySelector('#alerts .alert').dataset.kept = 'yes'")
    for _ in range(2):  # the first may answer a poll that began before the mark
        with page.expect_response(lambda response: "/api/transactions?limit=" in response.url, timeout=10_000):
            pass
    assert page.evaluate("document.querySelector('#alerts .alert').dataset.kept") == "yes", "the alerts were re-rendered"
    one_list_poll_at_a_time(page, final)

    # Label the newest alert as fraud from its button.
    alert = page.locator("#alerts .alert[data-transaction-id]").first
    transaction_id = alert.get_attribute("data-transaction-id")
    detail = page.request.get(URL + "api/transactions/" + transaction_id).json()
    alert.locator("button[data-label=fraud]").click()
    expect(page.locator("#toasts")).to_contain_text(f"label fraud for {transaction_id}: applied", timeout=10_000)
    print("LABELLED", transaction_id, detail["card_id"], flush=True)

    # Click the alert: its whole breakdown and the card's history.
    page.locator(f"#alerts .alert[data-transaction-id='{transaction_id}']").click()
    expect(page.locator("#detail")).to_contain_text("Card " + detail["card_id"], timeout=10_000)
    expect(page.locator("#detail .factor")).to_have_count(5)

    page.screenshot(path=SCREENSHOT, full_page=True)

    # Reset: everything the dashboard counts is back to zero.
    page.click("#btn-reset")
    page.wait_for_function("() => document.getElementById('metric-transactions').textContent === '0'", timeout=10_000)
    assert analytics(page)["total_transactions"] == 0
    assert not errors, errors


with sync_playwright() as playwright:
    browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
    page = browser.new_page(viewport={"width": 1400, "height": 1800})
    errors, console = [], []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda message: console.append(f"{message.type}: {message.text}"))
    try:
        drive(page, errors)
    except Exception:
        describe_failure(page, console, errors)
        raise
    browser.close()
