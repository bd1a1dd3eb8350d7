#!/usr/bin/env python3
"""Writes the node configs of a local three-city federation (Nanjing, Wuhu, Ma'anshan).

    federation_configs.py OUTDIR CERTDIR [--ports JSON] [--deadline-ms N]
                          [--redis HOST:PORT --key-file FILE [--redis-password-file FILE]]
                          [--sharing AUDIT_DIR] [--booking [JSON]]

Each city gets OUTDIR/<name>.yaml: a `main` listener (north API, plain HTTP on loopback), a
`federation` listener (mutual TLS, peers only), an admin port, a cluster per peer node (mTLS with
the peer's expected certificate subject), the platform link in the city's dialect, and the routes
of the federation handlers. CERTDIR holds ca.pem and <name>.pem/.key (deploy/gen-node-certs.sh).

--ports overrides the default ports, e.g. {"nanjing": {"main": 18201, "federation": 18211,
"admin": 19201, "platform": 17201}, ...}; quickstart uses the defaults, tests pass free ports.
With --redis and --key-file each node also gets the identity API (/v1/patients/...): the shared
person-token key file, its Redis (database i for the i-th city), and the routes with scopes. The
loopback `main` listener grants those scopes to callers without a certificate (a demo; partners
present certificates and are listed under `partners:`).
With --sharing (needs --redis and --key-file) each node also gets consent-governed sharing: the
consent API and the lab-report / record-summary routes on `main` (scopes consent:write,
consent:read, records:read, granted to loopback callers), the sharing-peer and consent-peer routes
on `federation`, a `consent:` section (break-glass enabled) and an `audit:` section writing to
AUDIT_DIR/<name> (shipped to the node's Redis stream <prefix>audit:events: `ship` defaults to true).
With --booking (needs --redis and --key-file) each node also gets the appointment pool: the routes
GET /v1/slots becomes pool-slot-search (the platforms' own search moves to /v1/platform/slots);
holds, appointments, no-show, referral status, refer-back, referral list and $sync on `main` (scopes booking:read, booking:write, booking:family-doctor, booking:admin, granted to
loopback callers: the loopback caller is a family doctor unless the JSON says otherwise), the
booking-peer route on `federation`, and a `booking:` section. The optional JSON is merged into every
node's booking: section ({"hold_ttl_ms": 2000, ...}); a key "anonymous_family": false drops the
family-doctor scope from the loopback callers.
Prints nothing; exit 0.
"""
import json
import os
import sys

CITIES = [
    # name, GB/T 2260 prefix, display name, dialect
    ("nanjing", "3201", "南京", "fhir-r4"),
    ("wuhu", "3402", "芜湖", "hl7v2"),
    ("maanshan", "3405", "马鞍山", "hl7v3-cda"),
]


def default_ports():
    return {name: {"main": 8201 + i, "federation": 8301 + i, "admin": 9201 + i, "platform": 7201 + i}
            for i, (name, _, _, _) in enumerate(CITIES)}


def q(s):
    return json.dumps(s, ensure_ascii=False)


IDENTITY_SCOPES = "[identity:resolve, identity:read, identity:admin, platform:events]"


def identity_routes():
    return [
        "  - { name: patient-resolve, path: \"/v1/patients/$resolve\", match: exact, methods: [POST],"
        " handler: patient-resolve, listeners: [main], scopes: [identity:resolve] }",
        "  - { name: patient-forget, path: \"/v1/patients/{token}/cache\", methods: [DELETE],"
        " handler: patient-forget, listeners: [main], scopes: [identity:admin] }",
        "  - { name: patient-xref, path: \"/v1/patients/{token}\", methods: [GET], handler: patient-xref,"
        " listeners: [main], scopes: [identity:read] }",
        "  - { name: platform-events, path: /v1/platform/events, match: exact, methods: [POST],"
        " handler: platform-events, listeners: [main], scopes: [platform:events] }",
    ]


