/**
 * Tasks over open models, keyed by the Hugging Face Hub's {@code pipeline_tag} names: each task is processors (text,
 * image), an encoder model and post-processing, with typed inputs and outputs. See README.md, "Pipelines".
 */
package dev.perennial.pipeline;
