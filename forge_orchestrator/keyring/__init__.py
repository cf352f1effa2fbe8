"""Secret storage: the OS keyring or an AES-GCM encrypted table; write-only over HTTP."""
