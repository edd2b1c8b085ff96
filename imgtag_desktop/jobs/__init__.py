"""Qt glue for long work: workers on their own threads (the only place threads are started)."""
