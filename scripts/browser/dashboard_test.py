#!/usr/bin/env python3
"""The dashboard, tested in a real browser (headless Debian chromium through chromedriver).

Starts the lab's real peers (snmpd, snmpsim recordings, an snmpsim agent full of XSS payloads,
softflowd replaying the fixture capture), a netmond with a temporary config and database and a
user made with netmond's CLI, then drives the dashboard like a user: log in, overview, device,
interface, flows, alerts pages; graphs with data points; time range; search; CSV export; dark
mode; session expiry; log out. The XSS agent's pages must raise no dialog and run no script;
every page must carry the CSP header. Then saved dashboards (saved_dashboards.py): one composed in
the editor renders after a reload, is shared within the organisation only, and hostile names stay
text. Screenshots go to .ci-artifacts/screenshots/, measured
page weight and time to interactive to .ci-artifacts/browser/results.json.

    scripts/browser/dashboard_test.py [--netmond .build/debug/netmond] [--keep-going]

Ports come from the NETMOND_LAB_* variables (scripts/lab/common.sh); everything listens on
127.0.0.1 only.
"""

import argparse
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import traceback
import urllib.error
import urllib.parse
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from webdriver import Chrome  # noqa: E402
import xss_agent  # noqa: E402
import saved_dashboards  # noqa: E402

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
LAB_DIR = os.environ.get("NETMOND_LAB_DIR", os.path.join(REPO, ".lab"))
VENV = os.environ.get("NETMOND_VENV", os.path.join(REPO, ".venv"))
SNMPD_PORT = int(os.environ.get("NETMOND_LAB_SNMPD_PORT", "16161"))
SIM_BASE = int(os.environ.get("NETMOND_LAB_SNMPSIM_BASE_PORT", "16171"))
XSS_PORT = SIM_BASE + 8
ARTIFACTS = os.path.join(REPO, ".ci-artifacts")
SHOTS = os.path.join(ARTIFACTS, "screenshots")
PCAP = os.path.join(REPO, "Tests", "Fixtures", "pcap", "mixed-300.pcap")
USERNAME, PASSWORD = "dash-admin", "browser-test-password-1"


def log(text):
    print(f"browser-test: {text}", flush=True)


def free_port(kind=socket.SOCK_STREAM):
    """A port free for TCP and UDP on 127.0.0.1, below the ephemeral range."""
    import random
    for _ in range(200):
        port = random.randint(20000, 30000)
        ok = True
        for t in (socket.SOCK_STREAM, socket.SOCK_DGRAM):
            with socket.socket(socket.AF_INET, t) as s:
                try:
                    s.bind(("127.0.0.1", port))
                except OSError:
                    ok = False
        if ok:
            return port
    raise RuntimeError("no free port")


def run(args, timeout=120, **kw):
    result = subprocess.run(args, capture_output=True, text=True, timeout=timeout, **kw)
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} exited {result.returncode}:\n{result.stdout}\n{result.stderr}")
    return result.stdout


def pcap_window(path):
    """(first, last) packet times of a little-endian microsecond pcap, in epoch ms."""
    import struct
    with open(path, "rb") as f:
        data = f.read()
    offset, first, last = 24, None, None
    while offset + 16 <= len(data):
        sec, usec, incl, _ = struct.unpack("<IIII", data[offset:offset + 16])
        t = sec * 1000 + usec // 1000
        first = t if first is None else first
        last = t
        offset += 16 + incl
    return first, last


# MARK: peers

