#!/usr/bin/env python3
"""The quickstart scenario, run against a started three-city federation.

    scenario.py [--wuhu http://127.0.0.1:8202] [--nanjing http://127.0.0.1:8201]
                [--maanshan http://127.0.0.1:8203] [--department 04.03] [--sim build/metrogw-sim]

A doctor in Wuhu, through the Wuhu node's north API:
  1. searches Nanjing orthopaedics (04.03) slots and sees them (Nanjing's appointment pool, synced
     from its FHIR R4 platform, asked over the mTLS federation link);
  2. opens the metro hospital directory and sees the hospitals of all three cities (Nanjing FHIR,
     Wuhu HL7 v2 over MLLP, Ma'anshan HL7 v3) in one answer;
  3. resolves a patient known to all three cities' platforms (a simulated metro resident) to a person
     token and the local patient number in each city, discovered across the federation and then
     answered from the Wuhu node's Redis;
  4. holds and books one of the Nanjing slots for that patient (decided by the Nanjing node in one
     atomic Redis script), reads the booking back and waits until it is delivered to the simulated
     Nanjing hospital.
Then a Ma'anshan doctor, through the Ma'anshan node:
  5. asks for the patient's lab reports without consent (403 consent-required), the patient's
     consent is recorded at the Nanjing node, and the same request answers the reports of every
     city the patient is known in (each owning node checks the consent and audits the access).
Prints what it sees (resident IDs masked); exit 0 when every step behaves, 1 with the reason otherwise.
"""
import argparse
import collections
import json
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid

CITY_NAMES = {"3201": "Nanjing", "3402": "Wuhu", "3405": "Ma'anshan"}
DOCTOR = {"X-Practitioner": "MAS-D-0042", "X-Hospital": "maanshan-people-hospital"}


def get(url, headers=None):
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers=headers or {}), timeout=15) as r:
            return r.status, json.loads(r.read().decode("utf-8"))
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read().decode("utf-8") or "{}")


def fail(msg):
    print(f"scenario: FAILED: {msg}")
    return 1


def display(ref):
    return (ref or {}).get("display") or (ref or {}).get("id") or "?"


def step_slots(base, department):
    url = f"{base}/v1/slots?department={department}&city=3201&limit=10"
    print(f"\n[1] Wuhu doctor searches Nanjing slots, department {department}\n$ curl '{url}'")
    for _ in range(60):  # the Nanjing pool syncs from its platform right after start
        status, body = get(url)
        if status != 200 or body.get("slots") or body.get("incomplete"):
            break
        time.sleep(0.5)
    if status != 200:
        return fail(f"slot search answered {status}: {body}"), []
    slots = body.get("slots", [])
    if body.get("incomplete"):
        return fail(f"Nanjing did not answer: {body['incomplete']}"), []
    if not slots:
        return fail("no Nanjing slots returned"), []
    for s in slots[:8]:
        print(f"  {s['start'][:16]}-{s['end'][11:16]}  {s['hospital']:<10} {s['doctor']:<16}"
              f"  {s['available']}/{s['capacity']} open ({s.get('family_available', 0)} for family doctors)")
    cities = {s["city"] for s in slots}
    if cities != {"3201"}:
        return fail(f"slots from cities {cities}, expected only Nanjing (3201)"), []
    print(f"  -> {len(slots)} Nanjing slots")
    return 0, slots


def step_directory(base):
    url = f"{base}/v1/hospitals"
    print(f"\n[2] Wuhu doctor opens the metro hospital directory\n$ curl '{url}'")
    status, body = get(url)
    if status != 200:
        return fail(f"directory answered {status}: {body}")
    if body.get("incomplete"):
        return fail(f"cities missing from the directory: {body['incomplete']}")
    by_city = collections.defaultdict(list)
    for org in body.get("organizations", []):
        by_city[org.get("city")].append(org.get("name", "?"))
    for city in sorted(by_city):
        names = by_city[city]
        print(f"  {CITY_NAMES.get(city, city)} ({city}): {len(names)} hospitals, e.g. {', '.join(names[:3])}")
    missing = set(CITY_NAMES) - set(by_city)
    if missing:
        return fail(f"no hospitals from {sorted(missing)}")
    return 0


def post(url, body, headers=None):
    req = urllib.request.Request(url, data=json.dumps(body).encode(), method="POST",
                                 headers={"Content-Type": "application/json", **(headers or {})})
    try:
        with urllib.request.urlopen(req, timeout=15) as r:
            return r.status, json.loads(r.read().decode("utf-8"))
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read().decode("utf-8") or "{}")


def step_identity(base, sim):
    out = subprocess.run([sim, "residents"], check=True, capture_output=True, text=True, timeout=30).stdout
    person = next(p for p in map(json.loads, out.splitlines()) if len(p["cities"]) == 3)
    masked = person["resident_id"][:4] + "*" * 10 + person["resident_id"][-4:]
    url = f"{base}/v1/patients/$resolve"
    print(f"\n[3] Wuhu doctor resolves a patient (resident ID {masked}, name and birth date in the body)\n"
          f"$ curl -X POST '{url}' -d '{{\"resident_id\": ..., \"name\": ..., \"birth_date\": ...}}'")
    body = {k: person[k] for k in ("resident_id", "name", "birth_date")}
    status, first = post(url, body)
    if status != 200:
        return fail(f"resolve answered {status}: {first}"), None
    for c in first.get("cities", []):
        print(f"  {CITY_NAMES.get(c['city'], c['city'])} ({c['city']}): local patient {c['patient_id']}")
    print(f"  -> token {first['token'][:12]}..., from {first['source']}")
    if sorted(c["city"] for c in first.get("cities", [])) != sorted(person["cities"]):
        return fail(f"expected the patient in {person['cities']}, got {first}"), None
    status, second = post(url, body)
    print(f"  again -> from {second.get('source')}")
    if status != 200 or second.get("source") != "redis":
        return fail(f"the second resolve should come from the Redis cache: {status} {second}"), None
    return 0, first["token"]


