"""``python -m streams`` runs the backchannel CLI."""

from streams.cli import main

main()
