"""``python -m legday``: the same as the ``legday`` command."""

from legday.cli import main

main()
