"""The serving side: plans, the runner (one queue, one machine-wide lock, warm workers, cancel), limits and the worker process."""
