"""`python -m briefkit`: the same as the `briefkit` command."""

from .command import run

if __name__ == "__main__":  # not when a spawned worker re-imports the main module
    run()
