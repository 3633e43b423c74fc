"""The names `lowcraft.bindings` exports are its contract with the server and the CLI."""

from __future__ import annotations

from lowcraft import bindings
from lowcraft.errors import LowcraftError


def test_every_exported_name_exists_and_nothing_else_is_promised() -> None:
    assert sorted(bindings.__all__) == sorted(set(bindings.__all__))
    for name in bindings.__all__:
        assert hasattr(bindings, name), name


def test_errors_form_one_hierarchy_mapped_by_the_http_edge() -> None:
    errors = [
        bindings.AmbiguousNameError,
        bindings.InvalidDocumentError,
        bindings.InvalidNameError,
        bindings.NameTakenError,
        bindings.RenameConflictError,
        bindings.UnknownEntityError,
    ]
    for error in errors:
        assert issubclass(error, bindings.BindingError)
        assert issubclass(error, LowcraftError)
        assert error.__doc__
    assert len({e.code for e in errors}) == len(errors)
