package dev.perennial.http;

import io.javalin.http.Context;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * A server-sent-events response (text/event-stream): each event is written and flushed at once. Writing to a
 * client that has gone away fails, and that failure is how a producer (generation, tailing a file, a queue) learns to stop:
 * {@link #send} returns false from then on.
 */
public final class SseStream {

    private final OutputStream out;
    private boolean open = true;

    public SseStream(Context ctx) {
        ctx.status(200);
        ctx.res().setContentType("text/event-stream; charset=utf-8");
        ctx.res().setHeader("Cache-Control", "no-cache");
        ctx.res().setHeader("X-Accel-Buffering", "no");
        try {
            this.out = ctx.res().getOutputStream();
            out.flush(); // commit the headers now, so the client sees the stream start
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Sends one event ({@code name} may be null for the default "message"); false once the client is gone. */
    public boolean send(String name, String data) {
        StringBuilder event = new StringBuilder();
        if (name != null) {
            event.append("event: ").append(name).append('\n');
        }
        for (String line : data.split("\n", -1)) {
            event.append("data: ").append(line).append('\n');
        }
        return write(event.append('\n').toString());
    }

    /** A comment line, which clients ignore: keeps idle connections alive and finds closed ones. */
    public boolean ping() {
        return write(": ping\n\n");
    }

    public boolean open() {
        return open;
    }

    private boolean write(String text) {
        if (!open) {
            return false;
        }
        try {
            out.write(text.getBytes(StandardCharsets.UTF_8));
            out.flush();
            return true;
        } catch (IOException e) {
            open = false;
            return false;
        }
    }
}
