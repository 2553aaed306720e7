"""The frozen program's entry point: the same `main` as the `kaltim-desk` script and `python -m`."""

from kaltim_desk.cli import main

raise SystemExit(main())
