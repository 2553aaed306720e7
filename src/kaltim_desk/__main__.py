"""`python -m kaltim_desk` runs the same entry point as the `kaltim-desk` script."""

from __future__ import annotations

from kaltim_desk.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
