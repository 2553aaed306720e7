"""Demo office: a NIK key of its own (random, made for this demo office only), so its BNBA exports carry
the `KUNCI NIK` fingerprint the way an office holding the province's key does."""

from __future__ import annotations

from typing import Any

from kaltim_desk.exports import masking
from kaltim_desk.services.excel import exports


def populate(ctx: Any) -> None:
    exports.install_nik_key(ctx.session, masking.key_file_text(masking.new_key(), "Kantor demo"))
