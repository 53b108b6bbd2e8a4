package dev.perennial.tokenizer;

import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * GPT-2's byte-level alphabet and pre-tokenizer, as Hugging Face tokenizers' {@code ByteLevel} implements them:
 * every byte maps to a printable character (bytes_to_unicode), and text is split by GPT-2's regex first.
 */
final class ByteLevel {

    /** GPT-2's pre-tokenization pattern (the {@code use_regex: true} split of ByteLevel). */
    static final Pattern SPLIT = Pattern.compile(
            "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+");

    private static final char[] BYTE_TO_CHAR = byteToChar();

    private ByteLevel() {
    }

    /** The printable character standing for byte {@code b} (0–255). */
    static char charOf(int b) {
        return BYTE_TO_CHAR[b];
    }

    /** The byte-level string of a piece of text: one character per UTF-8 byte. */
    static String map(String piece) {
        byte[] bytes = piece.getBytes(StandardCharsets.UTF_8);
        char[] chars = new char[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            chars[i] = BYTE_TO_CHAR[bytes[i] & 0xff];
        }
        return new String(chars);
    }

    static Matcher pieces(String text) {
        return SPLIT.matcher(text);
    }

    /** bytes_to_unicode from GPT-2's encoder.py: printable bytes map to themselves, the rest to 256, 257, ... */
    private static char[] byteToChar() {
        char[] table = new char[256];
        int next = 256;
        for (int b = 0; b < 256; b++) {
            boolean printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
            table[b] = (char) (printable ? b : next++);
        }
        return table;
    }
}
