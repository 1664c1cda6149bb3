"""Flask extensions, instantiated here and configured in create_app().

The database object lives with the models (campaign.models.base) and the rate limiter with
the rate-limit package (campaign.ratelimit), so that neither pulls in the web stack.
"""

from flask_cors import CORS
from flask_migrate import Migrate

from campaign.errors import ProblemApi

migrate = Migrate()
rest_api = ProblemApi()
cors = CORS()