def identity_sections(index, identity):
    redis = identity["redis"]
    lines = ["redis:", f"  address: \"{redis}\"", f"  db: {index}", "  command_timeout_ms: 200"]
    if identity.get("password_file"):
        lines.append(f"  password_file: {q(identity['password_file'])}")
    lines += ["identity:", f"  key_file: {q(identity['key_file'])}", "  check_digit: reject"]
    return lines


SHARING_SCOPES = "consent:write, consent:read, records:read"


def sharing_routes():
    return [
        "  - { name: consent-grant, path: /v1/consents, match: exact, methods: [POST], handler: consent-grant,"
        " listeners: [main], scopes: [consent:write] }",
        "  - { name: consent-revoke, path: \"/v1/consents/{id}\", methods: [DELETE], handler: consent-revoke,"
        " listeners: [main], scopes: [consent:write] }",
        "  - { name: consent-history, path: \"/v1/patients/{token}/consents\", methods: [GET],"
        " handler: consent-history, listeners: [main], scopes: [consent:read] }",
        "  - { name: sharing-lab-reports, path: \"/v1/patients/{token}/lab-reports\", methods: [GET],"
        " handler: sharing-lab-reports, listeners: [main], scopes: [records:read] }",
        "  - { name: sharing-lab-report, path: \"/v1/patients/{token}/lab-reports/{id}\", methods: [GET],"
        " handler: sharing-lab-report, listeners: [main], scopes: [records:read] }",
        "  - { name: sharing-record-summary, path: \"/v1/patients/{token}/record-summary\", methods: [GET],"
        " handler: sharing-record-summary, listeners: [main], scopes: [records:read] }",
        "  - { name: sharing-peer, path: /federation/v1/sharing, match: exact, methods: [POST],"
        " handler: sharing-peer, listeners: [federation] }",
        "  - { name: consent-peer, path: /federation/v1/consents, match: exact, methods: [POST],"
        " handler: consent-peer, listeners: [federation] }",
    ]


def sharing_sections(name, audit_dir):
    return ["consent:", "  break_glass: true", "audit:", f"  directory: {q(os.path.join(audit_dir, name))}"]


def with_sharing(text, name, audit_dir):
    """Adds the sharing routes, scopes and sections to a node config made with identity."""
    text = text.replace(f"    anonymous_scopes: {IDENTITY_SCOPES[:-1]}", f"    anonymous_scopes: {IDENTITY_SCOPES[:-1]}, {SHARING_SCOPES}")
    text = text.replace("federation:\n", "\n".join(sharing_routes()) + "\nfederation:\n", 1)
    return text + "\n".join(sharing_sections(name, audit_dir)) + "\n"


BOOKING_SCOPES = "booking:read, booking:write, booking:admin"


def booking_routes():
    return [
        "  - { name: pool-sync, path: \"/v1/slots/$sync\", match: exact, methods: [POST], handler: pool-sync,"
        " listeners: [main], scopes: [booking:admin] }",
        "  - { name: appointment-hold, path: /v1/appointments/holds, match: exact, methods: [POST],"
        " handler: appointment-hold, listeners: [main], scopes: [booking:write] }",
        "  - { name: appointment-noshow, path: \"/v1/appointments/{id}/$noshow\", methods: [POST],"
        " handler: appointment-noshow, listeners: [main], scopes: [booking:admin] }",
        "  - { name: appointment-referral, path: \"/v1/appointments/{id}/referral\", methods: [POST],"
        " handler: appointment-referral, listeners: [main], scopes: [booking:admin, booking:hospital] }",
        "  - { name: appointment-refer-back, path: \"/v1/appointments/{id}/$refer-back\", methods: [POST],"
        " handler: appointment-refer-back, listeners: [main], scopes: [booking:admin, booking:hospital] }",
        "  - { name: referral-list, path: /v1/referrals, match: exact, methods: [GET], handler: referral-list,"
        " listeners: [main], scopes: [booking:admin, booking:hospital] }",
        "  - { name: appointment-book, path: /v1/appointments, match: exact, methods: [POST],"
        " handler: appointment-book, listeners: [main], scopes: [booking:write] }",
        "  - { name: appointment-read, path: \"/v1/appointments/{id}\", methods: [GET], handler: appointment-read,"
        " listeners: [main], scopes: [booking:read] }",
        "  - { name: appointment-cancel, path: \"/v1/appointments/{id}\", methods: [DELETE],"
        " handler: appointment-cancel, listeners: [main], scopes: [booking:write] }",
        "  - { name: booking-peer, path: /federation/v1/booking, match: exact, methods: [POST],"
        " handler: booking-peer, listeners: [federation] }",
    ]


