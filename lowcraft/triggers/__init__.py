"""Workflow triggers: a webhook URL per workflow (a secret token, stored hashed), a cron schedule
claimed once per fire time across replicas, and the requests inbox apps read and resolve."""
