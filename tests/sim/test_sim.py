"""Black-box tests of metrogw-sim: the real binary, per dialect, on a free loopback port.

Python 3 standard library only. METROGW_SIM_BIN names the binary (default build/metrogw-sim).
Requests are the messages a city node sends (as the adapters' codecs encode them).
"""

import json
import os
import select
import signal
import socket
import subprocess
import time
import unittest
import urllib.error
import urllib.request

SIM_BIN = os.environ.get("METROGW_SIM_BIN", "/work/main/build/metrogw-sim")
START = "2025-03-10"
LOOPBACK = "127.0.0.1"


class Sim:
    """One metrogw-sim process; start() waits for its ready line."""

    def __init__(self, dialect, city, *extra):
        self.args = [SIM_BIN, "--dialect", dialect, "--city", city, "--port", "0", "--start-date", START, *extra]
        self.proc = None
        self.ready = None

    def __enter__(self):
        self.proc = subprocess.Popen(self.args, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 20
        line = b""
        while not line.endswith(b"\n"):
            left = deadline - time.monotonic()
            if left <= 0 or self.proc.poll() is not None:
                raise AssertionError("metrogw-sim did not become ready: " + self.proc.stderr.read().decode())
            if select.select([self.proc.stdout], [], [], left)[0]:
                line += os.read(self.proc.stdout.fileno(), 1)
        self.ready = json.loads(line)
        return self

    def __exit__(self, *exc):
        self.stop()

    @property
    def port(self):
        return self.ready["port"]

    def stop(self):
        if self.proc.stdout.closed:
            return self.proc.returncode
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        try:
            rc = self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            raise
        self.stderr = self.proc.stderr.read().decode()
        self.proc.stdout.close()
        self.proc.stderr.close()
        return rc


def http(method, port, target, body=None, content_type=None):
    headers = {"Content-Type": content_type} if content_type else {}
    req = urllib.request.Request(f"http://{LOOPBACK}:{port}{target}", data=body, method=method, headers=headers)
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            return r.status, r.headers.get("Content-Type", ""), r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.headers.get("Content-Type", ""), e.read().decode()


def mllp_exchange(port, message):
    with socket.create_connection((LOOPBACK, port), timeout=10) as s:
        s.sendall(b"\x0b" + message.encode() + b"\x1c\r")
        buf = b""
        while not buf.endswith(b"\x1c\r"):
            chunk = s.recv(65536)
            if not chunk:
                break
            buf += chunk
    assert buf.startswith(b"\x0b") and buf.endswith(b"\x1c\r"), buf[:80]
    return [seg.split("|") for seg in buf[1:-2].decode().split("\r") if seg]


def segment(segments, name):
    return next(s for s in segments if s[0] == name)


MSH = "MSH|^~\\&|METROGW|3201|||20250310090000+0800||{type}|{id}|P|2.5|||||CHN|UNICODE UTF-8"
V3_HEAD = """<{name} xmlns="urn:hl7-org:v3" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" ITSVersion="XML_1.0">
  <id root="2.16.156.10011.2.5.1.1" extension="{id}"/>
  <creationTime value="20250310090000+0800"/>
  <interactionId root="2.16.156.10011.2.5.1.2" extension="{name}"/>
  <processingCode code="P"/><processingModeCode/><acceptAckCode code="AL"/>
  <receiver typeCode="RCV"><device classCode="DEV" determinerCode="INSTANCE"><id>
    <item root="2.16.156.10011.2.5.1.3" extension="platform"/></id></device></receiver>
  <sender typeCode="SND"><device classCode="DEV" determinerCode="INSTANCE"><id>
    <item root="2.16.156.10011.2.5.1.3" extension="3201"/></id></device></sender>
  <controlActProcess classCode="CACT" moodCode="EVN">
    <queryByParameter>
      <queryId extension="{id}"/><statusCode code="new"/><initialQuantity value="{count}"/>
      {params}
    </queryByParameter>
  </controlActProcess>
</{name}>"""
V3_SLOT_PARAMS = """<parameterList>
        <departmentCode><value code="04.03"/><semanticsText value="科室"/></departmentCode>
        <scheduleTime><value><low value="20250311"/><high value="20250312"/></value>
          <semanticsText value="排班时间"/></scheduleTime>
      </parameterList>"""


class CliTest(unittest.TestCase):
    def test_bad_arguments_exit_2_with_one_line(self):
        for args in (["--dialect", "smtp", "--city", "3201", "--port", "0"],
                     ["--dialect", "hl7v2", "--city", "9999", "--port", "0"],
                     ["--dialect", "hl7v2", "--city", "3402"],
                     ["--dialect", "hl7v2", "--city", "3402", "--port", "70000"],
                     ["--dialect", "hl7v2", "--city", "3402", "--port", "0", "--start-date", "2025-02-30"],
                     ["--dialect", "hl7v2", "--city", "3402", "--port", "0", "--days", "0"],
                     ["--dialect", "fhir-r4", "--city", "3201", "--port", "0", "--release", "3201H01"],
                     ["--dialect", "fhir-r4", "--city", "3201", "--port", "0", "--release", "3201H01:0"],
                     ["--bogus"]):
            r = subprocess.run([SIM_BIN, *args], capture_output=True, timeout=10)
            self.assertEqual(r.returncode, 2, args)
            self.assertEqual(len(r.stderr.decode().strip().splitlines()), 1, r.stderr)

    def test_ready_line_and_sigterm(self):
        with Sim("hl7v2", "3402") as sim:
            self.assertEqual(sim.ready["event"], "ready")
            self.assertEqual(sim.ready["dialect"], "hl7v2")
            self.assertEqual(sim.ready["city"], "3402")
            self.assertGreater(sim.port, 0)
            self.assertEqual(sim.stop(), 0)
        for line in sim.stderr.splitlines():
            json.loads(line)  # every log line is JSON


class FhirTest(unittest.TestCase):
    def test_slot_search_book_and_conflict(self):
        with Sim("fhir-r4", "3201", "--seed", "5") as sim:
            status, ctype, body = http("GET", sim.port, "/fhir/Slot?status=free&specialty=04.03&start=ge2025-03-11"
                                                        "&start=lt2025-03-12&organization=3201H01&_count=5")
            self.assertEqual(status, 200, body)
            self.assertTrue(ctype.startswith("application/fhir+json"))
            bundle = json.loads(body)
            self.assertEqual(bundle["resourceType"], "Bundle")
            self.assertEqual(bundle["type"], "searchset")
            slots = [e["resource"] for e in bundle["entry"]]
            self.assertTrue(slots)
            self.assertTrue(all(s["resourceType"] == "Slot" and s["start"].startswith("2025-03-11") for s in slots))
            target = slots[0]["id"]
            appointment = {"resourceType": "Appointment", "status": "booked",
                           "slot": [{"reference": "Slot/" + target}],
                           "participant": [{"actor": {"reference": "Patient/p1"}, "status": "accepted"}]}
            codes = []
            for _ in range(5):  # capacity is at most 4
                status, _, body = http("POST", sim.port, "/fhir/Appointment", json.dumps(appointment).encode(),
                                       "application/fhir+json")
                codes.append(status)
            self.assertEqual(codes[0], 201, body)
            self.assertIn(409, codes)
            self.assertEqual(json.loads(body)["resourceType"], "OperationOutcome")
            status, _, body = http("GET", sim.port, "/other/Slot")
            self.assertEqual(status, 404)
            self.assertEqual(json.loads(body)["resourceType"], "OperationOutcome")
            status, _, body = http("GET", sim.port, "/fhir/Patient")
            self.assertEqual(status, 400)
            self.assertEqual(json.loads(body)["resourceType"], "OperationOutcome")

    def test_same_seed_same_slots(self):
        first = []
        for _ in range(2):
            with Sim("fhir-r4", "3201", "--seed", "9") as sim:
                _, _, body = http("GET", sim.port, "/fhir/Slot?_count=3")
                first.append([e["resource"]["id"] for e in json.loads(body)["entry"]])
        self.assertEqual(first[0], first[1])


class Hl7v2Test(unittest.TestCase):
    def test_slot_query_over_mllp(self):
        msg = "\r".join([MSH.format(type="SQM^S25^SQM_S25", id="Q1001"), "QRD||R|I|Q1001|||3^RD||APN",
                         "ARQ|||||||||||20250311^20250312", "RGS|1", "AIL|1||GK^^^^^D"]) + "\r"
        with Sim("hl7v2", "3402") as sim:
            segs = mllp_exchange(sim.port, msg)
        self.assertEqual(segment(segs, "MSH")[8].split("^")[:2], ["SQR", "S25"])
        msa = segment(segs, "MSA")
        self.assertEqual(msa[1:3], ["AA", "Q1001"])
        schs = [s for s in segs if s[0] == "SCH"]
        self.assertTrue(0 < len(schs) <= 3)
        self.assertTrue(any(s[0] == "AIS" and s[3].startswith("GK^骨科专业") for s in segs))

    def test_book_until_taken(self):
        query = "\r".join([MSH.format(type="SQM^S25^SQM_S25", id="Q3001"), "QRD||R|I|Q3001|||1^RD||APN",
                           "ARQ|||||||||||20250312^20250312", "RGS|1", "AIL|1||GK^^^^^D"]) + "\r"
        with Sim("hl7v2", "3402", "--seed", "3") as sim:
            slot_id = segment(mllp_exchange(sim.port, query), "SCH")[2]
            answers = []
            for i in range(5):  # capacity is at most 4
                srm = "\r".join([MSH.format(type="SRM^S01^SRM_S01", id=f"B{i}"), f"ARQ|||||{slot_id}",
                                 "PID|1||11010519491231002X^^^&2.16.156.10011.1.3&ISO|||||U"]) + "\r"
                answers.append(mllp_exchange(sim.port, srm))
        first, last = answers[0], answers[-1]
        self.assertEqual(segment(first, "MSA")[1:3], ["AA", "B0"])
        self.assertEqual(segment(last, "MSA")[1], "AE")
        self.assertIn("409", segment(last, "ERR"))

    def test_patient_query_and_directory(self):
        pdq = "\r".join([MSH.format(type="QBP^Q22^QBP_Q21", id="Q2001"),
                         "QPD|IHE PDQ Query^IHE PDQ Query^IHE-ITI-21|Q2001|@PID.3.1^11010519491231002X"
                         "~@PID.3.4.2^2.16.156.10011.1.3", "RCP|I|50^RD"]) + "\r"
        mfq = "\r".join([MSH.format(type="MFQ^M05^MFQ_M01", id="Q2002"), "QRD||R|I|Q2002|||2^RD||LOC", "QRF"]) + "\r"
        with Sim("hl7v2", "3402") as sim:
            rsp = mllp_exchange(sim.port, pdq)
            mfr = mllp_exchange(sim.port, mfq)
            garbage = mllp_exchange(sim.port, "MSH|^~\\&|X|Y|||||ZZZ^Q99|G1|P|2.5\rFOO|1\r")
        self.assertEqual(segment(rsp, "MSA")[1:3], ["AA", "Q2001"])
        self.assertEqual(segment(rsp, "QAK")[2], "NF")  # a valid number nobody in the world has
        self.assertEqual(segment(mfr, "MSA")[1:3], ["AA", "Q2002"])
        names = [s[2] for s in mfr if s[0] == "LOC"]
        self.assertEqual(names, ["皖南医学院弋矶山医院", "芜湖市第一人民医院"])
        self.assertIn(segment(garbage, "MSA")[1], ("AE", "AR"))
        self.assertEqual(segment(garbage, "MSA")[2], "G1")


class Hl7v3Test(unittest.TestCase):
    def test_schedule_and_directory_queries(self):
        slots = V3_HEAD.format(name="PRSC_IN010201UV01", id="V3-1", count=3, params=V3_SLOT_PARAMS)
        orgs = V3_HEAD.format(name="PRPM_IN406010UV01", id="V3-2", count=2, params="<parameterList/>")
        with Sim("hl7v3-cda", "3405") as sim:
            s1, ctype, body1 = http("POST", sim.port, "/hip", slots.encode(), "application/hl7-v3+xml")
            s2, _, body2 = http("POST", sim.port, "/hip", orgs.encode(), "application/hl7-v3+xml")
            s3, _, body3 = http("POST", sim.port, "/hip", b"<not-hl7/>", "application/hl7-v3+xml")
            s4, _, _ = http("GET", sim.port, "/hip")
        self.assertEqual(s1, 200, body1)
        self.assertIn("xml", ctype)
        self.assertIn("<PRSC_IN010202UV01", body1)
        self.assertIn('extension="V3-1"', body1)
        self.assertIn('code="1043" codeSystem="urn:metrogw:codes:3405:department"', body1)
        self.assertEqual(s2, 200, body2)
        self.assertIn("马鞍山市人民医院", body2)
        self.assertIn("马鞍山市中心医院", body2)
        self.assertEqual(s3, 400, body3)
        self.assertIn('typeCode="AE"', body3.replace('typeCode="AR"', 'typeCode="AE"'))
        self.assertEqual(s4, 405)

    def test_document_query_is_understood(self):
        """RCMR_IN000031UV01 reaches the world (the documents themselves are checked end to end in
        tests/integration/test_sharing.py): an unknown patient has no lab reports (an empty answer) and
        no record summary (404, AE); an unknown document type is a clean 400."""
        def query(qid, doc, patient="3405-PT0000000"):
            params = (f'<parameterList><documentType><value code="{doc}" codeSystem="2.16.156.10011.2.4"/>'
                      f'</documentType><patientId><value extension="{patient}"/></patientId></parameterList>')
            return http("POST", sim.port, "/hip",
                        V3_HEAD.format(name="RCMR_IN000031UV01", id=qid, count=50, params=params).encode(),
                        "application/hl7-v3+xml")

        with Sim("hl7v3-cda", "3405") as sim:
            s1, _, labs = query("D-1", "C0007")
            s2, _, summary = query("D-2", "C0001")
            s3, _, bad = query("D-3", "C0099")
        self.assertEqual(s1, 200, labs)
        self.assertNotIn("<ClinicalDocument", labs)
        self.assertIn('extension="D-1"', labs)
        self.assertEqual(s2, 404, summary)
        self.assertIn('typeCode="AE"', summary.replace('typeCode="AR"', 'typeCode="AE"'))
        self.assertEqual(s3, 400, bad)
        self.assertIn("unsupported document type", bad)

if __name__ == "__main__":
    unittest.main()
