package dev.perennial.gradio;

import io.javalin.http.Context;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * A text/event-stream response for the Gradio streams; each event is flushed at once. A write to a client that
 * has gone away fails, and {@link #send} says so by returning false.
 */
final class EventStream {

    private final OutputStream out;

    EventStream(Context ctx) {
        ctx.status(200);
        ctx.res().setContentType("text/event-stream; charset=utf-8");
        ctx.res().setHeader("Cache-Control", "no-cache");
        ctx.res().setHeader("X-Accel-Buffering", "no");
        try {
            out = ctx.res().getOutputStream();
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code event: NAME} (when not null) and one {@code data:} line; false once the client is gone. */
    boolean send(String name, String data) {
        String event = (name == null ? "" : "event: " + name + "\n") + "data: " + data + "\n\n";
        try {
            out.write(event.getBytes(StandardCharsets.UTF_8));
            out.flush();
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
