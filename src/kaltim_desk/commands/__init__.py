"""Subcommands of `kaltim-desk`, one module per feature (see `kaltim_desk.cli.COMMAND_MODULES`)."""