def step_book(base, slots, patient):
    slot = next((s for s in slots if s["available"] > 0), None)
    if slot is None:
        return fail("no Nanjing slot with a public place")
    key = uuid.uuid4().hex
    print(f"\n[4] Wuhu doctor holds and books {slot['id']} ({slot['start'][:16]}) for the patient\n"
          f"$ curl -X POST '{base}/v1/appointments/holds' -H 'Idempotency-Key: ...' "
          f"-d '{{\"slot\": \"{slot['id']}\", \"patient\": \"<token>\"}}'")
    status, hold = post(f"{base}/v1/appointments/holds", {"slot": slot["id"], "patient": patient},
                        {"Idempotency-Key": "hold-" + key})
    if status != 201:
        return fail(f"hold answered {status}: {hold}")
    print(f"  -> hold {hold['hold']}, expires {hold['expires']}")
    body = {"slot": slot["id"], "patient": patient, "hold": hold["hold"]}
    status, appt = post(f"{base}/v1/appointments", body, {"Idempotency-Key": "book-" + key})
    if status != 201:
        return fail(f"booking answered {status}: {appt}")
    print(f"  -> booked {appt['id']} at {appt['hospital']}, status {appt['status']}, delivery {appt['delivery']}")
    status, again = post(f"{base}/v1/appointments", body, {"Idempotency-Key": "book-" + key})
    if status != 201 or again.get("id") != appt["id"]:
        return fail(f"a retry with the same Idempotency-Key must answer the same booking: {status} {again}")
    print(f"  retry with the same Idempotency-Key -> the same booking {again['id']}")
    for _ in range(60):
        status, read = get(f"{base}/v1/appointments/{appt['id']}")
        if status == 200 and read.get("delivery") != "pending":
            break
        time.sleep(0.5)
    if status != 200 or read.get("delivery") != "delivered":
        return fail(f"the booking was not delivered to the hospital: {status} {read}")
    print(f"  -> delivered to the Nanjing hospital's platform (its reference {read.get('platform_ref')})")
    return 0


def item_name(observation):
    code = observation.get("code") or {}
    coding = code.get("coding") or {}
    return code.get("text") or coding.get("display") or coding.get("code") or "?"


def step_sharing(nanjing, maanshan, sim):
    out = subprocess.run([sim, "residents"], check=True, capture_output=True, text=True, timeout=30).stdout
    person = next(p for p in map(json.loads, out.splitlines()) if len(p["cities"]) == 3)
    body = {k: person[k] for k in ("resident_id", "name", "birth_date")}
    status, resolved = post(f"{maanshan}/v1/patients/$resolve", body)
    if status != 200:
        return fail(f"resolve at Ma'anshan answered {status}: {resolved}")
    token = resolved["token"]
    url = f"{maanshan}/v1/patients/{token}/lab-reports?purpose=treatment"
    print(f"\n[5] Ma'anshan doctor asks for the same patient's lab reports\n"
          f"$ curl '{url}' -H 'X-Practitioner: {DOCTOR['X-Practitioner']}' -H 'X-Hospital: {DOCTOR['X-Hospital']}'")
    status, refused = get(url, DOCTOR)
    if status != 403:
        return fail(f"without consent the answer must be 403, got {status}: {refused}")
    print(f"  without consent -> {status} {refused.get('type')}")
    consent = {"patient": token, "grantee": {"city": "3405"}, "categories": ["lab-report"],
               "purposes": ["treatment"], "source": "12320-app"}
    status, granted = post(f"{nanjing}/v1/consents", consent)
    if status != 201:
        return fail(f"recording the consent at Nanjing answered {status}: {granted}")
    print(f"  the patient consents at the Nanjing node (lab reports, treatment, Ma'anshan) -> {granted['id']}")
    status, reports = get(url, DOCTOR)
    if status != 200:
        return fail(f"with consent the answer must be 200, got {status}: {reports}")
    by_city = collections.Counter(r["id"].split("-")[0] for r in reports.get("lab_reports", []))
    for r in reports.get("lab_reports", [])[:4]:
        values = ", ".join(f"{item_name(o)} {o.get('value', '')} {o.get('unit', '')}".rstrip()
                           for o in r.get("observations", [])[:3])
        print(f"  {r.get('effective', '?')[:10]}  {r['id']:<24} {values}")
    print(f"  -> {sum(by_city.values())} reports from {dict(by_city)}; incomplete: {reports.get('incomplete', [])}")
    if not by_city:
        return fail(f"no lab reports for a consenting patient: {reports}")
    return 0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--wuhu", default="http://127.0.0.1:8202")
    ap.add_argument("--nanjing", default="http://127.0.0.1:8201")
    ap.add_argument("--maanshan", default="http://127.0.0.1:8203")
    ap.add_argument("--department", default="04.03")
    ap.add_argument("--sim", default="build/metrogw-sim", help="metrogw-sim binary (lists the metro residents)")
    args = ap.parse_args()
    rc, slots = step_slots(args.wuhu, args.department)
    rc = rc or step_directory(args.wuhu)
    if rc == 0:
        rc, token = step_identity(args.wuhu, args.sim)
    rc = rc or step_book(args.wuhu, slots, token) or step_sharing(args.nanjing, args.maanshan, args.sim)
    print("\nscenario: PASSED" if rc == 0 else "")
    return rc


if __name__ == "__main__":
    sys.exit(main())
