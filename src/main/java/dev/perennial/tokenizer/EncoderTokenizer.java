package dev.perennial.tokenizer;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.fasterxml.jackson.databind.JsonNode;
import dev.perennial.UserError;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * A model folder's tokenizer.json as an encoder model (BERT, CLIP's text tower) is fed: the special tokens its
 * post-processor adds ([CLS] … [SEP], {@code <|startoftext|>} … {@code <|endoftext|>}), truncation to the model's
 * length with room kept for them (the Rust tokenizers' own truncation, as transformers calls it with
 * {@code truncation=True, max_length=N}), and a batch padded on the right with the pad token of
 * tokenizer_config.json, with attention masks and token type ids, like transformers' {@code padding=True}.
 */
public final class EncoderTokenizer implements AutoCloseable {

    /**
     * A padded batch, row-major [size, length]: ids, token type ids and the attention mask (1 for a real token, 0
     * for padding); {@code tokens[i]} is row i's count of real tokens.
     */
    public record Batch(int size, int length, long[] ids, long[] typeIds, long[] mask, int[] tokens) {

        /** Real tokens over the whole batch (what an API reports as usage). */
        public long totalTokens() {
            long total = 0;
            for (int t : tokens) {
                total += t;
            }
            return total;
        }
    }

    private final HuggingFaceTokenizer rust;
    private final int maxLength;
    private final long padId;

    private EncoderTokenizer(HuggingFaceTokenizer rust, int maxLength, long padId) {
        this.rust = rust;
        this.maxLength = maxLength;
        this.padId = padId;
    }

    /** The tokenizer of model folder {@code dir}, truncating to {@code maxLength} tokens, special ones included. */
    public static EncoderTokenizer load(Path dir, int maxLength) {
        if (maxLength < 2) {
            throw new IllegalArgumentException("maxLength " + maxLength + " leaves no room for text");
        }
        Path file = dir.resolve("tokenizer.json");
        if (!Files.isRegularFile(file)) {
            throw new UserError(dir + ": no tokenizer.json; Perennial reads Hugging Face fast tokenizers (download the "
                    + "model's tokenizer.json with it)");
        }
        byte[] bytes = HfTokenizer.readBytes(file);
        long padId = padId(HfTokenizer.parse(file, bytes), dir.resolve("tokenizer_config.json"));
        Map<String, String> options = Map.of("addSpecialTokens", "true", "truncation", "true", "padding", "false",
                "maxLength", Integer.toString(maxLength), "modelMaxLength", Integer.toString(maxLength));
        return new EncoderTokenizer(HfTokenizer.rust(file, bytes, options), maxLength, padId);
    }

    /** tokenizer.json's own padding id, else tokenizer_config.json's pad_token; an error if neither names one. */
    private static long padId(JsonNode json, Path config) {
        JsonNode padding = json.path("padding");
        if (padding.has("pad_id")) {
            return padding.get("pad_id").asLong();
        }
        String pad = HfTokenizer.configToken(config, "pad_token");
        int id = pad == null ? -1 : HfTokenizer.tokenId(json, pad);
        if (id < 0) {
            throw new UserError(config + ": names no pad_token that tokenizer.json has (" + pad + "); a batch of "
                    + "texts needs one to pad shorter texts");
        }
        return id;
    }

    public int maxLength() {
        return maxLength;
    }

    /** {@code texts} tokenized and padded to the longest of them. */
    public Batch encode(List<String> texts) {
        if (texts.isEmpty()) {
            throw new IllegalArgumentException("no texts to encode");
        }
        Encoding[] encodings = rust.batchEncode(texts, true, false);
        int length = 0;
        for (Encoding e : encodings) {
            length = Math.max(length, e.getIds().length);
        }
        int size = encodings.length;
        long[] ids = new long[size * length];
        long[] typeIds = new long[size * length];
        long[] mask = new long[size * length];
        int[] tokens = new int[size];
        Arrays.fill(ids, padId);
        for (int i = 0; i < size; i++) {
            long[] row = encodings[i].getIds();
            System.arraycopy(row, 0, ids, i * length, row.length);
            System.arraycopy(encodings[i].getTypeIds(), 0, typeIds, i * length, row.length);
            Arrays.fill(mask, i * length, i * length + row.length, 1L);
            tokens[i] = row.length;
        }
        return new Batch(size, length, ids, typeIds, mask, tokens);
    }

    @Override
    public void close() {
        rust.close();
    }
}
