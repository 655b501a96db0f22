"""Settings split by purpose: base (shared), local (make run), production, test."""
