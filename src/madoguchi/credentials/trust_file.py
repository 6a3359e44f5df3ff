"""Reading the city's ``trusted-issuers.yaml`` into a ``TrustRegistry``.

The file names X.509 roots (PEM files) and issuers; an issuer gives its keys
inline (``jwks``), as a JWKS file (``jwks_file``) or names the roots its
``x5c`` chain must lead to (``x5c_roots``). Relative file paths are taken from
the YAML file's folder. docs/credentials.md shows a hospital being added.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml
from cryptography import x509
from joserfc.jwk import ECKey
from jsonschema import Draft202012Validator

from madoguchi.catalog.models import Text
from madoguchi.credentials import jose
from madoguchi.credentials.errors import TrustRegistryInvalid
from madoguchi.credentials.kinds import KindRegistry, kinds
from madoguchi.credentials.status_cache import StatusListCache
from madoguchi.credentials.trust import TrustedIssuer, TrustRegistry

FILE_NAME = "trusted-issuers.yaml"

_TEXT = {"type": "object", "properties": {"ja": {"type": "string", "minLength": 1},
                                          "en": {"type": "string", "minLength": 1}},
         "required": ["ja", "en"], "additionalProperties": False}
_ID = {"type": "string", "pattern": "^[a-z][a-z0-9-]*$"}
SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "description": "The issuers a city trusts for each kind of digital certificate.",
    "type": "object",
    "properties": {
        "roots": {"type": "array", "items": {
            "type": "object",
            "properties": {"id": _ID, "name": _TEXT, "certificate_file": {"type": "string"}},
            "required": ["id", "certificate_file"], "additionalProperties": False}},
        "issuers": {"type": "array", "items": {
            "type": "object",
            "properties": {
                "id": _ID,
                "iss": {"type": "string", "pattern": "^https://"},
                "name": _TEXT,
                "kinds": {"type": "array", "items": _ID, "minItems": 1, "uniqueItems": True},
                "jwks": {"type": "object", "properties": {"keys": {"type": "array", "minItems": 1}},
                         "required": ["keys"]},
                "jwks_file": {"type": "string"},
                "x5c_roots": {"type": "array", "items": _ID, "minItems": 1},
            },
            "required": ["id", "iss", "name", "kinds"],
            "oneOf": [{"required": ["jwks"]}, {"required": ["jwks_file"]}, {"required": ["x5c_roots"]}],
            "additionalProperties": False}},
    },
    "required": ["issuers"],
    "additionalProperties": False,
}
_validator = Draft202012Validator(SCHEMA)


def load_trust_registry(path: Path, *, status_lists: StatusListCache,
                        registry: KindRegistry = kinds) -> TrustRegistry:
    """The registry the file describes. Raises TrustRegistryInvalid saying what to fix."""
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
        raise TrustRegistryInvalid(f"{path}: cannot be read: {error}") from None
    problems = [f"{'/'.join(map(str, e.absolute_path)) or 'top'}: "
                + ("give exactly one of jwks, jwks_file or x5c_roots" if e.validator == "oneOf" else e.message)
                for e in _validator.iter_errors(document)]
    if problems:
        raise TrustRegistryInvalid(f"{path}: " + "; ".join(problems))
    folder = path.parent
    roots = {r["id"]: _root(folder / r["certificate_file"]) for r in document.get("roots", [])}
    issuers = [_issuer(entry, folder, roots, registry) for entry in document["issuers"]]
    for field in ("id", "iss"):
        values = [getattr(i, field) for i in issuers]
        if len(set(values)) != len(values):
            raise TrustRegistryInvalid(f"{path}: two issuers have the same {field}")
    return TrustRegistry(issuers, status_lists)


def _issuer(entry: dict[str, Any], folder: Path, roots: dict[str, x509.Certificate],
            registry: KindRegistry) -> TrustedIssuer:
    where = f"issuer {entry['id']}"
    known = {k.id for k in registry}
    unknown = [k for k in entry["kinds"] if k not in known]
    if unknown:
        raise TrustRegistryInvalid(f"{where}: no certificate kind {', '.join(unknown)}; known: {', '.join(sorted(known))}")
    missing = [r for r in entry.get("x5c_roots", []) if r not in roots]
    if missing:
        raise TrustRegistryInvalid(f"{where}: no root {', '.join(missing)} under roots")
    if "jwks_file" in entry:
        jwks = _read_json(folder / entry["jwks_file"], where)
    else:
        jwks = entry.get("jwks", {"keys": []})
    return TrustedIssuer(id=entry["id"], iss=entry["iss"], name=Text.model_validate(entry["name"]),
                         kinds=frozenset(entry["kinds"]), keys=_keys(jwks, where),
                         roots=tuple(roots[r] for r in entry.get("x5c_roots", [])))


def _keys(jwks: object, where: str) -> dict[str, ECKey]:
    keys = jwks.get("keys") if isinstance(jwks, dict) else None
    if not isinstance(keys, list):
        raise TrustRegistryInvalid(f"{where}: the JWKS has no keys list")
    found: dict[str, ECKey] = {}
    for jwk in keys:
        try:
            public = jose.public_key({k: v for k, v in jwk.items() if k not in ("kid", "use", "alg")})
        except (ValueError, AttributeError) as error:
            raise TrustRegistryInvalid(f"{where}: {error}") from None
        kid = jwk.get("kid") or public.thumbprint()
        found[kid] = public
    return found


def _root(path: Path) -> x509.Certificate:
    try:
        return x509.load_pem_x509_certificate(path.read_bytes())
    except (OSError, ValueError) as error:
        raise TrustRegistryInvalid(f"root certificate {path}: cannot be read: {error}") from None


def _read_json(path: Path, where: str) -> object:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise TrustRegistryInvalid(f"{where}: key file {path} cannot be read: {error}") from None
