"""Fewer bytes on the wire: what the console writes to its terminal, rewritten to carry the
same screen in fewer escape codes (an SSH link to a jump host carries every byte)."""
