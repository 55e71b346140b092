"""``python -m corskit``: the same as the ``corskit`` command."""

from corskit.cli import main

if __name__ == "__main__":
    main()
