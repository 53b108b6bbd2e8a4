/**
 * A Hugging Face Space that serves Perennial's Gradio apps: the folder {@code perennial space init} writes (the
 * Space's README with its metadata, a Dockerfile that builds Perennial from a copy of its sources, the apps file and
 * the start script that downloads the models into the Hub cache and starts {@code perennial serve}). Sources: the
 * Spaces configuration reference (huggingface.co/docs/hub/spaces-config-reference) and the Docker Spaces guide
 * (huggingface.co/docs/hub/spaces-sdks-docker).
 */
package dev.perennial.space;
