package dev.perennial.data;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Lines of a byte stream, each decoded strictly as UTF-8 on its own, so that invalid bytes are reported at
 * their exact line and the lines after them are still read.
 */
final class Utf8Lines {

    /** Receives each line; {@code text} is null when the line is not valid UTF-8. */
    interface Handler {
        void line(long number, String text) throws IOException;
    }

    private Utf8Lines() {
    }

    static void read(InputStream in, Handler handler) throws IOException {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        byte[] buffer = new byte[1 << 16];
        byte[] line = new byte[256];
        int length = 0;
        long number = 0;
        for (int n; (n = in.read(buffer)) > 0; ) {
            for (int i = 0; i < n; i++) {
                byte b = buffer[i];
                if (b == '\n') {
                    handler.line(++number, decode(decoder, line, length));
                    length = 0;
                } else {
                    if (length == line.length) {
                        line = Arrays.copyOf(line, line.length * 2);
                    }
                    line[length++] = b;
                }
            }
        }
        if (length > 0) {
            handler.line(++number, decode(decoder, line, length));
        }
    }

    private static String decode(CharsetDecoder decoder, byte[] bytes, int length) {
        int end = length > 0 && bytes[length - 1] == '\r' ? length - 1 : length;
        try {
            return decoder.decode(ByteBuffer.wrap(bytes, 0, end)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }
}
