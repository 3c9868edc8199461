"""wizard: a decision-tree wizard that ends with a sequenced ICD-10-CM code set."""

__version__ = "0.1.0"
