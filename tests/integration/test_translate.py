#!/usr/bin/env python3
"""`metrogw translate` on the real sample messages (tests/data/samples/) and on malformed input: the
canonical JSON carries the expected field values; bad input exits 1 with one line naming the position."""
import json
import os
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import METROGW_BIN, SOURCE_DIR  # noqa: E402

SAMPLES = os.path.join(SOURCE_DIR, "tests", "data", "samples")


def translate(dialect, path, *extra):
    return subprocess.run([METROGW_BIN, "translate", "--dialect", dialect, *extra, path], capture_output=True,
                          timeout=30)


class TranslateSamplesTest(unittest.TestCase):
    def canonical(self, dialect, name):
        r = translate(dialect, os.path.join(SAMPLES, dialect, name))
        self.assertEqual(r.returncode, 0, r.stderr.decode())
        self.assertEqual(r.stderr, b"")
        return json.loads(r.stdout.decode("utf-8"))

    def test_every_sample_translates(self):
        for dialect in ("fhir-r4", "hl7v2", "hl7v3-cda"):
            for name in sorted(os.listdir(os.path.join(SAMPLES, dialect))):
                with self.subTest(sample=f"{dialect}/{name}"):
                    env = self.canonical(dialect, name)
                    self.assertIn(env["body_type"], {"Patient", "Slot", "Appointment", "LabReport", "RecordSummary",
                                                     "Query", "SearchResult"})

    def test_fhir_slot(self):
        env = self.canonical("fhir-r4", "slot-example-busy.json")
        self.assertEqual(env["body_type"], "Slot")
        slot = env["body"]
        self.assertEqual(slot["status"], "Busy")
        self.assertEqual(slot["start"], "2013-12-25T09:00:00Z")
        self.assertEqual(slot["end"], "2013-12-25T09:15:00Z")
        self.assertTrue(slot["overbooked"])
        self.assertEqual(slot["service_category"][0]["coding"]["code"], "17")

    def test_fhir_appointment(self):
        env = self.canonical("fhir-r4", "appointment-example.json")
        self.assertEqual(env["body_type"], "Appointment")
        appt = env["body"]
        self.assertEqual(appt["id"], "example")
        self.assertEqual(appt["status"], "Booked")
        self.assertEqual(appt["start"], "2013-12-10T09:00:00Z")

    def test_fhir_observation_bundle_and_legacy_patient(self):
        env = self.canonical("fhir-r4", "ObservationBundle.json")
        self.assertEqual(env["body_type"], "LabReport")
        self.assertGreater(len(env["body"]["observations"]), 0)
        patient = self.canonical("fhir-r4", "ExamplePatient.json")["body"]
        self.assertEqual((patient["name"]["family"], patient["birth_date"], patient["gender"]),
                         ("Smith", "2001-01-10", "Male"))

    def test_hl7v2_oru(self):
        env = self.canonical("hl7v2", "ORU-R01-01.hl7")
        self.assertEqual(env["body_type"], "LabReport")
        report = env["body"]
        self.assertEqual(report["status"], "Final")
        self.assertEqual(report["patient"]["name"]["family"], "Finn")
        self.assertEqual(report["patient"]["birth_date"], "1963-08-15")
        self.assertGreater(len(report["observations"]), 0)

    def test_hl7v2_lab_oru_with_two_orders(self):
        env = self.canonical("hl7v2", "LAB-ORU-1.hl7")
        self.assertEqual(env["body_type"], "SearchResult")
        reports = env["body"]["lab_reports"]
        self.assertEqual(len(reports), 2)
        first = {o["code"]["coding"]["code"]: o for o in reports[0]["observations"]}
        self.assertEqual(first["11273-0"]["value"], "4.06")
        self.assertEqual(first["11273-0"]["unit"], "tera.l-1")
        self.assertEqual(first["20570-8"]["value"], "40.1")
        self.assertEqual(first["20570-8"]["interpretation"], "Normal")

    def test_hl7v2_adt_and_siu(self):
        patient = self.canonical("hl7v2", "ADT-A01-01.hl7")
        self.assertEqual(patient["body_type"], "Patient")
        self.assertEqual(patient["message_id"], "MSG00001")
        s12 = self.canonical("hl7v2", "SIU-S12-01.hl7")["body"]
        s15 = self.canonical("hl7v2", "SIU-S15-01.hl7")["body"]
        self.assertEqual(s12["id"], "36996")
        self.assertEqual(s12["status"], "Booked")
        self.assertEqual(s15["status"], "Cancelled")

    def test_hl7v3_patient_register_and_query(self):
        patient = self.canonical("hl7v3-cda", "PRPA_IN201311UV02-patient-register.xml")["body"]
        systems = {i.get("system") for i in patient["identifiers"]}
        self.assertIn("2.16.156.10011.1.3", systems)
        query = self.canonical("hl7v3-cda", "PRPA_IN201305UV02-patient-query.xml")
        self.assertEqual(query["body_type"], "Query")
        self.assertEqual(query["body"]["kind"], "Patients")

    def test_cda_lab_report_and_record_summary(self):
        lab = self.canonical("hl7v3-cda", "C0007-lab-report.xml")
        self.assertEqual(lab["body_type"], "LabReport")
        self.assertGreater(len(lab["body"]["observations"]), 0)
        summary = self.canonical("hl7v3-cda", "C0001-record-summary.xml")
        self.assertEqual(summary["body_type"], "RecordSummary")
        self.assertEqual(summary["body"]["title"], "病历概要")


