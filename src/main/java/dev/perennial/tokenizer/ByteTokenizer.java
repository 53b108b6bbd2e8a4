package dev.perennial.tokenizer;

import dev.perennial.io.Hashing;

import java.nio.charset.StandardCharsets;

/** UTF-8 bytes as ids 0–255, and 256 as end of text: the tokenizer of tiny models and tests. */
public final class ByteTokenizer implements Tokenizer {

    public static final String NAME = "byte";
    public static final int EOS = 256;
    private static final String DEFINITION = "perennial byte tokenizer v1: ids 0-255 are UTF-8 bytes, 256 is <|endoftext|>";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String hash() {
        return Hashing.sha256(DEFINITION.getBytes(StandardCharsets.UTF_8));
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
