package dev.perennial.tokenizer;

import dev.perennial.io.Hashing;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * UTF-8 bytes as ids 0–255, and 256 as end of text: the tokenizer of tiny models and tests. It is exactly a
 * byte-level BPE without merges, so it is written to model folders as a standard tokenizer.json, and its hash is
 * that file's: a model trained on byte-tokenized corpora agrees with the tokenizer saved beside it.
 */
public final class ByteTokenizer implements Tokenizer {

    public static final String NAME = "byte";
    public static final int EOS = 256;
    private static final BpeTrainer.Model AS_BPE = new BpeTrainer(EOS + 1).train();
    private static final String HASH = Hashing.sha256(TokenizerFiles.tokenizerJson(AS_BPE));

    /** Writes this tokenizer as tokenizer.json and tokenizer_config.json into {@code dir}. */
    public static void writeFiles(Path dir) {
        TokenizerFiles.write(AS_BPE, dir);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String hash() {
        return HASH;
    }

    @Override
    public int vocabSize() {
        return EOS + 1;
    }

    @Override
    public int eosId() {
        return EOS;
    }

    @Override
    public int[] encode(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        int[] ids = new int[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            ids[i] = bytes[i] & 0xff;
        }
        return ids;
    }

    @Override
    public String decode(int[] ids) {
        byte[] bytes = new byte[ids.length];
        int n = 0;
        for (int id : ids) {
            if (id >= 0 && id < EOS) {
                bytes[n++] = (byte) id;
            }
        }
        return new String(bytes, 0, n, StandardCharsets.UTF_8);
    }
}
