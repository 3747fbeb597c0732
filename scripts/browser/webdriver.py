"""A minimal W3C WebDriver client over chromedriver (Python standard library only).

Enough for the dashboard's browser tests: sessions, navigation, elements, script execution,
screenshots, cookies, alert detection and Chrome DevTools commands. Every wait is bounded.
"""

import base64
import json
import os
import shutil
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request

ELEMENT = "element-6066-11e4-a52e-4f735466cecf"


class WebDriverError(Exception):
    def __init__(self, error, message):
        super().__init__(f"{error}: {message}")
        self.error = error


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Element:
    def __init__(self, driver, ident):
        self.driver = driver
        self.id = ident

    def _cmd(self, method, suffix, body=None):
        return self.driver.cmd(method, f"/element/{self.id}{suffix}", body)

    def click(self):
        self._cmd("POST", "/click", {})

    def clear(self):
        self._cmd("POST", "/clear", {})

    def send_keys(self, text):
        self._cmd("POST", "/value", {"text": text})

    @property
    def text(self):
        return self._cmd("GET", "/text")

    def attribute(self, name):
        return self._cmd("GET", f"/attribute/{name}")

    def property(self, name):
        return self._cmd("GET", f"/property/{name}")

    def find(self, css):
        value = self._cmd("POST", "/element", {"using": "css selector", "value": css})
        return Element(self.driver, value[ELEMENT])

    def find_all(self, css):
        values = self._cmd("POST", "/elements", {"using": "css selector", "value": css})
        return [Element(self.driver, v[ELEMENT]) for v in values]


class Chrome:
    """chromedriver + headless chromium with a throw-away profile."""

    def __init__(self, download_dir, chromium="/usr/bin/chromium", chromedriver="/usr/bin/chromedriver",
                 window=(1280, 900), log_path=None):
        self.port = free_port()
        self.log = open(log_path or os.devnull, "w")
        self.process = subprocess.Popen([chromedriver, f"--port={self.port}", "--allowed-ips=127.0.0.1"],
                                        stdout=self.log, stderr=subprocess.STDOUT)
        self.base = f"http://127.0.0.1:{self.port}"
        deadline = time.time() + 20
        while True:
            try:
                self._http("GET", "/status")
                break
            except OSError:
                if time.time() > deadline or self.process.poll() is not None:
                    self.process.kill()
                    raise RuntimeError("chromedriver did not start")
                time.sleep(0.1)
        self.profile = tempfile.mkdtemp(prefix="netmond-chrome-")
        options = {
            "binary": chromium,
            "args": [
                "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                f"--window-size={window[0]},{window[1]}", f"--user-data-dir={self.profile}",
                "--no-first-run", "--disable-extensions", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--disable-default-apps",
                "--metrics-recording-only", "--no-default-browser-check", "--dns-prefetch-disable",
            ],
            "prefs": {"download.default_directory": download_dir, "download.prompt_for_download": False},
        }
        caps = {"capabilities": {"alwaysMatch": {
            "browserName": "chrome", "goog:chromeOptions": options,
            "unhandledPromptBehavior": "ignore", "pageLoadStrategy": "normal",
            "goog:loggingPrefs": {"browser": "ALL"},
        }}}
        value = self._http("POST", "/session", caps)
        self.session = value["sessionId"]
        self.cmd("POST", "/timeouts", {"script": 30000, "pageLoad": 30000, "implicit": 0})
        self.cdp("Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": download_dir})

    def _http(self, method, path, body=None):
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.base + path, data=data, method=method,
                                         headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                payload = json.loads(response.read() or b"{}")
        except urllib.error.HTTPError as error:
            payload = json.loads(error.read() or b"{}")
            value = payload.get("value", {})
            raise WebDriverError(value.get("error", str(error.code)), value.get("message", "")) from None
        return payload.get("value")

    def cmd(self, method, path, body=None):
        return self._http(method, f"/session/{self.session}{path}", body)

    def cdp(self, command, params):
        return self.cmd("POST", "/goog/cdp/execute", {"cmd": command, "params": params})

    def get(self, url):
        self.cmd("POST", "/url", {"url": url})

    @property
    def url(self):
        return self.cmd("GET", "/url")

    def execute(self, script, *args):
        return self.cmd("POST", "/execute/sync", {"script": script, "args": list(args)})

    def find(self, css):
        value = self.cmd("POST", "/element", {"using": "css selector", "value": css})
        return Element(self, value[ELEMENT])

    def find_all(self, css):
        values = self.cmd("POST", "/elements", {"using": "css selector", "value": css})
        return [Element(self, v[ELEMENT]) for v in values]

    def wait(self, predicate, what, timeout=30.0, interval=0.1):
        """Polls `predicate()` until it returns a truthy value (returned) or `timeout` passes."""
        deadline = time.time() + timeout
        last = None
        while time.time() < deadline:
            try:
                value = predicate()
                if value:
                    return value
            except WebDriverError as error:
                last = error
            time.sleep(interval)
        raise AssertionError(f"timed out after {timeout:.0f}s waiting for {what}" + (f" ({last})" if last else ""))

    def wait_for(self, css, timeout=30.0):
        return self.wait(lambda: (self.find_all(css) or [None])[0], f"element {css}", timeout)

    def screenshot(self, path):
        with open(path, "wb") as f:
            f.write(base64.b64decode(self.cmd("GET", "/screenshot")))

    def alert_text(self):
        """The text of an open alert/confirm/prompt dialog, or None."""
        try:
            return self.cmd("GET", "/alert/text")
        except WebDriverError as error:
            if error.error == "no such alert":
                return None
            raise

    def cookies(self):
        return self.cmd("GET", "/cookie")

    def delete_cookie(self, name):
        self.cmd("DELETE", f"/cookie/{name}")

    def browser_log(self):
        try:
            return self.cmd("POST", "/se/log", {"type": "browser"})
        except WebDriverError:
            return []

    def quit(self):
        try:
            self.cmd("DELETE", "")
        except Exception:
            pass
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)
        self.log.close()
        shutil.rmtree(self.profile, ignore_errors=True)
