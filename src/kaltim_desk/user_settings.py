"""Per-user preferences (language, window geometry, last page, last folders) in a JSON file in the
platformdirs config folder; one typed object with declared defaults. Office-wide settings live in the
database (`kaltim_desk.core.settings`)."""

from __future__ import annotations

import dataclasses
import json
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from kaltim_desk.config import config_dir


@dataclass
class UserSettings:
    language: str = "id"
    last_page: str = "people"
    window_geometry: str = ""  # base64 of QWidget.saveGeometry()
    last_database: str = ""
    last_folder: str = ""
    idle_lock_minutes: int = 15
    extra: dict[str, str] = field(default_factory=dict)

    path: Path | None = field(default=None, repr=False, compare=False)

    @classmethod
    def load(cls, path: Path | None = None) -> UserSettings:
        path = path or config_dir() / "settings.json"
        data: dict[str, object] = {}
        try:
            data = json.loads(path.read_text("utf-8"))
        except (OSError, ValueError):
            data = {}
        names = {f.name for f in dataclasses.fields(cls)} - {"path"}
        obj = cls(**{k: v for k, v in data.items() if k in names})  # type: ignore[arg-type]
        obj.path = path
        return obj

    def save(self) -> None:
        """Write atomically, so a crash never leaves a half-written settings file."""
        if self.path is None:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        data = {k: v for k, v in dataclasses.asdict(self).items() if k != "path"}
        fd, tmp = tempfile.mkstemp(dir=self.path.parent, suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(data, fh, ensure_ascii=False, indent=2)
        os.replace(tmp, self.path)
