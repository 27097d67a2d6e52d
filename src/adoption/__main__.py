"""`python -m adoption` runs the command line."""

from adoption.cli import main

raise SystemExit(main())
