"""The tools built on both parties: live checks, scenarios, fixes, the demo (the CLI and the audit sit beside)."""
