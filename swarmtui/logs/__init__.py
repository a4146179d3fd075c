"""Live logs, UI-free: line model, stream parsing, reordering, ring buffer, search, de-dup."""
