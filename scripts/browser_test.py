#!/usr/bin/env python3
"""Drives the console in headless Chromium through chromedriver's WebDriver HTTP API
(standard library only): opens each page, clicks an incident on the map and sees its
finding and citation, filters findings, opens a prisoner's history, presses Verify and
sees success, and writes a PNG screenshot of each page to docs/screenshots/.
Usage: browser_test.py BASE_URL CHROMEDRIVER_URL SCREENSHOT_DIR"""
import base64, json, os, re, sys, time, urllib.error, urllib.request

BASE, DRIVER, SHOTS = sys.argv[1].rstrip("/"), sys.argv[2].rstrip("/"), sys.argv[3]
ELEMENT = "element-6066-11e4-a52e-4f735466cecf"


def call(method, path, body=None):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(DRIVER + path, data=data, method=method, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=120) as resp:
        return json.loads(resp.read())["value"]


session = call("POST", "/session", {"capabilities": {"alwaysMatch": {"browserName": "chrome", "goog:chromeOptions": {
    "binary": "/usr/bin/chromium", "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=1280,900"]}}}})["sessionId"]
S = "/session/" + session


def go(path):
    call("POST", S + "/url", {"url": BASE + path})


def patiently(action, seconds=30):
    """Retries `action` while WebDriver answers 404 (no such element, or a stale one):
    a click that submits a form or follows a link returns before the next page is in."""
    deadline = time.time() + seconds
    while True:
        try:
            return action()
        except urllib.error.HTTPError as error:
            if error.code != 404 or time.time() > deadline:
                raise
            time.sleep(0.2)


def find(css):
    return patiently(lambda: call("POST", S + "/element", {"using": "css selector", "value": css})[ELEMENT])


def text(css):
    return patiently(lambda: call("GET", S + "/element/" + find(css) + "/text"))


def click(css):
    patiently(lambda: call("POST", S + "/element/" + find(css) + "/click", {}))


def wait_until(condition, what, seconds=30):
    deadline = time.time() + seconds
    while not condition():
        if time.time() > deadline:
            raise SystemExit("browser test failed: timed out waiting for " + what)
        time.sleep(0.2)


def source():
    return call("GET", S + "/source")


def shot(name):
    with open(os.path.join(SHOTS, name + ".png"), "wb") as f:
        f.write(base64.b64decode(call("GET", S + "/screenshot")))


def expect(condition, what):
    if not condition:
        raise SystemExit("browser test failed: " + what)
    print("ok:", what)


try:
    for path, name, heading in [("/", "overview", "Overview"), ("/map", "map", "Map"), ("/findings", "findings", "Findings"),
                                ("/cases", "cases", "Cases"), ("/prisoners", "prisoners", "Prisoners"), ("/timeline", "timeline", "Timeline"),
                                ("/record", "record", "Record")]:
        go(path)
        expect(text("h1") == heading, f"{path} shows its heading")
        shot(name)

    go("/map")
    click(".incident")
    panel = text("#panel")
    expect("Citation" in panel and "Finding" in panel, "clicking an incident shows its finding and citation")
    shot("map-incident")

    go("/findings")
    total = text("#count")
    option = call("POST", S + "/element/" + find("select[name=paragraph]") + "/elements",
                  {"using": "css selector", "value": "option"})[1][ELEMENT]
    call("POST", S + "/element/" + option + "/click", {})
    click(".filters button[type=submit]")
    wait_until(lambda: "paragraph=" in call("GET", S + "/url"), "the filtered findings page")
    filtered = text("#count")
    expect("paragraph=" in call("GET", S + "/url") and filtered != total, f"filtering findings: {total} -> {filtered}")

    go("/prisoners")
    click("a.prisoner")
    wait_until(lambda: "/prisoners/" in call("GET", S + "/url"), "a prisoner's page")
    expect(text("h1").startswith("Prisoner") and "History" in source(), "a prisoner's history opens")
    shot("prisoner")

    go("/prisoners")
    expect("Prisoners by state over time" in source() and "unaccounted for" in text("#main"),
           "the prisoners page charts states over time and lists the unaccounted-for")

    go("/timeline?kind=suspension")
    moments = text("#main")
    expect("1952-10-08" in moments and "Talks suspended" in moments and "proposes" not in moments,
           "the timeline filtered to suspensions shows the October 1952 recess and nothing else")
    go("/timeline")
    expect("Panmunjom" in text("#main") or "panmunjom" in text("#main"), "the timeline shows the talks at Panmunjom")
    go("/timeline?from=1952-01-01&to=1952-12-31")
    count = lambda: int(re.search(r"(\d+) moments\.", text("#main")).group(1))
    year = count()
    click("nav.zoom a")
    wait_until(lambda: "from=1952-04-01" in call("GET", S + "/url"), "the timeline zoomed in")
    expect("1952-04-01 to 1952-09-30" in text("nav.zoom") and count() <= year,
           f"zooming in on 1952 shows its middle half: {year} -> {count()} moments")

    go("/record")
    click("#verify")
    wait_until(lambda: "verification" in source(), "the verification result", seconds=60)
    expect(text("#verification").startswith("Verified"), "Verify shows success")
    shot("record-verified")
finally:
    call("DELETE", S)
print("browser test passed")
