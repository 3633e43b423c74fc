"""The smallest server on Lowcraft's stack: the floor `bench/startup.py` measures Lowcraft against.

FastAPI with one pydantic response model, SQLAlchemy's ORM with one mapped table on a SQLite file,
served by uvicorn the way `lowcraft serve` runs it. Ready means the same as Lowcraft's
`/api/v1/ready`: a query through an ORM session answered. Nothing an application adds (settings,
migrations, routes, logging) is here, so its start-up time and idle memory are what any server
built on these libraries pays before its first line of application code.

    python bench/floor_server.py PORT DATA_DIR
"""

from __future__ import annotations

import sys

import uvicorn
from fastapi import FastAPI
from pydantic import BaseModel
from sqlalchemy import String, create_engine, select
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column


class Base(DeclarativeBase):
    pass


class Item(Base):
    __tablename__ = "items"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))


class Readiness(BaseModel):
    status: str


def create_app(data_dir: str) -> FastAPI:
    engine = create_engine(f"sqlite:///{data_dir}/floor.db")
    Base.metadata.create_all(engine)
    app = FastAPI()

    @app.get("/api/v1/ready", response_model=Readiness)
    def ready() -> Readiness:
        with Session(engine) as session:
            session.execute(select(Item.id).limit(1)).all()
        return Readiness(status="ready")

    return app


if __name__ == "__main__":
    port, data_dir = int(sys.argv[1]), sys.argv[2]
    uvicorn.run(create_app(data_dir), host="127.0.0.1", port=port, log_level="warning", ws="none")