class TranslateErrorsTest(unittest.TestCase):
    def bad(self, dialect, content):
        with tempfile.NamedTemporaryFile("wb", suffix=".msg", delete=False) as f:
            f.write(content)
        self.addCleanup(os.unlink, f.name)
        r = translate(dialect, f.name)
        self.assertEqual(r.returncode, 1, r)
        self.assertEqual(r.stdout, b"")
        err = r.stderr.decode("utf-8")
        self.assertEqual(err.count("\n"), 1, err)
        self.assertTrue(err.startswith(f"metrogw translate: {f.name}: {dialect}: "), err)
        return err

    def test_malformed_fhir_names_the_json_pointer(self):
        self.assertIn("/start", self.bad("fhir-r4", b'{"resourceType":"Slot","status":"free","start":5}'))
        self.assertIn("/resourceType", self.bad("fhir-r4", b'{"resourceType":"Spaceship"}'))
        self.bad("fhir-r4", b"{not json")

    def test_malformed_hl7v2_names_the_segment_and_field(self):
        err = self.bad("hl7v2", b"MSH|^~\\&|A|B|C|D|20240101||ORU^R01|1|P|2.5\rPID|1||\\Zbad\rOBX|1|XX|1^A^LN||5\r")
        self.assertRegex(err, r"[A-Z]{3}\[\d+\]-\d+")
        self.bad("hl7v2", b"not an hl7 message")

    def test_malformed_xml_names_the_path(self):
        self.bad("hl7v3-cda", b"<ClinicalDocument><unclosed></ClinicalDocument>")
        err = self.bad("hl7v3-cda", b'<PRPA_IN201311UV02 xmlns="urn:hl7-org:v3"><id/></PRPA_IN201311UV02>')
        self.assertIn("/PRPA_IN201311UV02", err)

    def test_resident_id_never_echoed_in_errors(self):
        err = self.bad("hl7v2", b"MSH|^~\\&|A|B|C|D|20240101||ADT^A01|1|P|2.5\rPID|1||320102199001011234^^^"
                                b"&2.16.156.10011.1.3&ISO||\\Zname\r")
        self.assertNotIn("320102199001011234", err)

    def test_usage_errors_exit_2(self):
        r = subprocess.run([METROGW_BIN, "translate", "--dialect", "hl7v4", "x"], capture_output=True, timeout=10)
        self.assertEqual(r.returncode, 2)
        r = subprocess.run([METROGW_BIN, "translate", "--dialect", "hl7v2"], capture_output=True, timeout=10)
        self.assertEqual(r.returncode, 2)
        missing = translate("hl7v2", "/nonexistent/file.hl7")
        self.assertEqual(missing.returncode, 1)
        self.assertIn("cannot open file", missing.stderr.decode())


if __name__ == "__main__":
    unittest.main(verbosity=2)
