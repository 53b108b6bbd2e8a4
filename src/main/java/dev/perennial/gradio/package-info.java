/**
 * Gradio's HTTP API as the official clients ({@code @gradio/client} on npm, Python's {@code gradio_client}) use it:
 * an app's config and API description, uploads and FileData references, the queue with its per-session event
 * stream (protocol sse_v3), the heartbeat stream and the curl API. An app is inputs, outputs and a handler; what the
 * handler computes is the caller's (serve wires the pipelines and the language models in). Sources: gradio-app/gradio
 * at 375335e, {@code gradio/routes.py}, {@code gradio/server_messages.py}, {@code client/js/src}.
 */
package dev.perennial.gradio;
