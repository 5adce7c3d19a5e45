"""``python -m clause_kit`` runs the command-line interface."""

from clause_kit.lancement import main

main()
