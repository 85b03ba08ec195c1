"""The dashboard's sessions pages (the list with costs, one session with its plot, the CSV, an
operator's close) and the reads behind them. The prices shown are billing's session prices."""
