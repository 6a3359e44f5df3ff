"""Every model module, imported once so the shared MetaData knows all tables."""

from madoguchi.backoffice import staff_models  # noqa: F401
from madoguchi.db.base import Base
from madoguchi.identity import card_models, oidc_models  # noqa: F401
from madoguchi.intake import application_models, delivery_models  # noqa: F401
from madoguchi.registry import access_models  # noqa: F401
from madoguchi.registry import models as registry_models  # noqa: F401
from madoguchi.web import session_models  # noqa: F401

metadata = Base.metadata
