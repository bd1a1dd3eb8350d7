"""The doctor console end to end.

ConsoleQuickstartTest runs the quickstart deployment itself (deploy/quickstart.sh --no-build, in a
state directory of its own: redis-server, three platform simulators, three city nodes, and the
quickstart's scenario), then drives the console in headless Chromium (Debian chromium) with
playwright-core from npm (tests/console/book.mjs): a family doctor opens http://127.0.0.1:8203/console/
on the Ma'anshan node, resolves a metro resident, searches Nanjing orthopaedics slots, books one and
waits until the console shows it delivered. The test then finds that booking at the simulated Nanjing
hospital (the simulator's own log of the appointment it created for that slot) and keeps the
screenshot (METROGW_ARTIFACTS_DIR, default build/test-artifacts).

ConsoleFilesTest checks the static files and their headers on the booking tests' deployment.
"""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import METROGW_BIN, SOURCE_DIR, request  # noqa: E402
from cities import SIM_BIN, residents  # noqa: E402
import test_booking  # noqa: E402

ARTIFACTS = os.environ.get("METROGW_ARTIFACTS_DIR") or os.path.join(os.path.dirname(METROGW_BIN), "test-artifacts")
CONSOLE_TEST_DIR = os.path.join(SOURCE_DIR, "tests", "console")
QUICKSTART = os.path.join(SOURCE_DIR, "deploy", "quickstart.sh")
QUICKSTART_SEED = 1  # the simulators' default --seed, which the quickstart uses
MAANSHAN_NODE, NANJING_SIM_LOG = 8203, "sim-nanjing.log"


class ConsoleQuickstartTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        for need, how in ((shutil.which("node"), "node (Debian nodejs) is missing"),
                          (os.path.isdir(os.path.join(CONSOLE_TEST_DIR, "node_modules", "playwright-core")),
                           "playwright-core is not installed: npm ci --prefix tests/console (deploy/test.sh does)"),
                          (os.path.exists("/usr/bin/chromium"), "chromium is missing: deploy/install-deps.sh")):
            if not need:
                raise AssertionError(how)
        cls.state = tempfile.mkdtemp(prefix="metrogw-console-")
        cls.env = dict(os.environ, METROGW_QUICKSTART_DIR=cls.state, METROGW_BIN=METROGW_BIN, METROGW_SIM_BIN=SIM_BIN)
        cls.addClassCleanup(shutil.rmtree, cls.state, ignore_errors=True)
        cls.addClassCleanup(subprocess.run, [QUICKSTART, "--stop"], env=cls.env, timeout=120,
                            stdout=subprocess.DEVNULL)
        out = subprocess.run([QUICKSTART, "--no-build"], env=cls.env, capture_output=True, text=True, timeout=300)
        if out.returncode != 0:
            raise AssertionError(f"deploy/quickstart.sh --no-build failed ({out.returncode}):\n"
                                 f"{out.stdout[-3000:]}\n{out.stderr[-3000:]}")
        assert "doctor console            http://127.0.0.1:8203/console/" in out.stdout, out.stdout[-2000:]

    def test_a_booking_made_in_the_browser_reaches_the_hospital(self):
        # The last of the residents known in all three cities: the quickstart's scenario has booked for
        # the first (one active booking per doctor and day is a booking rule).
        person = [p for p in residents(QUICKSTART_SEED) if len(p["cities"]) == 3 and not p["conflict_city"]][-1]
        os.makedirs(ARTIFACTS, exist_ok=True)
        shot = os.path.join(ARTIFACTS, "console.png")
        env = dict(os.environ, CONSOLE_URL=f"http://127.0.0.1:{MAANSHAN_NODE}/console/", SCREENSHOT=shot,
                   PATIENT=json.dumps({k: person[k] for k in ("resident_id", "name", "birth_date")}),
                   SEARCH_CITY="3201", SEARCH_DEPARTMENT="04.03")
        run = subprocess.run(["node", os.path.join(CONSOLE_TEST_DIR, "book.mjs")], env=env, capture_output=True,
                             text=True, timeout=240)
        self.assertEqual(run.returncode, 0, run.stderr[-3000:])
        seen = json.loads(run.stdout.strip().splitlines()[-1])
        self.assertEqual(seen["cities"], ["3201", "3402", "3405"], "the patient is known in all three cities")
        self.assertFalse(seen["resident_id_shown"], "the full resident ID is not shown after resolving")
        self.assertTrue(seen["slot"].startswith("3201."), seen)
        self.assertTrue(seen["appointment"].startswith("3201.a"), seen)
        self.assertTrue(seen["delivered"], "the console never showed the booking delivered")

        # The node that booked has the hospital platform's reference for the appointment ...
        r = request(MAANSHAN_NODE, "GET", f"/v1/appointments/{seen['appointment']}")
        self.assertEqual(r.status, 200, r.body[:500])
        booking = json.loads(r.body)
        self.assertEqual((booking["delivery"], booking["slot"]), ("delivered", seen["slot"]))
        ref = booking["platform_ref"]
        self.assertTrue(ref)
        # ... and the simulated Nanjing hospital created exactly that appointment, on that slot.
        with open(os.path.join(self.state, NANJING_SIM_LOG), encoding="utf-8") as f:
            made = [line for line in f if re.search(rf" 201 appointment={re.escape(ref)}( |\")", line)]
        self.assertEqual(len(made), 1, f"appointment {ref} at the simulated hospital")
        self.assertIn(f"slot={seen['slot'].split('.', 1)[1]}", made[0])
        self.assertGreater(os.path.getsize(shot), 10_000)
        print(f"console screenshot: {shot}", file=sys.stderr)


class ConsoleFilesTest(test_booking.BookingTest):
    def test_static_files_and_their_headers(self):
        port = self.ports["wuhu"]["main"]
        r = request(port, "GET", "/console")
        self.assertEqual((r.status, r.header("location")), (301, "/console/"))
        r = request(port, "GET", "/console/")
        self.assertEqual(r.status, 200)
        self.assertTrue(r.header("content-type").startswith("text/html"))
        self.assertIn("script-src 'self'", r.header("content-security-policy"))
        self.assertEqual(r.header("x-content-type-options"), "nosniff")
        self.assertIn(b"app.js", r.body)
        for path, kind in (("/console/app.js", "text/javascript"), ("/console/style.css", "text/css")):
            r = request(port, "GET", path)
            self.assertEqual(r.status, 200, path)
            self.assertTrue(r.header("content-type").startswith(kind), path)
        r = request(port, "GET", "/console/../v1/node")
        self.assertNotEqual(r.status, 200)
        r = request(port, "GET", "/console/secret.txt")
        self.assertEqual(r.status, 404)
        self.assertEqual(r.header("content-type"), "application/problem+json")


if __name__ == "__main__":
    unittest.main(verbosity=2)
