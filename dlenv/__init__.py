"""dlenv: measure what a deep-learning environment is made of and how fast each part is.

Importing this package never imports a framework (tensorflow, jax, torch, keras):
the Streamlit process and the command line's argument checks stay light. Frameworks
are imported only inside ``dlenv.measure.backends.<name>`` functions, in the process that
measures.
"""

__version__ = "0.1.0"
