"""The one loader of document templates: JSON files an office can change without code, in
`resources/templates/` (`agreement.json`, `handover.json`, `receipt.json`, `group_summary.json`,
`certificate.json`, `certificate_portrait.json`).

For the aid papers an office's own copy in `<config folder>/templates/<name>.json` wins over the shipped
one, so an update never overwrites the office's wording; a certificate template is the shipped one named
in the certificate settings or the office's own file chosen there (services/training/certificates.py).
Texts are Python format strings over named fields (`{amount}`, `{amount_words}`, `{programme}` ...); a
misspelt field is reported by name instead of printing a half-filled document.
"""

from __future__ import annotations

import dataclasses
import json
import re
import string
from pathlib import Path
from typing import Any

from kaltim_desk.config import config_dir, resource
from kaltim_desk.core.errors import DomainError
from kaltim_desk.documents.model import CertificateTemplate

TEMPLATE_NAMES = ("agreement", "handover", "receipt", "group_summary")
REQUIRED = {
    "agreement": ("title", "subtitle", "opening", "preamble", "articles", "signatories"),
    "handover": ("title", "subtitle", "opening", "statement", "closing", "signatories"),
    "receipt": ("title", "received_from", "purpose", "signatories"),
    "group_summary": ("title", "signatories"),
}


def template_path(name: str) -> Path:
    """The file used for template `name`: the office's copy if there is one, else the shipped one."""
    own = config_dir() / "templates" / f"{name}.json"
    return own if own.is_file() else resource("templates", f"{name}.json")


def load_template(name: str, path: Path | None = None) -> dict[str, Any]:
    """Read and check a template; a broken file is a clear Indonesian error naming the file."""
    if name not in REQUIRED:
        raise DomainError("template_unknown", f"Templat dokumen tidak dikenal: {name}.")
    path = path or template_path(name)
    data = _read(path, "Berkas templat", field=None)
    missing = [k for k in REQUIRED[name] if k not in data]
    if missing:
        raise DomainError("template_invalid", f"Berkas templat {path} tidak memuat: {', '.join(missing)}.")
    return data


def _read(path: Path, what: str, *, field: str | None) -> dict[str, Any]:
    """The JSON object in `path`; a missing, unreadable or non-object file is refused naming the file."""
    try:
        data = json.loads(path.read_text("utf-8"))
    except FileNotFoundError as exc:
        raise DomainError("template_missing", f"{what} tidak ditemukan: {path}.", field=field) from exc
    except (OSError, ValueError) as exc:
        raise DomainError(
            "template_invalid", f"{what} {path} bukan JSON yang sah: {exc}.", field=field
        ) from exc
    if not isinstance(data, dict):
        raise DomainError("template_invalid", f"{what} {path} harus berupa objek JSON.", field=field)
    return data


# The fields a certificate's texts may use.
CERTIFICATE_FIELDS = (
    "training_title",
    "organiser",
    "place",
    "dates",
    "hours",
    "result",
    "number",
    "city",
    "agency_name",
)


def certificate_template_path(name: str = "", own_file: str = "") -> Path:
    """The certificate template file: the office's own file if one is chosen, else the shipped one named."""
    return Path(own_file) if own_file else resource("templates", f"{name or 'certificate'}.json")


def load_certificate_template(path: Path) -> CertificateTemplate:
    """Read and check a certificate template; a bad file is refused with a message naming the field.
    Printing on pre-printed blanks (`preprinted`, `positions`) is the settings' decision, not the file's."""
    data = _read(path, "Templat sertifikat", field="template")
    names = {f.name: f for f in dataclasses.fields(CertificateTemplate)}
    values: dict[str, Any] = {}
    for key, value in data.items():
        if key.startswith("_") or key not in names or key in ("preprinted", "positions"):
            continue  # comments, keys of newer versions, and what the settings decide
        default = names[key].default
        if isinstance(default, bool) != isinstance(value, bool) or not isinstance(value, type(default)):
            raise DomainError(
                "template_invalid",
                f"Templat sertifikat: isian '{key}' harus bertipe {type(default).__name__}.",
                field=key,
            )
        values[key] = value
    tpl = CertificateTemplate(**values)
    if tpl.orientation not in ("landscape", "portrait"):
        raise DomainError(
            "template_invalid",
            "Templat sertifikat: 'orientation' harus landscape atau portrait.",
            field="orientation",
        )
    dummy = {k: "x" for k in CERTIFICATE_FIELDS}
    for key in ("title", "subtitle", "given_to", "body", "result", "copy_mark", "qr_caption"):
        try:
            getattr(tpl, key).format(**dummy)
        except (KeyError, IndexError, ValueError) as exc:
            raise DomainError(
                "template_invalid",
                f"Templat sertifikat: isian '{key}' memakai penanda tidak dikenal ({exc}).",
                field=key,
            ) from exc
    if not re.fullmatch(r"#[0-9a-fA-F]{6}", tpl.border_color):
        raise DomainError(
            "template_invalid",
            "Templat sertifikat: 'border_color' harus seperti #1f4e79.",
            field="border_color",
        )
    return tpl


def fill(text: str, values: dict[str, Any], *, template: str = "") -> str:
    """Fill `{field}`s of `text` from `values`; an unknown field names itself in the error."""
    for _literal, field, _spec, _conv in string.Formatter().parse(text):
        if field is not None and field not in values:
            where = f" pada templat {template}" if template else ""
            raise DomainError(
                "template_field", f"Isian {{{field}}}{where} tidak dikenal. Periksa ejaan isian templat."
            )
    try:
        return text.format_map(values)
    except (ValueError, IndexError) as exc:
        raise DomainError("template_invalid", f"Teks templat tidak sah: {text[:60]}… ({exc}).") from exc
