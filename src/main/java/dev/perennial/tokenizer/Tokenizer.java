package dev.perennial.tokenizer;

/**
 * Text to token ids and back. Every tokenizer has a content hash that is recorded wherever its tokens are
 * stored, so that tokens are never read with another tokenizer than the one that made them. Some hold native
 * memory: close them when done (try-with-resources).
 */
public interface Tokenizer extends AutoCloseable {

    /** A short human name ("byte", or the tokenizer file's folder). */
    String name();

    /** SHA-256 (hex) of the tokenizer's definition: its tokenizer.json bytes, or a fixed definition string. */
    String hash();

    /** One more than the largest id this tokenizer can produce. */
    int vocabSize();

    /** The end-of-text id placed between documents, or -1 when the tokenizer has none. */
    int eosId();

    /** The ids of {@code text}, with no special tokens added and no truncation. */
    int[] encode(String text);

    /** The beginning-of-text id that tokenizer_config.json names ({@code bos_token}), or -1 when none. */
    default int bosId() {
        return -1;
    }

    /**
     * The ids of {@code text} as the tokenizer's own call gives them (transformers' {@code tokenizer(text)}): with
     * the special tokens its post-processor adds, such as the BOS of Llama-family tokenizers. No truncation.
     */
    default int[] encodeWithSpecialTokens(String text) {
        return encode(text);
    }

    String decode(int[] ids);

    /** Frees what the tokenizer holds outside the Java heap; nothing by default. */
    @Override
    default void close() {
    }
}
