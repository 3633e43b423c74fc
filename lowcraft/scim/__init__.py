"""SCIM 2.0 provisioning at /scim/v2: identity providers create, update and deactivate users and groups.

The protocol modules (scim2-models' resources) load with the first request to `/scim/v2` or to
the admin routes, not at start-up: their models cost more start-up time than the rest of the
server's routes together.
"""

SCIM_PREFIX = "/scim/v2"
