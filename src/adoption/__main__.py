"""`python -m adoption` runs the command line."""

from adoption.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
