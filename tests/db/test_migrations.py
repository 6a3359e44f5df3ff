from sqlalchemy import Engine, inspect

from madoguchi.db.base import Base
from madoguchi.db.migrate import downgrade, upgrade


def test_migrations_create_every_model_table(engine: Engine) -> None:
    tables = set(inspect(engine).get_table_names())
    assert set(Base.metadata.tables) <= tables


def test_migrations_downgrade_to_nothing_and_back(clean_engine: Engine) -> None:
    downgrade(clean_engine, "base")
    assert set(inspect(clean_engine).get_table_names()) <= {"alembic_version"}
    upgrade(clean_engine)
    assert set(Base.metadata.tables) <= set(inspect(clean_engine).get_table_names())
