"""Flask commands, one module per group; ``register`` adds them all to an app's CLI.

Services never commit: each command commits what it asked of them, once, or as it goes
where it is a loop that must keep what it has done (the worker after each delivery, the
bulk loader after each batch). ``db`` (migrations) comes from Flask-Migrate, registered with
the extensions.
"""

from flask import Flask

from campaign.commands.people import people_group
from campaign.commands.retention import retention_group
from campaign.commands.seed import seed_command
from campaign.commands.signatures import signatures_group
from campaign.commands.tallies import tallies_group
from campaign.commands.targets import targets_group
from campaign.commands.tokens import tokens_group
from campaign.commands.worker import worker_command

COMMANDS = (
    seed_command,
    tokens_group,
    tallies_group,
    signatures_group,
    worker_command,
    people_group,
    retention_group,
    targets_group,
)


def register(app: Flask) -> None:
    """Add every command to ``flask --app wsgi ...``."""
    for command in COMMANDS:
        app.cli.add_command(command)
