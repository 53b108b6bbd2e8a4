/**
 * Speech recognition with Whisper: its decoding (prompts, the logits processors of generation_whisper.py, greedy and
 * beam search), long-form chunking and merging, transcripts and their formats. See README.md, "Pipelines".
 */
package dev.perennial.speech;