def with_booking(text, settings):
    """Adds the booking routes, scopes and section to a node config made with identity."""
    settings = dict(settings)
    family = settings.pop("anonymous_family", True)
    scopes = BOOKING_SCOPES + (", booking:family-doctor" if family else "")
    marker = "    anonymous_scopes: ["
    start = text.index(marker)
    end = text.index("]", start)
    text = text[:end] + ", " + scopes + text[end:]
    text = text.replace("federation:\n", "\n".join(booking_routes()) + "\nfederation:\n", 1)
    # GET /v1/slots becomes the pool's search; the platforms' own search stays at /v1/platform/slots.
    old = "  - { name: slots, path: /v1/slots, match: exact, methods: [GET], handler: slot-search, listeners: [main] }"
    new = ("  - { name: slots, path: /v1/slots, match: exact, methods: [GET], handler: pool-slot-search,"
           " listeners: [main], scopes: [booking:read] }\n"
           "  - { name: platform-slots, path: /v1/platform/slots, match: exact, methods: [GET], handler: slot-search,"
           " listeners: [main] }")
    text = text.replace(old, new, 1)
    lines = ["booking:"] + [f"  {k}: {json.dumps(v)}" for k, v in settings.items()]
    if len(lines) == 1:
        lines = ["booking: {}"]
    return text + "\n".join(lines) + "\n"


def node_config(name, city, display, dialect, ports, certdir, deadline_ms, identity=None, index=0):
    p = ports[name]
    cert, key, ca = (os.path.join(certdir, f) for f in (f"{name}.pem", f"{name}.key", "ca.pem"))
    lines = [
        f"# {display} ({city}) city node: platform dialect {dialect}. Generated by deploy/demo/federation_configs.py.",
        f"node_name: metrogw-{name}",
        "workers: 1",
        "log_level: info",
        "access_log: false",
        "admin:",
        "  address: 127.0.0.1",
        f"  port: {p['admin']}",
        "listeners:",
        "  - name: main",
        "    address: 127.0.0.1",
        f"    port: {p['main']}",
    ] + ([f"    anonymous_scopes: {IDENTITY_SCOPES}"] if identity else []) + [
        "  - name: federation",
        "    address: 127.0.0.1",
        f"    port: {p['federation']}",
        f"    tls: {{ cert: {q(cert)}, key: {q(key)}, client_ca: {q(ca)} }}",
        "clusters:",
    ]
    if dialect != "hl7v2":
        lines += [
            f"  - name: {name}-platform",
            f"    hosts: [\"127.0.0.1:{p['platform']}\"]",
            "    connect_timeout_ms: 1000",
            "    request_timeout_ms: 5000",
        ]
    for peer, _, _, _ in CITIES:
        if peer == name:
            continue
        lines += [
            f"  - name: {peer}",
            f"    hosts: [\"127.0.0.1:{ports[peer]['federation']}\"]",
            "    connect_timeout_ms: 500",
            f"    request_timeout_ms: {deadline_ms}",
            "    retry: { max_retries: 0 }",
            f"    tls: {{ ca: {q(ca)}, cert: {q(cert)}, key: {q(key)}, server_name: localhost,"
            f" expected_subject: \"CN={peer}.metrogw,O=metrogw\" }}",
        ]
    lines += [
        "routes:",
        "  - { name: node, path: /v1/node, match: exact, methods: [GET], handler: node-info }",
        "  - { name: openapi, path: /v1/openapi.yaml, match: exact, methods: [GET], handler: openapi, listeners: [main] }",
        "  - { name: console, path: /console, match: prefix, methods: [GET], handler: console, listeners: [main] }",
        "  - { name: slots, path: /v1/slots, match: exact, methods: [GET], handler: slot-search, listeners: [main] }",
        "  - { name: hospitals, path: /v1/hospitals, match: exact, methods: [GET], handler: hospital-directory,"
        " listeners: [main] }",
        "  - { name: federation, path: /federation/v1/query, match: exact, methods: [POST], handler: federation-peer,"
        " listeners: [federation] }",
    ] + (identity_routes() if identity else []) + [
        "federation:",
        f"  city: \"{city}\"",
        f"  city_name: {display}",
        "  listener: federation",
        f"  deadline_ms: {deadline_ms}",
    ]
    if dialect == "hl7v2":
        lines.append(f"  platform: {{ dialect: hl7v2, address: \"127.0.0.1:{p['platform']}\", timeout_ms: 2000 }}")
    else:
        lines.append(f"  platform: {{ dialect: {dialect}, cluster: {name}-platform, timeout_ms: 2000 }}")
    lines.append("  peers:")
    for peer, pcity, _, _ in CITIES:
        if peer != name:
            lines.append(f"    - {{ city: \"{pcity}\", cluster: {peer} }}")
    if identity:
        lines += identity_sections(index, identity)
    return "\n".join(lines) + "\n"


