#!/usr/bin/env python3
"""deploy/metrogwctl, the operator's CLI, against the three-city sharing deployment (real nodes,
simulators, redis-server): config check, status and live config from the admin port, patient
resolve / cross-reference / forget, consent grant / list / revoke, audit verify, and clean failures."""
import os
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import METROGW_BIN, SOURCE_DIR  # noqa: E402
import test_sharing  # noqa: E402

CTL = os.path.join(SOURCE_DIR, "deploy", "metrogwctl")


class MetrogwctlTest(test_sharing.SharingTest):
    def ctl(self, *args):
        r = subprocess.run([sys.executable, CTL, *args], capture_output=True, text=True, timeout=60,
                           env={**os.environ, "METROGW_BIN": METROGW_BIN})
        return r.returncode, r.stdout, r.stderr

    def url(self, name, listener="main"):
        return f"http://127.0.0.1:{self.ports[name][listener]}"

    def test_operator_commands(self):
        # check: the deployed config is valid, a broken one is refused naming the problem
        rc, out, err = self.ctl("check", "--config", os.path.join(self.configs, "nanjing.yaml"))
        self.assertEqual(rc, 0, out + err)
        broken = os.path.join(self.tmpdir, "broken.yaml")
        with open(broken, "w") as f:
            f.write("listeners: 7\n")
        rc, out, err = self.ctl("check", "--config", broken)
        self.assertEqual(rc, 1, out + err)
        self.assertIn("listeners", out + err)

        # status and live config from the admin port
        rc, out, err = self.ctl("status", "--admin", self.url("nanjing", "admin"))
        self.assertEqual(rc, 0, out + err)
        self.assertIn("ready: yes", out)
        self.assertIn("redis: 1 worker(s) connected", out)
        self.assertRegex(out, r"certificate listener federation: \d+ days left")
        rc, out, err = self.ctl("config", "--admin", self.url("nanjing", "admin"))
        self.assertEqual(rc, 0, err)
        with open(self.nodes["nanjing"].config_path, encoding="utf-8") as f:
            self.assertEqual(out, f.read())

        # identity: resolve (the resident ID masked in the output), cross-reference, forget
        p = self.nanjing_resident()
        rc, out, err = self.ctl("resolve", "--node", self.url("maanshan"), "--resident-id", p["resident_id"],
                                "--name", p["name"], "--birth-date", p["birth_date"])
        self.assertEqual(rc, 0, out + err)
        self.assertNotIn(p["resident_id"], out + err)
        token = out.split(" -> token ")[1].split()[0]
        for city in ("3201", "3402", "3405"):
            self.assertIn(f"city {city}: local patient", out)
        rc, out, err = self.ctl("xref", "--node", self.url("maanshan"), token)
        self.assertEqual(rc, 0, out + err)
        self.assertIn('"3201"', out)

        # consent: grant at the home node, list, revoke; the history keeps both records
        rc, out, err = self.ctl("consent", "grant", "--node", self.url("nanjing"), "--patient", token,
                                "--grantee-city", "3405", "--category", "lab-report", "--purpose", "treatment")
        self.assertEqual(rc, 0, out + err)
        consent_id = out.split("granted ")[1].strip()
        r, _ = self.lab_reports(token)
        self.assertEqual(r.status, 200, "the consent granted through the CLI permits the read")
        rc, out, err = self.ctl("consent", "revoke", "--node", self.url("nanjing"), consent_id)
        self.assertEqual(rc, 0, out + err)
        rc, out, err = self.ctl("consent", "list", "--node", self.url("nanjing"), "--patient", token)
        self.assertEqual(rc, 0, out + err)
        self.assertIn(f"{consent_id}  grant", out)
        self.assertIn(f"revokes {consent_id}", out)
        r, _ = self.lab_reports(token)
        self.assertEqual(r.status, 403)

        rc, out, err = self.ctl("forget", "--node", self.url("maanshan"), token)
        self.assertEqual(rc, 0, out + err)

        # audit verify passes through to metrogw
        rc, out, err = self.ctl("audit", "verify", "--dir", os.path.join(self.audit_dir, "nanjing"))
        self.assertEqual(rc, 0, out + err)

        # failures are clean: the node's problem, or the connection error; usage errors exit 2
        rc, out, err = self.ctl("consent", "revoke", "--node", self.url("nanjing"), "3201-nonexistent")
        self.assertEqual(rc, 1, out + err)
        self.assertIn("urn:metrogw:problem:", err)
        rc, out, err = self.ctl("status", "--admin", "http://127.0.0.1:1")
        self.assertEqual(rc, 1, out + err)
        self.assertIn("metrogwctl:", err)
        rc, out, err = self.ctl("consent", "grant", "--node", self.url("nanjing"), "--patient", token,
                                "--category", "lab-report", "--purpose", "treatment")
        self.assertEqual(rc, 2, out + err)


if __name__ == "__main__":
    unittest.main(verbosity=2)
