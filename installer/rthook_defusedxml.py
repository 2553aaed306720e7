"""PyInstaller runtime hook: stop at start-up, with a readable message, if the bundle lacks defusedxml.

openpyxl parses workbooks (which come from outside the office) safely only through defusedxml; a build
without it must not reach an office PC unnoticed.
"""

import sys

try:
    import defusedxml.ElementTree  # noqa: F401
except ImportError:
    message = (
        "Kaltim Desk: komponen defusedxml tidak ada dalam instalasi ini. Pasang ulang Kaltim Desk "
        "atau hubungi petugas TI."
    )
    if sys.platform == "win32":
        import ctypes

        ctypes.windll.user32.MessageBoxW(None, message, "Kaltim Desk", 0x10)
    else:
        sys.stderr.write(message + "\n")
    raise SystemExit(3) from None
