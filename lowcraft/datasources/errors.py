"""Errors of the datasources domain."""

from lowcraft.errors import BadRequest, Conflict, NotFound, ValidationFailed


class DatasourceNotFound(NotFound):
    """No such datasource, or the caller may not see it."""

    code = "datasource_not_found"


class DatasourceInUse(Conflict):
    """Queries still use this datasource."""

    code = "datasource_in_use"


class UnknownEnvironment(ValidationFailed):
    """Environments are production, staging and development."""

    code = "unknown_environment"


class EnvironmentNotConfigured(BadRequest):
    """The datasource has no configuration for the requested environment."""

    code = "environment_not_configured"


class InvalidConfig(ValidationFailed):
    """The connection config does not fit the connector's schema."""

    code = "invalid_datasource_config"
