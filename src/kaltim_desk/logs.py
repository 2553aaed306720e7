"""Logging to a rotating file in the per-user data folder: where tracebacks go instead of a clerk's screen."""

from __future__ import annotations

import logging
import logging.handlers
from pathlib import Path

from kaltim_desk.config import data_dir

_configured = False


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
        except OSError:
            handler = logging.NullHandler()
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        root = logging.getLogger()
        root.addHandler(handler)
        root.setLevel(level)
        _configured = True
    return path
