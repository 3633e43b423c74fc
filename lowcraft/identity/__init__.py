"""Who a caller is: user accounts, login sessions, API tokens, password hashing, login throttling.

The lower half of accounts: the runtime, the request context and the HTTP edge stand on it, and
it stands on nothing above the store. Sign-up, login and the account routes are in `lowcraft.accounts`."""
