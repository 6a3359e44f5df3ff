"""Every model module, imported once so the shared MetaData knows all tables."""

from madoguchi.db.base import Base
from madoguchi.intake import delivery_models  # noqa: F401
from madoguchi.registry import access_models  # noqa: F401
from madoguchi.registry import models as registry_models  # noqa: F401

metadata = Base.metadata
