from tests.accounts.support import session_settings, start

__all__ = ["session_settings", "start"]
