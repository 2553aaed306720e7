"""Printing certificates on pre-printed blanks (offices that buy printed certificate paper): where each
variable field goes, in millimetres from the page's left and top edges, as the shipped defaults per
orientation with the office's own measurements (`CertificateSettings.preprinted_positions`) over them,
and the text form the settings field shows ("name=150,95; qr=25,150")."""

from __future__ import annotations

from typing import Any

from kaltim_desk.core.errors import DomainError

# Where each variable field goes on a pre-printed blank, in mm from the left and top edges of the page;
# text fields are centred on x (the date and signatory on their block's centre), "qr" is its top-left.
PREPRINTED_DEFAULTS: dict[str, dict[str, tuple[float, float]]] = {
    "landscape": {
        "number": (148.5, 62.0),
        "name": (148.5, 92.0),
        "ident": (148.5, 101.0),
        "body": (148.5, 112.0),
        "result": (148.5, 138.0),
        "place_date": (230.0, 152.0),
        "signatory": (230.0, 180.0),
        "qr": (25.0, 150.0),
    },
    "portrait": {
        "number": (105.0, 95.0),
        "name": (105.0, 128.0),
        "ident": (105.0, 137.0),
        "body": (105.0, 150.0),
        "result": (105.0, 185.0),
        "place_date": (150.0, 205.0),
        "signatory": (150.0, 240.0),
        "qr": (20.0, 215.0),
    },
}


def parse_positions(text: str) -> dict[str, list[float]]:
    """The office's positions as typed: "name=150,95; qr=25,150" (mm from the left and top edges).
    A typo is refused naming the part and the fields that exist."""
    out: dict[str, list[float]] = {}
    known = PREPRINTED_DEFAULTS["landscape"]
    for part in (p.strip() for p in text.replace("\n", ";").split(";")):
        if not part:
            continue
        key, sep, value = part.partition("=")
        key = key.strip()
        try:
            x, y = (float(v.replace(" ", "")) for v in value.split(","))
        except ValueError:
            x = y = -1.0
        if not sep or key not in known or not (0 <= x <= 297 and 0 <= y <= 297):
            raise DomainError(
                "position_invalid",
                f"Posisi blangko '{part}' tidak sah: tulis isian=kiri,atas dalam mm (mis. name=150,95); "
                f"isian yang dikenal: {', '.join(known)}.",
                field="preprinted_positions",
            )
        out[key] = [x, y]
    return out


def format_positions(positions: dict[str, Any]) -> str:
    """`parse_positions`' text for stored positions (for the settings field)."""
    return "; ".join(f"{k}={v[0]:g},{v[1]:g}" for k, v in positions.items())


def preprinted_positions(
    orientation: str, overrides: dict[str, Any] | None = None
) -> tuple[tuple[str, float, float], ...]:
    """The positions for this orientation: defaults, replaced field by field by the office's own."""
    merged = dict(PREPRINTED_DEFAULTS.get(orientation, PREPRINTED_DEFAULTS["landscape"]))
    for key, value in (overrides or {}).items():
        if key in merged and isinstance(value, list | tuple) and len(value) == 2:
            merged[key] = (float(value[0]), float(value[1]))
    return tuple((k, x, y) for k, (x, y) in merged.items())
