"""Document templates an office can change without code: JSON files in `resources/templates/`
(`agreement.json`, `handover.json`, `receipt.json`, `group_summary.json`).

An office's own copy in `<config folder>/templates/<name>.json` wins over the shipped one, so an update
never overwrites the office's wording. Texts are Python format strings over named fields
(`{amount}`, `{amount_words}`, `{programme}` ...); a misspelt field is reported by name instead of
printing a half-filled document.
"""

from __future__ import annotations

import json
import string
from pathlib import Path
from typing import Any

from kaltim_desk.config import config_dir, resource
from kaltim_desk.core.errors import DomainError

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
    try:
        data = json.loads(path.read_text("utf-8"))
    except FileNotFoundError as exc:
        raise DomainError("template_missing", f"Berkas templat {path} tidak ditemukan.") from exc
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise DomainError("template_invalid", f"Berkas templat {path} rusak: {exc}.") from exc
    if not isinstance(data, dict):
        raise DomainError("template_invalid", f"Berkas templat {path} harus berisi objek JSON.")
    missing = [k for k in REQUIRED[name] if k not in data]
    if missing:
        raise DomainError("template_invalid", f"Berkas templat {path} tidak memuat: {', '.join(missing)}.")
    return data


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
