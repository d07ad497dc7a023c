"""Pure-pandas analytics of the OKR dashboard: progress, status, roll-ups and ARR."""
