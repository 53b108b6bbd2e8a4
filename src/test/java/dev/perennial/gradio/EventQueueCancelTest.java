package dev.perennial.gradio;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Cancelling one call of a session (the clients' job cancel, POST gradio_api/cancel) on a real queue with one
 * worker, whose app streams partial outputs until it is told to stop.
 */
class EventQueueCancelTest {

    static final String SESSION = "s";

    final AtomicInteger stopped = new AtomicInteger();
    final CountDownLatch streaming = new CountDownLatch(1);
    FileStore files;
    EventQueue queue;

    /** Streams "tick" while its partial outputs are taken; with input "quick", answers at once. */
    final GradioApp app = new GradioApp("ticker", "ticker", "", "predict", List.of(Component.textbox("In", null,
            "x")), List.of(Component.textbox("Out", null, "x")), true, call -> {
        if (call.inputs().getFirst().asText().equals("quick")) {
            return List.of(TextNode.valueOf("done"));
        }
        while (call.partial(List.of(TextNode.valueOf("tick")))) {
            streaming.countDown();
            LockSupport.parkNanos(1_000_000); // a partial output a millisecond or so, not a flood
        }
        stopped.incrementAndGet();
        return List.of(TextNode.valueOf("too late"));
    });

    @BeforeEach
    void start() {
        files = new FileStore();
        queue = new EventQueue(files, 1, 8);
    }

    @AfterEach
    void stop() {
        queue.close();
        files.close();
    }

    String join(String input) {
        return queue.join(app, "http://localhost/apps/ticker", List.of(TextNode.valueOf(input)), SESSION, false);
    }

    /** The session's messages up to and including {@code eventId}'s completion (no message in 30 s: a failure). */
    List<ObjectNode> readUntilCompleted(String eventId) throws InterruptedException {
        List<ObjectNode> out = new ArrayList<>();
        EventQueue.Session session = queue.session(SESSION);
        while (true) {
            ObjectNode message = session.next(30_000);
            assertThat(message).as("a message within 30 s; so far " + out).isNotNull();
            out.add(message);
            if (message.path("msg").asText().equals(Messages.COMPLETED)
                    && message.path("event_id").asText().equals(eventId)) {
                return out;
            }
        }
    }

    static List<String> kinds(List<ObjectNode> messages, String eventId) {
        return messages.stream().filter(m -> m.path("event_id").asText().equals(eventId))
                .map(m -> m.path("msg").asText()).toList();
    }

    @Test
    void aRunningCallStopsAndItsSessionIsToldItCompletedWithNoOutput() throws Exception {
        String running = join("slow");
        assertThat(streaming.await(30, TimeUnit.SECONDS)).as("the call streams").isTrue();
        assertThat(queue.cancel(SESSION, running)).isTrue();
        assertThat(queue.cancel(SESSION, running)).as("once only").isFalse();
        String next = join("quick");

        List<ObjectNode> messages = readUntilCompleted(next);
        List<String> kinds = kinds(messages, running);
        assertThat(kinds.getLast()).isEqualTo(Messages.COMPLETED);
        assertThat(kinds.stream().filter(Messages.COMPLETED::equals)).as("one completion: the handler's result, "
                + "which came after the cancel, is dropped").hasSize(1);
        ObjectNode completion = messages.stream().filter(m -> m.path("event_id").asText().equals(running)
                && m.path("msg").asText().equals(Messages.COMPLETED)).findFirst().orElseThrow();
        assertThat(completion.path("success").asBoolean()).isTrue();
        assertThat(completion.path("output").isEmpty()).as(completion.toString()).isTrue();
        assertThat(stopped.get()).as("the handler was told to stop").isEqualTo(1);
        JsonNode answer = messages.getLast().path("output").path("data").get(0);
        assertThat(answer.asText()).as("the session's next call runs").isEqualTo("done");
    }

    @Test
    void aWaitingCallNeverRunsAndOnlyTheSessionsOwnCallsCanBeCancelled() throws Exception {
        String running = join("slow");
        String waiting = join("quick");
        assertThat(queue.cancel("another-session", waiting)).isFalse();
        assertThat(queue.cancel(SESSION, "no-such-call")).isFalse();
        assertThat(queue.cancel(SESSION, waiting)).isTrue();
        assertThat(streaming.await(30, TimeUnit.SECONDS)).isTrue();
        assertThat(queue.cancel(SESSION, running)).isTrue();
        String last = join("quick");

        List<ObjectNode> messages = readUntilCompleted(last);
        List<String> waited = kinds(messages, waiting);
        assertThat(waited).doesNotContain("process_starts", Messages.GENERATING).endsWith(Messages.COMPLETED);
        assertThat(waited.stream().filter(Messages.COMPLETED::equals)).hasSize(1);
        assertThat(kinds(messages, last)).contains("process_starts");
        assertThat(queue.cancel(SESSION, last)).as("a finished call").isFalse();
    }
}
