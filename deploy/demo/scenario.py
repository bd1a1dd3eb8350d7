#!/usr/bin/env python3
"""The quickstart scenario, run against a started three-city federation.

    scenario.py [--wuhu http://127.0.0.1:8202] [--department 04.03]

A doctor in Wuhu, through the Wuhu node's north API:
  1. searches Nanjing orthopaedics (04.03) slots and sees them (served by the Nanjing node from
     its FHIR R4 platform, over the mTLS federation link);
  2. opens the metro hospital directory and sees the hospitals of all three cities (Nanjing FHIR,
     Wuhu HL7 v2 over MLLP, Ma'anshan HL7 v3) in one answer.
Prints what it sees; exit 0 when both steps behave, 1 with the reason otherwise.
"""
import argparse
import collections
import json
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


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--wuhu", default="http://127.0.0.1:8202")
    ap.add_argument("--department", default="04.03")
    args = ap.parse_args()
    rc = step_slots(args.wuhu, args.department) or step_directory(args.wuhu)
    print("\nscenario: PASSED" if rc == 0 else "")
    return rc


if __name__ == "__main__":
    sys.exit(main())
