"""The campaign website and the organizer dashboard: server-rendered pages on the same API.

Pages are rendered from the services the public API serializes (through the API's own
schemas), so a page says what the JSON says. Their scripts (static/site) call the public
and organizer APIs exactly as a front end on another origin would, at ``SITE_API_BASE``.

The words and languages the site shares with the embed widgets (which the API serves) live
here too, in ``widget`` and ``widget_advocacy``.
"""
