"""Forms of the directory screens, one module per part."""