class XSSAgent:
    """snmpsim serving the hostile recording on 127.0.0.1:XSS_PORT (community xss-agent)."""

    def __init__(self, root):
        self.dir = os.path.join(root, "xss")
        data, cache = os.path.join(self.dir, "data"), os.path.join(self.dir, "cache")
        os.makedirs(data)
        os.makedirs(cache)
        with open(os.path.join(data, "xss-agent.snmprec"), "w") as f:
            f.write(xss_agent.recording())
        self.log_path = os.path.join(self.dir, "snmpsim.log")
        open(self.log_path, "w").close()
        user = []
        if os.geteuid() == 0:
            user = ["--process-user=nobody", "--process-group=nogroup"]
            subprocess.run(["chmod", "-R", "a+rX", root], check=True)
            subprocess.run(["chown", "-R", "nobody:nogroup", cache, self.log_path], check=True)
        self.process = subprocess.Popen(
            [os.path.join(VENV, "bin", "snmpsim-command-responder"), *user, f"--data-dir={data}",
             f"--cache-dir={cache}", f"--agent-udpv4-endpoint=127.0.0.1:{XSS_PORT}",
             f"--logging-method=file:{self.log_path}", "--log-level=error"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        deadline = time.time() + 60
        env = dict(os.environ, MIBS="", SNMP_PERSISTENT_DIR=os.path.join(self.dir, "client"))
        while time.time() < deadline:
            r = subprocess.run(["snmpget", "-v2c", "-c", "xss-agent", "-t", "1", "-r", "0", "-On",
                                f"127.0.0.1:{XSS_PORT}", "1.3.6.1.2.1.1.5.0"], capture_output=True, text=True, env=env)
            if r.returncode == 0 and "xss-agent" in r.stdout:
                return
            if self.process.poll() is not None:
                break
            time.sleep(0.5)
        self.stop()
        raise RuntimeError(f"the XSS agent did not answer on {XSS_PORT}; see {self.log_path}")

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)


class Netmond:
    """netmond run on a temporary config and database, plus one admin user made with its CLI."""

    def __init__(self, binary, root, sim_agents):
        self.binary = binary
        self.http_port = free_port()
        self.flow_port = free_port()
        self.base = f"http://127.0.0.1:{self.http_port}"
        self.config = os.path.join(root, "netmond.yaml")
        devices = [
            f"    - name: lab-snmpd\n      address: 127.0.0.1\n      port: {SNMPD_PORT}\n      community: netmond-lab\n      tags: [lab]\n",
            f"    - name: xss-agent\n      address: 127.0.0.1\n      port: {XSS_PORT}\n      community: xss-agent\n      tags: [lab, hostile]\n",
        ]
        for name, port in sim_agents:
            devices.append(f"    - name: {name}\n      address: 127.0.0.1\n      port: {port}\n      community: {name}\n      tags: [lab, recorded]\n")
        with open(self.config, "w") as f:
            f.write(
                "log:\n  level: info\n  format: text\n"
                f"http:\n  address: 127.0.0.1\n  port: {self.http_port}\n"
                f"storage:\n  path: {os.path.join(root, 'netmond.db')}\n"
                f"auth:\n  jwt_key_file: {os.path.join(root, 'jwt.key')}\n  bcrypt_cost: 4\n"
                # The fixture capture's packets are from 2026-01-01: keep its flows.
                "flow_storage:\n  raw_retention: 366d\n  aggregate_retention: 3660d\n"
                "snmp:\n  defaults:\n    timeout: 2s\n    retries: 1\n    poll_interval: 10s\n  devices:\n" + "".join(devices) +
                f"flows:\n  listeners:\n    - protocol: netflow\n      address: 127.0.0.1\n      port: {self.flow_port}\n")
        self.log_path = os.path.join(root, "netmond.log")
        create_user(binary, self.config)
        self.log = open(self.log_path, "w")
        self.process = subprocess.Popen([binary, "run", "--config", self.config], stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                with urllib.request.urlopen(self.base + "/healthz", timeout=2) as r:
                    if r.status == 200:
                        return
            except OSError:
                pass
            if self.process.poll() is not None:
                break
            time.sleep(0.3)
        self.stop()
        raise RuntimeError(f"netmond did not answer /healthz; log {self.log_path}")

    def stop(self):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        self.log.close()


def create_user(binary, config):
    """The API's CLI: an admin user for the test (password on standard input, never argv)."""
    result = subprocess.run([binary, "user", "add", "--config", config, "--admin", USERNAME],
                            input=PASSWORD + "\n", capture_output=True, text=True, timeout=60)
    if result.returncode != 0:
        raise RuntimeError(f"netmond user add failed ({result.returncode}):\n{result.stdout}{result.stderr}")


class API:
    """A bearer-token client of the REST API, for waiting on data before the browser looks."""

    def __init__(self, base):
        self.base = base
        body = self.request("POST", "/api/v1/auth/login", {"username": USERNAME, "password": PASSWORD})
        self.token = body["access_token"]

    def request(self, method, path, body=None, token=None):
        headers = {"Accept": "application/json"}
        if body is not None:
            headers["Content-Type"] = "application/json"
        if token or getattr(self, "token", None):
            headers["Authorization"] = f"Bearer {token or self.token}"
        req = urllib.request.Request(self.base + path, method=method, headers=headers,
                                     data=None if body is None else json.dumps(body).encode())
        with urllib.request.urlopen(req, timeout=30) as r:
            return json.loads(r.read() or b"null")

    def get(self, path):
        return self.request("GET", path)


def wait_until(predicate, what, timeout):
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            value = predicate()
            if value:
                return value
        except (OSError, KeyError, ValueError):
            pass
        time.sleep(1)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")


# MARK: the browser run

class Checks:
    def __init__(self):
        self.failures = []
        self.passed = 0

    def expect(self, condition, text):
        if condition:
            self.passed += 1
            log(f"ok   {text}")
        else:
            self.failures.append(text)
            log(f"FAIL {text}")
        return condition


PAGE_TIMING = """
const nav = performance.getEntriesByType('navigation')[0];
const ready = performance.getEntriesByName('netmond-ready')[0];
const resources = performance.getEntriesByType('resource');
const ui = resources.filter(r => new URL(r.name).pathname.startsWith('/ui/'));
const api = resources.filter(r => new URL(r.name).pathname.startsWith('/api/'));
const sum = (list, key) => list.reduce((n, r) => n + (r[key] || 0), 0);
return {
  page: document.body.dataset.page,
  interactive_ms: ready ? Math.round(ready.startTime) : null,
  dom_content_loaded_ms: Math.round(nav.domContentLoadedEventEnd),
  asset_bytes_transferred: nav.transferSize + sum(ui, 'transferSize'),
  asset_bytes_encoded: nav.encodedBodySize + sum(ui, 'encodedBodySize'),
  asset_bytes_decoded: nav.decodedBodySize + sum(ui, 'decodedBodySize'),
  asset_requests: 1 + ui.length,
  api_bytes: sum(api, 'encodedBodySize'),
  api_requests: api.length,
};
"""

# Runs before every document: records dialogs and hostile script effects without blocking them.
TRAP = """
window.__dialogs = [];
for (const name of ['alert', 'confirm', 'prompt']) {
  const original = window[name];
  window[name] = function (...args) { window.__dialogs.push([name, String(args[0])]); return original.apply(this, args); };
}
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', e => window.__cspViolations.push(e.violatedDirective + ' ' + e.blockedURI));
"""


class Session:
    def __init__(self, chrome, base, checks):
        self.c, self.base, self.checks = chrome, base, checks
        self.timings = []

    def ready(self, page, timeout=45):
        def check():
            state = self.c.execute("return [document.body.dataset.ready, document.body.dataset.page]")
            return state[0] == "1" and state[1] == page
        self.c.wait(check, f"page {page} to finish", timeout)

    def open(self, path, page, shot=None, measure=True):
        self.c.get(self.base + path)
        self.ready(page)
        if measure:
            timing = self.c.execute(PAGE_TIMING)
            timing["path"] = path
            self.timings.append(timing)
        if shot:
            self.c.screenshot(os.path.join(SHOTS, shot))
        self.no_script_ran(path)

    def click_and_ready(self, css, page):
        self.c.find(css).click()
        self.ready(page)

    def no_script_ran(self, where):
        state = self.c.execute("return {dialogs: window.__dialogs || [], pwned: !!window.__pwned}")
        dialog = self.c.alert_text()
        if dialog is not None:
            self.c.cmd("POST", "/alert/dismiss", {})
        self.checks.expect(not state["dialogs"] and not state["pwned"] and dialog is None,
                           f"no dialog and no injected script on {where} ({state}, dialog={dialog!r})")

    def errors_shown(self):
        return self.c.execute("return [...document.querySelectorAll('[data-state=error]')].map(e => e.textContent)")

    def table_rows(self, table_id):
        return self.c.execute("return document.querySelectorAll(`table[data-table='${arguments[0]}'] tbody tr`).length", table_id)


def check_headers(base, checks):
    for path in ["/ui/", "/ui/login", "/ui/assets/app.js"]:
        with urllib.request.urlopen(base + path, timeout=10) as r:
            csp = r.headers.get("Content-Security-Policy", "")
            checks.expect("default-src 'self'" in csp and "unsafe-inline" not in csp and "unsafe-eval" not in csp
                          and "script-src 'self'" in csp, f"CSP header on {path}: {csp}")
            checks.expect(r.headers.get("X-Content-Type-Options") == "nosniff", f"nosniff on {path}")


def browser_run(chrome, base, api, checks, flow_range):
    s = Session(chrome, base, checks)
    c = chrome
    c.cdp("Page.addScriptToEvaluateOnNewDocument", {"source": TRAP})

    # Login: an anonymous visit lands on the login page; a wrong password says so.
    c.get(base + "/")
    c.wait(lambda: "/ui/login" in c.url, "the redirect to the login page")
    s.ready("login")
    cold = c.execute(PAGE_TIMING)
    cold["path"] = "/ui/login (cold cache)"
    s.timings.append(cold)
    c.screenshot(os.path.join(SHOTS, "01-login.png"))
    c.find("#login-username").send_keys(USERNAME)
    c.find("#login-password").send_keys("wrong-password")
    c.find("#login-submit").click()
    c.wait(lambda: c.find_all("[data-state=error]"), "the wrong-password message")
    checks.expect("Wrong username or password" in c.find("[data-state=error]").text, "a wrong password is refused clearly")
    c.find("#login-password").send_keys(PASSWORD)
    c.find("#login-submit").click()
    s.ready("overview")
    cookies = {k["name"]: k for k in c.cookies()}
    checks.expect(cookies.get("netmond_access", {}).get("httpOnly") is True, "the access cookie is HttpOnly")
    checks.expect(cookies.get("netmond_access", {}).get("sameSite") == "Strict", "the access cookie is SameSite=Strict")
    checks.expect(not c.execute("return Object.keys(localStorage).filter(k => k !== 'netmond.theme')"),
                  "nothing but the theme preference in localStorage")
    checks.expect("netmond_access" not in c.execute("return document.cookie"), "the access token is invisible to scripts")

    # Overview.
    s.open("/ui/", "overview", "02-overview.png")
    devices = int(c.find("[data-tile=devices] .value").text)
    checks.expect(devices >= 3, f"overview counts the devices ({devices})")
    checks.expect(s.table_rows("overview-devices") == devices, "overview lists every device")
    checks.expect(s.table_rows("overview-busiest") > 0, "overview shows busiest interfaces")
    checks.expect(not s.errors_shown(), f"overview shows no error ({s.errors_shown()})")

    # Device page of the lab's snmpd: interfaces table, sort, table search.
    lab = next(d for d in api.get("/api/v1/devices?q=lab-snmpd")["items"] if d["name"] == "lab-snmpd")
    s.open(f"/ui/devices/{lab['id']}", "device", "03-device.png")
    table = f"device-{lab['id']}-interfaces"
    rows = s.table_rows(table)
    checks.expect(rows >= 1, f"device page lists interfaces ({rows})")
    c.find(f"table[data-table='{table}'] th[data-key='in_bps']").click()
    c.find(f"table[data-table='{table}'] th[data-key='in_bps']").click()
    checks.expect(c.find(f"table[data-table='{table}'] th[data-key='in_bps']").attribute("aria-sort") == "descending",
                  "interfaces sort by In, descending on the second click")
    search = c.find(f"input[data-table-search='{table}']")
    search.send_keys("lo")
    filtered = s.table_rows(table)
    checks.expect(1 <= filtered <= rows, f"the table search filters interfaces ({filtered} of {rows})")
    search.clear()
    search.send_keys("no-such-interface-name")
    checks.expect(s.table_rows(table) == 0, "a search without match empties the table")
    search.clear()
    search.send_keys(" ")

    # Interface page: graphs with data points.
    ifs = api.get(f"/api/v1/devices/{lab['id']}/interfaces")["items"]
    busy = max(ifs, key=lambda i: (i.get("in_bps") or 0) + (i.get("out_bps") or 0))
    s.open(f"/ui/devices/{lab['id']}/interfaces/{busy['id']}", "interface", "04-interface.png")
    points = c.execute("return [...document.querySelectorAll('svg[data-points]')].map(e => Number(e.dataset.points))")
    checks.expect(len(points) == 3 and all(p > 0 for p in points), f"traffic, packets and errors graphs have points {points}")
    legend = c.execute("return [...document.querySelectorAll('td[data-stat=max]')].map(e => e.textContent)")
    checks.expect(legend and all(v != "–" for v in legend), f"legends carry min/avg/max/p95 ({legend})")
    tip = c.execute("""
        const svg = document.querySelector('svg[data-points]');
        const rect = svg.querySelector('rect');
        const box = rect.getBoundingClientRect();
        rect.dispatchEvent(new MouseEvent('mousemove', {clientX: box.right - 2, clientY: box.top + 5, bubbles: true}));
        const tip = svg.parentElement.querySelector('.tip');
        return tip.hidden ? null : tip.textContent;""")
    checks.expect(bool(tip) and "in:" in tip, f"hovering a graph shows the values at that time ({tip!r})")

    # Auto-refresh: chosen in the header, kept in the URL and carried to the next page.
    c.execute("const s = document.getElementById('refresh-select'); s.value = '60'; s.dispatchEvent(new Event('change'));")
    checks.expect("refresh=60" in c.url, f"the auto-refresh interval is in the URL ({c.url})")
    c.find(".crumbs a:nth-of-type(1)").click()
    s.ready("overview")
    checks.expect("refresh=60" in c.url and c.find("#refresh-select").property("value") == "60",
                  "the auto-refresh interval carries over to the next page")
    c.execute("const s = document.getElementById('refresh-select'); s.value = '0'; s.dispatchEvent(new Event('change'));")
    c.get(base + f"/ui/devices/{lab['id']}/interfaces/{busy['id']}")
    s.ready("interface")

    # Time range: a preset, kept in the URL and carried to the next page.
    c.execute("const s = document.getElementById('range-select'); s.value = '15m'; s.dispatchEvent(new Event('change'));")
    s.ready("interface")
    checks.expect("range=15m" in c.url, f"the time range is in the URL ({c.url})")
    c.find(".crumbs a:nth-of-type(2)").click()
    s.ready("device")
    checks.expect("range=15m" in c.url, "the time range carries over to the next page")

    # Flows: filters, a custom range around the capture's packets, CSV export.
    from_ms, to_ms = flow_range
    s.open(f"/ui/flows?by=src&from={from_ms}&to={to_ms}", "flows", None)
    c.execute("const s = document.getElementById('range-select'); s.value = 'custom'; s.dispatchEvent(new Event('change'));")
    checks.expect(c.execute("return document.getElementById('range-select').value") == "custom"
                  and c.find("#range-from").property("offsetParent") is not None,
                  "a custom range from the URL shows in the picker")
    flow_rows = s.table_rows("flows-src")
    checks.expect(flow_rows > 0, f"flows page lists top sources ({flow_rows})")
    c.execute("document.getElementById('flows-by').value = 'conversation'")
    c.find("#flows-form button[type=submit]").click()
    s.ready("flows")
    checks.expect("by=conversation" in c.url and s.table_rows("flows-conversation") > 0, "flows group by conversation")
    c.screenshot(os.path.join(SHOTS, "05-flows.png"))
    before = set(os.listdir(DOWNLOADS))
    c.find("[data-export=csv]").click()
    csv_path = c.wait(lambda: next((os.path.join(DOWNLOADS, f) for f in set(os.listdir(DOWNLOADS)) - before
                                    if f.endswith(".csv")), None), "the CSV download", 20)
    time.sleep(0.5)
    with open(csv_path) as f:
        lines = f.read().strip().splitlines()
    checks.expect(lines[0].startswith("a,b,Bytes") and len(lines) == s.table_rows("flows-conversation") + 1,
                  f"the CSV export holds what is shown ({lines[:2]}…, {len(lines)} lines)")

    # Alerts and events: a rule made through the API fires at once (the evaluator reloads on
    # changes), and acknowledging it in the browser changes its state through the API.
    rule = api.request("POST", "/api/v1/alert-rules", {
        "name": "browser test traffic", "kind": "threshold", "metric": "if_in_octets", "aggregate": "last",
        "window_ms": 600000, "comparison": ">=", "threshold": 0, "severity": "major",
        "scope": {"device": "lab-snmpd"}})
    firing = wait_until(lambda: api.get(f"/api/v1/alerts?state=firing&rule_id={rule['id']}")["items"],
                        "the test rule's alerts to fire", 60)
    alert_id = firing[0]["id"]
    s.open("/ui/alerts", "alerts", "06-alerts.png")
    checks.expect(c.execute("return document.querySelectorAll('main section.panel').length") == 2, "alerts page shows alerts and events")
    checks.expect("browser test traffic" in c.find("table[data-table='alerts']").text, "the alerts table lists the firing alert")
    c.find(f"[data-alert-id='{alert_id}'] button[data-action=acknowledge]").click()
    acked = wait_until(lambda: (lambda a: a if a["acknowledged"] else None)(api.get(f"/api/v1/alerts/{alert_id}")),
                       "the acknowledgement to reach the API", 20)
    checks.expect(acked["acked_by"] == USERNAME and acked["state"] == "firing",
                  f"acknowledging in the browser acknowledges the alert ({acked['acked_by']}, {acked['state']})")
    s.ready("alerts")
    c.wait(lambda: c.execute(f"return !!document.querySelector(\"[data-alert-id='{alert_id}'] button[data-action=unacknowledge]\")"),
           "the row to show the acknowledgement", 20)
    history = api.get(f"/api/v1/alerts/{alert_id}/history")["items"]
    checks.expect(any(h["kind"] == "acknowledged" and h["actor"] == USERNAME for h in history),
                  "the acknowledgement is in the alert's history")
    c.find(f"[data-alert-id='{alert_id}'] button[data-action=silence]").click()
    silences = wait_until(lambda: [x for x in api.get("/api/v1/alert-silences")["items"]
                                   if x["rule"] == "browser test traffic" and x["active"]],
                          "the silence made from the alerts page", 20)
    checks.expect(silences[0]["type"] == "once" and 3_500_000 <= silences[0]["end"] - silences[0]["start"] <= 3_700_000,
                  f"silencing in the browser creates a one-hour silence ({silences[0]['start']}..{silences[0]['end']})")
    s.ready("alerts")

    # Rules page: create a threshold rule in the form, then disable it; both through the API.
    s.open("/ui/rules", "rules", "06b-rules.png")
    checks.expect("browser test traffic" in c.find("table[data-table='rules']").text, "the rules page lists the rules")
    c.find("button[data-action=new-rule]").click()
    form = "form[data-form=rule]"
    for name, value in [("name", "browser form rule"), ("metric", "cpu_load_percent"), ("window", "5"),
                        ("threshold", "90"), ("clear", "80"), ("for", "2")]:
        field = c.find(f"{form} [name={name}]")
        field.clear()
        field.send_keys(value)
    c.find(f"{form} button[data-action=save-rule]").click()
    made = wait_until(lambda: [r for r in api.get("/api/v1/alert-rules?q=browser%20form")["items"]],
                      "the rule created in the form", 20)
    checks.expect(made[0]["kind"] == "threshold" and made[0]["threshold"] == 90 and made[0]["clear"] == 80
                  and made[0]["window_ms"] == 300000 and made[0]["for_ms"] == 120000 and made[0]["enabled"],
                  f"the form creates the threshold rule ({made[0]})")
    s.ready("rules")
    c.wait(lambda: c.execute(f"return !!document.querySelector(\"[data-rule-id='{made[0]['id']}'] button[data-action=disable]\")"),
           "the new rule's row", 20)
    c.find(f"[data-rule-id='{made[0]['id']}'] button[data-action=disable]").click()
    wait_until(lambda: not api.get(f"/api/v1/alert-rules/{made[0]['id']}")["enabled"], "the rule to be disabled", 20)
    checks.expect(True, "disabling a rule in the browser disables it through the API")
    s.ready("rules")

    # Other rule kinds: the form shows the kind's fields and sends only those.
    c.find("button[data-action=new-rule]").click()
    c.execute("const k = document.querySelector(\"form[data-form=rule] [name=kind]\"); k.value = 'utilization';"
              " k.dispatchEvent(new Event('change'))")
    shown = lambda name: c.execute(f"return document.querySelector(\"{form} [name={name}]\").offsetParent !== null")
    checks.expect(not shown("metric") and shown("threshold"),
                  "a utilization rule's form hides the metric and shows the threshold")
    for name, value in [("name", "browser utilization rule"), ("window", "15"), ("threshold", "85")]:
        field = c.find(f"{form} [name={name}]")
        field.clear()
        field.send_keys(value)
    c.find(f"{form} button[data-action=save-rule]").click()
    util = wait_until(lambda: api.get("/api/v1/alert-rules?q=browser%20utilization")["items"], "the utilization rule", 20)
    checks.expect(util[0]["kind"] == "utilization" and util[0]["threshold"] == 85 and util[0]["window_ms"] == 900000
                  and not util[0].get("metric"), f"the form creates a utilization rule ({util[0]})")
    s.ready("rules")

    # Channels: created in the form (the secret is write-only), then a policy that escalates to it.
    c.find("button[data-action=new-channel]").click()
    channel_form = "form[data-form=channel]"
    for name, value in [("name", "browser hook"), ("url", "http://127.0.0.1:9/hook"), ("secret", "s3cret-value")]:
        c.find(f"{channel_form} [name={name}]").send_keys(value)
    c.find(f"{channel_form} button[data-action=save-channel]").click()
    hook = wait_until(lambda: [x for x in api.get("/api/v1/alert-channels")["items"] if x["name"] == "browser hook"],
                      "the channel created in the form", 20)[0]
    checks.expect(hook["type"] == "webhook" and hook["secret_set"] and "s3cret" not in json.dumps(hook),
                  "the channel form creates a signed webhook, and its secret is never shown")
    s.ready("rules")
    c.find("button[data-action=new-policy]").click()
    policy_form = "form[data-form=policy]"
    c.find(f"{policy_form} [name=name]").send_keys("browser escalation")
    c.find(f"{policy_form} [name=repeat]").clear()
    c.find(f"{policy_form} [name=repeat]").send_keys("30")
    c.find(f"{policy_form} [data-step] input[name=channel][value='browser hook']").click()
    c.find(f"{policy_form} button[data-action=add-step]").click()
    steps = c.find_all(f"{policy_form} [data-step]")
    checks.expect(len(steps) == 2, f"the policy form adds a step ({len(steps)})")
    c.execute(f"const a = document.querySelectorAll(\"{policy_form} [data-step] [name=after]\")[1]; a.value = '15';"
              f" document.querySelectorAll(\"{policy_form} [data-step] input[value='browser hook']\")[1].click()")
    c.find(f"{policy_form} button[data-action=save-policy]").click()
    policy = wait_until(lambda: [x for x in api.get("/api/v1/alert-policies")["items"] if x["name"] == "browser escalation"],
                        "the policy created in the form", 20)[0]
    checks.expect(policy["repeat_ms"] == 1_800_000 and [(x["after_ms"], x["channels"]) for x in policy["steps"]]
                  == [(0, ["browser hook"]), (900_000, ["browser hook"])],
                  f"the policy form creates a two-step policy ({policy})")
    s.ready("rules")
    c.screenshot(os.path.join(SHOTS, "06c-rules-policies.png"))
    c.find(f"[data-policy-id='{policy['id']}'] button[data-action=delete]").click()
    c.find(f"[data-policy-id='{policy['id']}'] button[data-action=delete]").click()
    wait_until(lambda: not [x for x in api.get("/api/v1/alert-policies")["items"] if x["id"] == policy["id"]],
               "the policy to be deleted", 20)
    checks.expect(True, "deleting a policy in the browser (two clicks) deletes it through the API")
    s.ready("rules")

    # Silences: the one made from the alerts page is listed and ended; a weekly window is created.
    s.open("/ui/silences", "silences", "06d-silences.png")
    checks.expect("browser test traffic" in c.find("table[data-table='silences']").text, "the silences page lists the silence")
    c.find(f"[data-silence-id='{silences[0]['id']}'] button[data-action=end]").click()
    wait_until(lambda: not api.get(f"/api/v1/alert-silences/{silences[0]['id']}")["active"], "the silence to end", 20)
    checks.expect(True, "ending a silence in the browser ends it through the API")
    s.ready("silences")
    c.find("button[data-action=new-silence]").click()
    silence_form = "form[data-form=silence]"
    c.find(f"{silence_form} [name=name]").send_keys("browser weekly window")
    c.find(f"{silence_form} [name=tag]").send_keys("core")
    c.execute(f"const t = document.querySelector(\"{silence_form} [name=type]\"); t.value = 'weekly'; t.dispatchEvent(new Event('change'));"
              f" document.querySelector(\"{silence_form} [name=at]\").value = '02:30'")
    for day in ("0", "6"):
        c.find(f"{silence_form} input[name=weekday][value='{day}']").click()
    c.find(f"{silence_form} [name=duration]").clear()
    c.find(f"{silence_form} [name=duration]").send_keys("120")
    c.find(f"{silence_form} button[data-action=save-silence]").click()
    weekly = wait_until(lambda: [x for x in api.get("/api/v1/alert-silences")["items"] if x["name"] == "browser weekly window"],
                        "the weekly silence created in the form", 20)[0]
    checks.expect(weekly["type"] == "weekly" and weekly["weekdays"] == [0, 6] and weekly["start_minute"] == 150
                  and weekly["duration_minutes"] == 120 and weekly["tag"] == "core",
                  f"the silence form creates a weekly maintenance window ({weekly})")
    s.ready("silences")

    # Search from the header.
    c.find("#search-input").send_keys("juniper\n")
    s.ready("search")
    checks.expect("juniper" in c.find("table[data-table='search-devices']").text, "search finds a device")
    c.screenshot(os.path.join(SHOTS, "07-search.png"))

    # Dark mode: toggled, remembered, applied before paint on the next load.
    light = c.execute("return getComputedStyle(document.body).backgroundColor")
    c.find("#theme-toggle").click()
    dark = c.execute("return getComputedStyle(document.body).backgroundColor")
    checks.expect(light != dark, f"the theme toggle changes colours ({light} → {dark})")
    s.open("/ui/", "overview", "08-overview-dark.png", measure=False)
    checks.expect(c.execute("return localStorage.getItem('netmond.theme')") in ("dark", "light")
                  and c.execute("return getComputedStyle(document.body).backgroundColor") == dark,
                  "the theme choice is remembered")
    c.find("#theme-toggle").click()

    # XSS: the hostile agent's device, interface and search pages.
    hostile = next(d for d in api.get("/api/v1/devices?q=xss-agent")["items"] if d["name"] == "xss-agent")
    s.open(f"/ui/devices/{hostile['id']}", "device", "09-xss-device.png")
    text = c.execute("return document.body.innerText")
    checks.expect(xss_agent.SYS_NAME in text and xss_agent.SYS_DESCR in text, "hostile sysName/sysDescr show as text")
    shown = sum(1 for p in xss_agent.PAYLOADS if p in text)
    checks.expect(shown >= 20, f"{shown} of {len(xss_agent.PAYLOADS)} payloads are shown as plain text on the device page")
    hostile_ifs = api.get(f"/api/v1/devices/{hostile['id']}/interfaces")["items"]
    s.open(f"/ui/devices/{hostile['id']}/interfaces/{hostile_ifs[0]['id']}", "interface", "10-xss-interface.png")
    s.open("/ui/search?q=" + urllib.parse.quote("<script>"), "search", None)
    s.open("/ui/", "overview", None, measure=False)
    c.get(base + "/ui/search?q=%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E")
    s.ready("search")
    s.no_script_ran("search with a payload in the URL")

    # An expired access token: the page refreshes the session (rotation) without bothering the user.
    c.delete_cookie("netmond_access")
    c.find("a[data-page=flows]").click()
    s.ready("flows")
    checks.expect(not s.errors_shown() and "/ui/flows" in c.url
                  and any(k["name"] == "netmond_access" for k in c.cookies()),
                  "an expired access token is refreshed silently")

    # The whole session gone (refresh token too): the next navigation lands on the login page.
    c.cdp("Network.clearBrowserCookies", {})
    c.find("a[data-page=alerts]").click()
    c.wait(lambda: "/ui/login" in c.url, "the login page after the session expired")
    s.ready("login")
    checks.expect(c.find_all("[data-state=expired]") != [], "the login page says the session expired")
    checks.expect("next=%2Fui%2Falerts" in c.url, f"login remembers where the user was going ({c.url})")
    c.find("#login-username").send_keys(USERNAME)
    c.find("#login-password").send_keys(PASSWORD)
    c.find("#login-submit").click()
    s.ready("alerts")
    checks.expect("/ui/alerts" in c.url, "after logging in again the user is back where they were")

    # Log out: the session is gone for real.
    c.find("#logout").click()
    s.ready("login")
    c.get(base + "/ui/")
    c.wait(lambda: "/ui/login" in c.url, "the login page after logging out")
    status = c.execute("return fetch('/api/v1/auth/me', {credentials: 'same-origin'}).then(r => r.status)")
    checks.expect(status == 401, f"after logging out the API refuses the browser ({status})")

    # Saved dashboards: composed, shared, reloaded, seen by the organisation only, hostile names.
    saved_dashboards.run(s, api, flow_range, (USERNAME, PASSWORD), SHOTS)
    return s.timings


def main():
    global DOWNLOADS
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--netmond", default=os.path.join(REPO, ".build", "debug", "netmond"))
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    args = parser.parse_args()
    os.makedirs(SHOTS, exist_ok=True)
    os.makedirs(os.path.join(ARTIFACTS, "browser"), exist_ok=True)
    root = tempfile.mkdtemp(prefix="netmond-browser-")
    DOWNLOADS = os.path.join(root, "downloads")
    os.makedirs(DOWNLOADS)
    checks, started = Checks(), time.time()
    agent = daemon = chrome = None
    try:
        log("starting the lab (snmpd, snmpsim) and the XSS agent")
        run([os.path.join(REPO, "scripts/lab/snmpd.sh"), "start"])
        run([os.path.join(REPO, "scripts/lab/snmpsim.sh"), "start"])
        sims = []
        with open(os.path.join(LAB_DIR, "snmpsim", "agents.tsv")) as f:
            for line in f.read().splitlines()[1:]:
                name, port = line.split("\t")[:2]
                sims.append((name, int(port)))
        agent = XSSAgent(root)
        daemon = Netmond(os.path.abspath(args.netmond), root, sims[:2])
        log(f"netmond on {daemon.base}")
        api = API(daemon.base)
        first, last = pcap_window(PCAP)
        run([os.path.join(REPO, "scripts/lab/flows.sh"), "replay", PCAP, "9", str(daemon.flow_port)])
        flow_range = (first - 3600_000, max(last + 3600_000, int(time.time() * 1000)))
        wait_until(lambda: api.get(f"/api/v1/flows/top?by=src&from={flow_range[0]}&to={flow_range[1]}")["items"],
                   "flows from the softflowd replay", 60)

        def rates():
            for d in api.get("/api/v1/devices")["items"]:
                if d["name"] in ("lab-snmpd", "xss-agent"):
                    ifs = api.get(f"/api/v1/devices/{d['id']}/interfaces")["items"]
                    if not any(i.get("in_bps") is not None for i in ifs):
                        return False
            return True
        wait_until(rates, "interface rates (two polls) on lab-snmpd and xss-agent", 90)
        time.sleep(11)  # a third poll, so every graph has at least two points
        check_headers(daemon.base, checks)
        chrome = Chrome(DOWNLOADS, log_path=os.path.join(root, "chromedriver.log"))
        timings = browser_run(chrome, daemon.base, api, checks, flow_range)
        with open(os.path.join(ARTIFACTS, "browser", "results.json"), "w") as f:
            json.dump({"pages": timings, "checks_passed": checks.passed, "failures": checks.failures}, f, indent=2)
        log("page weight and time to interactive:")
        for t in timings:
            log(f"  {t['path']:<40} interactive {t['interactive_ms']} ms, assets {t['asset_bytes_encoded']} B "
                f"({t['asset_requests']} requests, {t['asset_bytes_transferred']} B transferred), "
                f"API {t['api_bytes']} B in {t['api_requests']} requests")
    except Exception:
        checks.failures.append(traceback.format_exc())
        log(traceback.format_exc())
        if chrome is not None:
            try:
                chrome.screenshot(os.path.join(SHOTS, "failure.png"))
                log(f"at {chrome.url}; browser log: {chrome.browser_log()[-10:]}")
            except Exception:
                pass
    finally:
        if chrome is not None:
            chrome.quit()
        if daemon is not None:
            daemon.stop()
        if agent is not None:
            agent.stop()
        if checks.failures and daemon is not None:
            log(f"netmond log (last lines of {daemon.log_path}):")
            with open(daemon.log_path) as f:
                for line in f.readlines()[-30:]:
                    print("  " + line.rstrip())
        if not args.keep:
            shutil.rmtree(root, ignore_errors=True)
    log(f"{checks.passed} checks passed, {len(checks.failures)} failed, {time.time() - started:.0f} s; "
        f"screenshots in {SHOTS}")
    return 1 if checks.failures else 0


if __name__ == "__main__":
    sys.exit(main())
