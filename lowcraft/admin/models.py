"""Instance settings saved in the store: one row per setting, its value as JSON. The table is the
identity layer's (`lowcraft.identity.models.InstanceSetting`), shared with sign-in and 2FA."""

from lowcraft.identity.models import InstanceSetting

__all__ = ["InstanceSetting"]
