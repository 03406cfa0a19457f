"""Training, export and golden outputs of the project's own synth-* models (see scripts/train_models.py)."""
