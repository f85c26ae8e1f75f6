"""``python -m tradestat``: the same command line as the ``tradestat`` script."""

from tradestat.cli import main

if __name__ == "__main__":
    main()
