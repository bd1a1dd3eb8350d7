#!/usr/bin/env python3
"""The quickstart scenario, run against a started three-city federation.

    scenario.py [--wuhu http://127.0.0.1:8202] [--department 04.03] [--sim build/metrogw-sim]

A doctor in Wuhu, through the Wuhu node's north API:
  1. searches Nanjing orthopaedics (04.03) slots and sees them (served by the Nanjing node from
     its FHIR R4 platform, over the mTLS federation link);
  2. opens the metro hospital directory and sees the hospitals of all three cities (Nanjing FHIR,
     Wuhu HL7 v2 over MLLP, Ma'anshan HL7 v3) in one answer;
  3. resolves a patient known to all three cities' platforms (a simulated metro resident) to a person
     token and the local patient number in each city, discovered across the federation and then
     answered from the Wuhu node's Redis.
Prints what it sees (resident IDs masked); exit 0 when every step behaves, 1 with the reason otherwise.
"""
import argparse
import collections
import json
import subprocess
import sys
import urllib.error
import urllib.request

CITY_NAMES = {"3201": "Nanjing", "3402": "Wuhu", "3405": "Ma'anshan"}


def get(url):
    try:
        with urllib.request.urlopen(url, timeout=15) as r:
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
    status, body = get(url)
    if status != 200:
        return fail(f"slot search answered {status}: {body}")
    slots = body.get("slots", [])
    if body.get("incomplete"):
        return fail(f"Nanjing did not answer: {body['incomplete']}")
    if not slots:
        return fail("no Nanjing slots returned")
    for s in slots[:8]:
        print(f"  {s.get('start', '?')[:16]}  {display(s.get('organization')):<24}  {display(s.get('practitioner')):<8}"
              f"  {s.get('status', 'Free')}  capacity {s.get('capacity', 1)}")
    cities = {((s.get("organization") or {}).get("city")) for s in slots}
    if cities != {"3201"}:
        return fail(f"slots from cities {cities}, expected only Nanjing (3201)")
    print(f"  -> {len(slots)} Nanjing slots")
    return 0


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


def post(url, body):
    req = urllib.request.Request(url, data=json.dumps(body).encode(), method="POST",
                                 headers={"Content-Type": "application/json"})
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
        return fail(f"resolve answered {status}: {first}")
    for c in first.get("cities", []):
        print(f"  {CITY_NAMES.get(c['city'], c['city'])} ({c['city']}): local patient {c['patient_id']}")
    print(f"  -> token {first['token'][:12]}..., from {first['source']}")
    if sorted(c["city"] for c in first.get("cities", [])) != sorted(person["cities"]):
        return fail(f"expected the patient in {person['cities']}, got {first}")
    status, second = post(url, body)
    print(f"  again -> from {second.get('source')}")
    if status != 200 or second.get("source") != "redis":
        return fail(f"the second resolve should come from the Redis cache: {status} {second}")
    return 0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--wuhu", default="http://127.0.0.1:8202")
    ap.add_argument("--department", default="04.03")
    ap.add_argument("--sim", default="build/metrogw-sim", help="metrogw-sim binary (lists the metro residents)")
    args = ap.parse_args()
    rc = step_slots(args.wuhu, args.department) or step_directory(args.wuhu) or step_identity(args.wuhu, args.sim)
    print("\nscenario: PASSED" if rc == 0 else "")
    return rc


if __name__ == "__main__":
    sys.exit(main())
