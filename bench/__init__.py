"""The benchmark of NFR-1: data generator, load runner and results (``make bench``)."""
