"""Budgets: limits per scope and period, reservations the gateway holds while a call runs."""
