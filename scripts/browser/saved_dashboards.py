"""Saved dashboards in the real browser (called by dashboard_test.py once its own run logged out).

A user composes a dashboard in the editor (a series chart of the lab's busiest interface, found
through the series search, and a top-talkers table whose title is an XSS payload), shares it,
saves it; after a reload it renders with data points and flow rows. A viewer of the same
organisation sees it and cannot edit it; an admin of another organisation neither lists nor
opens it. Hostile dashboard and panel names made through the API show as text, run nothing.
"""

import os
import urllib.parse

# Markup that would run if any page put a name through an HTML parser.
HOSTILE_NAME = "<img src=x onerror=\"window.__pwned=1;alert('name')\"><script>window.__pwned=1</script>"
HOSTILE_TITLE = "\"><svg onload=alert('title')>Top talkers"
VIEWER = ("dash-viewer", "dash-viewer-password-1")
OTHER_ADMIN = ("dash-other-admin", "dash-other-password-1")


def login(s, username, password):
    c = s.c
    c.get(s.base + "/ui/login")
    s.ready("login")
    c.find("#login-username").send_keys(username)
    c.find("#login-password").send_keys(password)
    c.find("#login-submit").click()
    s.ready("overview")


def logout(s):
    s.c.find("#logout").click()
    s.ready("login")


def set_select(c, css, value):
    c.execute("const e = document.querySelector(arguments[0]); e.value = arguments[1];"
              " e.dispatchEvent(new Event('change'));", css, value)


def chart_points(c):
    return c.execute("return [...document.querySelectorAll('.dash-grid svg[data-points]')].map(e => Number(e.dataset.points))")


def rows(c, table):
    return c.execute("return document.querySelectorAll(`table[data-table='${arguments[0]}'] tbody tr`).length", table)


