"""Allow `python -m paperfeed`."""

from paperfeed.cli.main import main

main()
