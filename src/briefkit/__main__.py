"""`python -m briefkit`: the same as the `briefkit` command."""

from .cli import main

main()
