"""A W3C WebDriver client for headless Chromium (Debian chromium + chromium-driver), with the standard
library only: the few commands the browser tests need."""
import base64
import json
import os
import shutil
import subprocess
import urllib.error
import urllib.request

from harness import METROGW_BIN, free_port, wait_until

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"
ELEMENT = "element-6066-11e4-a52e-4f735466cecf"
ARTIFACTS = os.environ.get("METROGW_ARTIFACTS_DIR") or os.path.join(os.path.dirname(METROGW_BIN), "test-artifacts")


class WebDriver:
    """One chromedriver process and one headless Chromium session."""

    def __init__(self, tmpdir):
        self.port = free_port()
        self.log = open(os.path.join(tmpdir, "chromedriver.log"), "w")
        self.proc = subprocess.Popen([CHROMEDRIVER, f"--port={self.port}"], stdout=self.log,
                                     stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        wait_until(self._up, timeout=20, interval=0.1, message="chromedriver did not start")
        caps = {"capabilities": {"alwaysMatch": {"browserName": "chrome", "goog:chromeOptions": {
            "binary": CHROMIUM,
            "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     "--window-size=1280,1400", f"--user-data-dir={os.path.join(tmpdir, 'chromium')}"]}}}}
        self.session = self.call("POST", "/session", caps)["sessionId"]

    def _up(self):
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/status", timeout=1) as r:
                return json.loads(r.read())["value"].get("ready", False)
        except (OSError, ValueError):
            return False

    def call(self, method, path, body=None):
        data = json.dumps(body if body is not None else {}).encode() if method == "POST" else None
        req = urllib.request.Request(f"http://127.0.0.1:{self.port}{path}", data=data, method=method,
                                     headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(req, timeout=60) as r:
                return json.loads(r.read())["value"]
        except urllib.error.HTTPError as e:
            raise AssertionError(f"WebDriver {method} {path}: {e.code} {e.read()[:500]!r}") from None

    def s(self, path):
        return f"/session/{self.session}{path}"

    def go(self, url):
        self.call("POST", self.s("/url"), {"url": url})

    def find(self, css):
        return self.call("POST", self.s("/element"), {"using": "css selector", "value": css})[ELEMENT]

    def type(self, css, text):
        el = self.find(css)
        self.call("POST", self.s(f"/element/{el}/clear"))
        self.call("POST", self.s(f"/element/{el}/value"), {"text": text})

    def click(self, css):
        self.call("POST", self.s(f"/element/{self.find(css)}/click"))

    def js(self, script, *args):
        return self.call("POST", self.s("/execute/sync"), {"script": script, "args": list(args)})

    def screenshot(self, path):
        png = base64.b64decode(self.call("GET", self.s("/screenshot")))
        with open(path, "wb") as f:
            f.write(png)

    def close(self):
        try:
            self.call("DELETE", self.s(""))
        finally:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
            self.log.close()


def browsers_installed():
    return os.access(CHROMEDRIVER, os.X_OK) and os.access(CHROMIUM, os.X_OK)
