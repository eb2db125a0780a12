"""The measuring side: workload specs, timing, programs, one module per Keras backend, devices and peaks.

What runs inside a worker process. Importing this package imports no framework."""
