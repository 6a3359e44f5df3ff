"""Verifying one presentation of a digital certificate, in process: what handing one over costs the city.

Usage: madoguchi bench credential_verify [--presentations N]

Issues a birth certificate from the demo hospital (trusted through an X.509
chain to the demo root) and an enrollment certificate from the demo school
(trusted by its public key), both bound to one holder key, with the shipped
trust file. Then times N verifications of each (a fresh nonce each time, so
each is a real presentation): the issuer's signature and trust for the kind,
validity, every disclosure against ``_sd``, the key-binding JWT (nonce,
audience, ``sd_hash``), and the status from the city's cache, as the intake
does. Making the presentation (the wallet's work) is not timed.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from datetime import timedelta
from typing import Any

import httpx

from madoguchi import clock
from madoguchi.benchmark import Report
from madoguchi.catalog.loader import catalog_folder
from madoguchi.credentials import jose, sdjwt
from madoguchi.credentials.demo_issuers import (
    DEMO_ISSUERS,
    ensure_demo_issuers,
    issuer_directory,
    load_demo_issuer,
    status_transport,
)
from madoguchi.credentials.issuer import issue_credential
from madoguchi.credentials.presentation import create_presentation
from madoguchi.credentials.status_cache import StatusListCache
from madoguchi.credentials.trust_file import FILE_NAME, load_trust_registry
from madoguchi.credentials.verify import verify_presentation

AUDIENCE = "https://madoguchi.example/intake"
WARM_UP = 20
CASES: dict[str, tuple[str, dict[str, Any]]] = {
    "birth certificate, hospital by X.509 chain": ("kitami-mirai-hospital", {
        "kind": "birth-certificate", "claims": {
            "child_sex": "2", "birth_date": "2025-04-01", "birth_time": "09:41",
            "birth_place": "北海道北見市みらい町1丁目2番3号", "place_kind": "hospital",
            "facility_name": "北見みらい病院", "weight_g": 3120, "height_cm": 49.5, "gestational_weeks": 39,
            "babies": 1, "mother_name": "北見 花子", "attendant_name": "大空 一郎",
            "attendant_kind": "doctor"}}),
    "enrollment certificate, school by its keys": ("mirai-elementary", {
        "kind": "enrollment-certificate", "claims": {
            "pupil_name": "北見 さくら", "pupil_birth_date": "2016-06-20", "school_name": "北見市立みらい小学校",
            "grade": "e3", "enrolled_since": "2023-04-06"}}),
}


def run(args: list[str]) -> Report:
    parser = argparse.ArgumentParser(prog="madoguchi bench credential_verify")
    parser.add_argument("--presentations", type=int, default=2000)
    options = parser.parse_args(args)
    report = Report("Verifying a digital certificate's presentation")
    directory = issuer_directory()
    ensure_demo_issuers(directory)
    transport = status_transport(directory)
    client = httpx.Client(mounts={d.iss: transport for d in DEMO_ISSUERS.values()})
    trust = load_trust_registry(catalog_folder() / FILE_NAME, status_lists=StatusListCache(client))
    holder = jose.generate_key()
    now = clock.now()
    load_before = os.getloadavg()[0]
    for label, (issuer_id, case) in CASES.items():
        credential = issue_credential(load_demo_issuer(issuer_id, directory), kind=case["kind"],
                                      claims=case["claims"], holder_jwk=holder.as_dict(private=False),
                                      valid_from=now - timedelta(days=1), valid_until=now + timedelta(days=90))
        names = [sdjwt.parse_disclosure(d).name for d in sdjwt.parse(credential).disclosures]
        timings = []
        for i in range(WARM_UP + options.presentations):
            nonce = f"bench-{i}"
            presentation = create_presentation(credential, holder_key=holder, disclose=names, nonce=nonce,
                                               audience=AUDIENCE)
            started = time.perf_counter()
            verify_presentation(presentation, kind=case["kind"], nonce=nonce, audience=AUDIENCE, trust=trust,
                                at=clock.now())
            if i >= WARM_UP:
                timings.append((time.perf_counter() - started) * 1000)
        cuts = statistics.quantiles(timings, n=100)
        report.add(f"{label}: p50", cuts[49], key=f"{case['kind']}_p50_ms", unit="ms")
        report.add(f"{label}: p95", cuts[94], key=f"{case['kind']}_p95_ms", unit="ms")
    report.add("target: p95 under 5 ms", "met" if all(
        v < 5 for k, v in report.figures.items() if k.endswith("_p95_ms")) else "not met", key="target")
    report.notes.append(f"{options.presentations:,} verifications per certificate after {WARM_UP} warm-up ones, "
                        "every claim disclosed, the status list from the city's cache (fetched once)")
    report.notes.append(f"1-minute load average {load_before:.2f} before, {os.getloadavg()[0]:.2f} after")
    return report
