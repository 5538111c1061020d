"""Prompts for hf: model backends, installed as the package data `digest.prompts`."""
