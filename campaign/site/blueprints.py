"""The website's blueprints, registered on the app by create_app()."""

from flask import Flask

from campaign.site import dashboard, pages, web


def register(app: Flask) -> None:
    app.register_blueprint(web.assets)
    app.register_blueprint(pages.bp)
    app.register_blueprint(dashboard.bp)