def run(s, api, flow_range, admin, shots):
    c, checks, base = s.c, s.checks, s.base
    frm, to = flow_range
    window = f"from={frm}&to={to}"

    # The lab's busiest interface and its traffic series, as the series search will show them.
    lab = next(d for d in api.get("/api/v1/devices?q=lab-snmpd")["items"] if d["name"] == "lab-snmpd")
    ifs = api.get(f"/api/v1/devices/{lab['id']}/interfaces")["items"]
    busy = max(ifs, key=lambda i: (i.get("in_bps") or 0) + (i.get("out_bps") or 0))
    catalog = api.get(f"/api/v1/series/catalog?device={lab['id']}&interface={busy['id']}")["items"]
    traffic = [e for e in catalog if e["metric"] in ("if_in_octets", "if_out_octets")]
    checks.expect(len(traffic) == 2, f"the series catalog lists the interface's traffic series ({[e['name'] for e in catalog]})")

    # Compose it in the browser.
    login(s, *admin)
    s.open(f"/ui/dashboards?{window}", "dashboards", None)
    s.click_and_ready("#dash-new", "dashboard-edit")
    c.find("#dash-name").send_keys("Lab overview")
    set_select(c, "#dash-visibility", "shared")
    # Words that must all match: the device, the interface, the metric.
    c.find("#series-q").send_keys(f"lab-snmpd {busy['name'] or busy['descr'] or ''} octets")
    c.find("#series-search").click()
    for entry in traffic:
        c.wait_for(f"input[data-series-id='{entry['id']}']").click()
    c.find("#series-title").send_keys("Busiest interface")
    set_select(c, "#series-agg", "max")
    set_select(c, "#series-size", "large")
    c.find("#add-series-panel").click()
    set_select(c, "#flow-by", "src")
    c.find("#flow-title").send_keys(HOSTILE_TITLE)
    c.find("#add-flow-panel").click()
    listed = len(c.find_all("#dash-panels li"))
    checks.expect(listed == 2, f"the editor lists the two panels ({listed})")
    c.screenshot(os.path.join(shots, "11-dashboard-editor.png"))
    c.find("#dash-save").click()
    s.ready("dashboard")
    dashboard_id = int(urllib.parse.urlparse(c.url).path.rstrip("/").split("/")[-1])
    stored = api.get(f"/api/v1/dashboards/{dashboard_id}")
    checks.expect(stored["visibility"] == "shared" and [p["type"] for p in stored["panels"]] == ["series", "flow_top"]
                  and sorted(stored["panels"][0]["series_ids"]) == sorted(e["id"] for e in traffic)
                  and stored["panels"][0]["aggregation"] == "max" and stored["panels"][1]["title"] == HOSTILE_TITLE,
                  f"the API holds what the editor made ({stored['panels']})")

    # Reloaded, it renders with data: flows over the capture's window, series over the last hour
    # (the long window reads rollups, which the fresh samples do not have yet).
    c.get(c.url)
    s.ready("dashboard")
    talkers = rows(c, f"dash-{dashboard_id}-1-flows")
    checks.expect(talkers > 0, f"after a reload the top-talkers panel lists sources ({talkers})")
    s.open(f"/ui/dashboards/{dashboard_id}?range=1h", "dashboard", None)
    points = chart_points(c)
    checks.expect(len(points) == 1 and points[0] > 0, f"the series panel has data points over the last hour {points}")
    checks.expect(HOSTILE_TITLE in c.execute("return document.querySelector('.dash-grid').innerText"),
                  "a hostile panel title shows as text")
    checks.expect(not s.errors_shown(), f"the dashboard shows no error ({s.errors_shown()})")
    c.screenshot(os.path.join(shots, "12-dashboard.png"))
    s.no_script_ran("a saved dashboard with a hostile panel title")
    logout(s)

    # Another user of the organisation, another organisation, and a hostile name (made through the API).
    api.request("POST", "/api/v1/users", {"username": VIEWER[0], "password": VIEWER[1], "role": "viewer"})
    other = api.request("POST", "/api/v1/organisations", {"name": "dash-other"})
    api.request("POST", "/api/v1/users", {"username": OTHER_ADMIN[0], "password": OTHER_ADMIN[1], "role": "admin",
                                          "organisation_id": other["id"]})
    hostile = api.request("POST", "/api/v1/dashboards", {
        "name": HOSTILE_NAME, "visibility": "shared",
        "panels": [{"type": "series", "title": HOSTILE_NAME, "series_ids": [traffic[0]["id"]]}]})

    login(s, *VIEWER)
    s.open(f"/ui/dashboards?{window}", "dashboards", "13-dashboards-viewer.png")
    text = c.execute("return document.querySelector('main').innerText")
    checks.expect("Lab overview" in text, "a viewer of the organisation lists the shared dashboard")
    checks.expect(HOSTILE_NAME in text, "a hostile dashboard name shows as text in the list")
    s.no_script_ran("the dashboard list with a hostile name")
    s.open(f"/ui/dashboards/{hostile['id']}?{window}", "dashboard", None)
    checks.expect(c.find("#dash-title").text == HOSTILE_NAME, "a hostile dashboard name shows as text in its title")
    s.no_script_ran("a dashboard with a hostile name and panel title")
    s.open(f"/ui/dashboards/{dashboard_id}?{window}", "dashboard", None)
    checks.expect(rows(c, f"dash-{dashboard_id}-1-flows") > 0, "the viewer sees the shared dashboard's flows")
    s.open(f"/ui/dashboards/{dashboard_id}?range=1h", "dashboard", None)
    points = chart_points(c)
    checks.expect(points and points[0] > 0, f"the viewer sees the shared dashboard's series ({points})")
    checks.expect(not c.find_all("#dash-edit"), "a viewer gets no Edit button on someone else's shared dashboard")
    logout(s)

    login(s, *OTHER_ADMIN)
    s.open("/ui/dashboards", "dashboards", None)
    text = c.execute("return document.querySelector('main').innerText")
    checks.expect("Lab overview" not in text and "No dashboard yet" in text,
                  "another organisation does not list the dashboard")
    s.open(f"/ui/dashboards/{dashboard_id}", "dashboard", None)
    checks.expect(any("no dashboard" in e for e in s.errors_shown()),
                  f"another organisation cannot open it ({s.errors_shown()})")
    logout(s)
