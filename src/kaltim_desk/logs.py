"""Logging to a rotating file in the per-user data folder: where tracebacks go instead of a clerk's screen.

The log holds no personal data (issue 17, finding 6). Engines never put SQL parameters into their errors
(`hide_parameters=True`, db.py); what can still carry a person's data is scrubbed from every line before it
is written (`scrub`): 16-digit numbers (NIK, KK) are masked like everywhere else, PostgreSQL's
"Failing row contains (...)" and "Key (nik)=(...)" details lose their values, and any SQLAlchemy
"[parameters: ...]" block is dropped. A test drives every error path and searches the file
(tests/unit/test_log_privacy.py).
"""

from __future__ import annotations

import logging
import logging.handlers
import os
import re
from pathlib import Path

from kaltim_desk.config import data_dir

_configured = False

_SCRUBS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"\[parameters: .*?\](?=\n|$)", re.S), "[parameters: disembunyikan]"),
    (re.compile(r"(Failing row contains )\(.*?\)(?=\.?\s*$)", re.M), r"\1(disembunyikan)"),
    (
        re.compile(r"(Key \([^)]*\))=\(.*?\)(?= already exists| is not present| conflicts|\.|\s*$)", re.M),
        r"\1=(disembunyikan)",
    ),
    (re.compile(r"(?<!\d)(\d{6})\d{6}(\d{4})(?!\d)"), r"\1******\2"),
    (re.compile(r"(?<![\d+])(\+?62|0)8\d{7,11}(?!\d)"), "[nomor telepon disembunyikan]"),
)


def scrub(text: str) -> str:
    """`text` without the personal data a database error or a value in a message may carry."""
    for pattern, replacement in _SCRUBS:
        text = pattern.sub(replacement, text)
    return text


class PrivacyFormatter(logging.Formatter):
    """Formats as usual (message, traceback), then scrubs the whole line."""

    def format(self, record: logging.LogRecord) -> str:
        return scrub(super().format(record))


def log_path() -> Path:
    return data_dir() / "logs" / "kaltim-desk.log"


def setup_logging(level: int = logging.INFO) -> Path:
    global _configured
    path = log_path()
    if not _configured:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            handler: logging.Handler = logging.handlers.RotatingFileHandler(
                path, maxBytes=2_000_000, backupCount=5, encoding="utf-8"
            )
            if os.name != "nt":
                os.chmod(path, 0o600)
        except OSError:
            handler = logging.NullHandler()
        handler.setFormatter(PrivacyFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        root = logging.getLogger()
        root.addHandler(handler)
        root.setLevel(level)
        _configured = True
    return path
