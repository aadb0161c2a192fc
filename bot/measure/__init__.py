"""Measurement: retrieval evaluation on gold questions, its output, the benchmark and the
synthetic corpora it runs on. Imported by `essaybot eval`/`bench` and docs/retrieval_report.py."""
