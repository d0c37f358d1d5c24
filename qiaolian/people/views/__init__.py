"""Pages of the people app, one module per feature (people, associations, …)."""