def main(argv):
    if len(argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    outdir, certdir = argv[1], os.path.abspath(argv[2])
    ports = default_ports()
    deadline_ms = 2500
    identity = {}
    audit_dir = None
    booking = None
    rest = argv[3:]
    while rest:
        if rest[0] == "--ports" and len(rest) > 1:
            ports.update(json.loads(rest[1]))
            rest = rest[2:]
        elif rest[0] == "--deadline-ms" and len(rest) > 1:
            deadline_ms = int(rest[1])
            rest = rest[2:]
        elif rest[0] == "--sharing" and len(rest) > 1:
            audit_dir = os.path.abspath(rest[1])
            rest = rest[2:]
        elif rest[0] == "--booking":
            booking = {}
            if len(rest) > 1 and rest[1].startswith("{"):
                booking = json.loads(rest[1])
                rest = rest[1:]
            rest = rest[1:]
        elif rest[0] in ("--redis", "--key-file", "--redis-password-file") and len(rest) > 1:
            key = {"--redis": "redis", "--key-file": "key_file", "--redis-password-file": "password_file"}[rest[0]]
            identity[key] = os.path.abspath(rest[1]) if key != "redis" else rest[1]
            rest = rest[2:]
        else:
            print(f"federation_configs.py: unexpected argument {rest[0]!r}", file=sys.stderr)
            return 2
    if identity and ("redis" not in identity or "key_file" not in identity):
        print("federation_configs.py: --redis and --key-file go together", file=sys.stderr)
        return 2
    if audit_dir and not identity:
        print("federation_configs.py: --sharing needs --redis and --key-file", file=sys.stderr)
        return 2
    if booking is not None and not identity:
        print("federation_configs.py: --booking needs --redis and --key-file", file=sys.stderr)
        return 2
    os.makedirs(outdir, exist_ok=True)
    for i, (name, city, display, dialect) in enumerate(CITIES):
        with open(os.path.join(outdir, f"{name}.yaml"), "w", encoding="utf-8") as f:
            text = node_config(name, city, display, dialect, ports, certdir, deadline_ms, identity or None, i)
            text = with_sharing(text, name, audit_dir) if audit_dir else text
            f.write(with_booking(text, booking) if booking is not None else text)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
