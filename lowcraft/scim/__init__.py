"""SCIM 2.0 provisioning at /scim/v2: identity providers create, update and deactivate users and groups."""
