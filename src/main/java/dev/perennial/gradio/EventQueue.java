package dev.perennial.gradio;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.perennial.UserError;

import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Gradio's queue: calls wait in arrival order (at most {@code maxWaiting}; beyond, joining is refused with 503 as
 * Gradio answers "queue_full") for one of {@code workers} threads, and every message about a call goes to its
 * session's mailbox, which the session's event stream drains (gradio/queueing.py, routes.py queue_data). Each
 * waiting call is told its rank when it joins and whenever the line moves. A session that nobody reads for
 * {@link #ABANDONED_MILLIS} is dropped, its calls cancelled; a client can cancel one call ({@link #cancel}).
 */
public final class EventQueue implements AutoCloseable {

    static final long ABANDONED_MILLIS = 10 * 60_000;

    /** A client session: its mailbox and its calls whose completion it has not read yet. */
    static final class Session {
        final LinkedBlockingQueue<ObjectNode> messages = new LinkedBlockingQueue<>();
        final Set<String> pending = ConcurrentHashMap.newKeySet();
        volatile long touched = System.currentTimeMillis();
        volatile boolean cancelled;

        /** The next message, or null after {@code millis} without one. */
        ObjectNode next(long millis) throws InterruptedException {
            touched = System.currentTimeMillis();
            return messages.poll(millis, TimeUnit.MILLISECONDS);
        }
    }

    /**
     * One call: the app (and its URL as the client reached it, for output files' URLs), its inputs and its session;
     * the outputs sent so far, for diffs.
     */
    private final class Event implements GradioApp.Call {
        final String id;
        final GradioApp app;
        final String appRoot;
        final List<JsonNode> inputs;
        final Session session;
        /** The curl API's calls: partial outputs are sent whole, not as diffs. */
        final boolean whole;
        List<JsonNode> sent;
        /** Each set once, the other never after: the call's completion was queued, or it was cancelled. */
        private boolean finished;
        private boolean cancelled;

        Event(String id, GradioApp app, String appRoot, List<JsonNode> inputs, Session session, boolean whole) {
            this.id = id;
            this.app = app;
            this.appRoot = appRoot;
            this.inputs = inputs;
            this.session = session;
            this.whole = whole;
        }

        @Override
        public List<JsonNode> inputs() {
            return inputs;
        }

        @Override
        public Path file(int index) {
            String label = app.inputs().get(index).label();
            try {
                return files.resolve(FileData.read(inputs.get(index), label).path());
            } catch (HttpRefusal e) {
                throw new GradioError(label + ": " + e.getMessage() + "; send a file uploaded to this app "
                        + "(POST /gradio_api/upload)");
            }
        }

        @Override
        public JsonNode outputFile(Path file) {
            return FileData.output(Path.of(files.publish(file)), appRoot);
        }

        @Override
        public JsonNode outputFile(String name, byte[] content) {
            return FileData.output(Path.of(files.publish(name, content)), appRoot);
        }

        @Override
        public synchronized void progress(int index, int length, String unit) {
            if (!session.cancelled && !cancelled) {
                session.messages.add(Messages.progress(id, index, length, unit));
            }
        }

        @Override
        public synchronized boolean partial(List<JsonNode> outputs) {
            if (session.cancelled || cancelled) {
                return false;
            }
            List<JsonNode> data = outputs;
            if (sent != null && !whole) {
                data = new ArrayList<>();
                for (int i = 0; i < outputs.size(); i++) {
                    data.add(Diff.between(sent.get(i), outputs.get(i)));
                }
            }
            sent = outputs.stream().<JsonNode>map(JsonNode::deepCopy).toList();
            session.messages.add(Messages.generating(id, data));
            return true;
        }

        /** Cancels the call unless it has finished, telling its session that it completed with no output. */
        synchronized boolean cancel() {
            if (finished || cancelled) {
                return false;
            }
            cancelled = true;
            session.messages.add(Messages.cancelled(id));
            return true;
        }

        /** Tells the session that the call starts; false (and nothing said) when it was cancelled. */
        synchronized boolean start() {
            if (!cancelled) {
                session.messages.add(Messages.processStarts(id));
            }
            return !cancelled;
        }

        /** Queues the call's completion, unless it was cancelled (its session was told then). */
        synchronized void finish(ObjectNode completion) {
            if (!cancelled) {
                finished = true;
                session.messages.add(completion);
            }
        }
    }

    private final FileStore files;
    private final int maxWaiting;
    private final ArrayDeque<Event> waiting = new ArrayDeque<>();
    private final Map<String, Session> sessions = new ConcurrentHashMap<>();
    private final Map<String, Event> live = new ConcurrentHashMap<>(); // the calls waiting or running, by id
    private final Map<String, double[]> durations = new ConcurrentHashMap<>(); // app: {count, total seconds}
    private final List<Thread> workers = new ArrayList<>();
    private final ScheduledExecutorService sweeper = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "gradio-queue-sweeper");
        t.setDaemon(true);
        return t;
    });

    public EventQueue(FileStore files, int workers, int maxWaiting) {
        this.files = files;
        this.maxWaiting = maxWaiting;
        for (int i = 0; i < workers; i++) {
            Thread worker = Thread.ofPlatform().daemon().name("gradio-worker-" + i).start(this::work);
            this.workers.add(worker);
        }
        sweeper.scheduleWithFixedDelay(this::sweep, 1, 1, TimeUnit.MINUTES);
    }

    /**
     * Queues a call for {@code sessionHash} (null: the call is its own session, as the curl API's are);
     * {@code appRoot}: the app's URL as the client reached it.
     */
    synchronized String join(GradioApp app, String appRoot, List<JsonNode> inputs, String sessionHash, boolean whole) {
        if (waiting.size() >= maxWaiting) {
            throw new HttpRefusal(503, "Queue is full.");
        }
        String id = FileStore.randomId();
        Session session = sessions.computeIfAbsent(sessionHash == null ? id : sessionHash, h -> new Session());
        session.touched = System.currentTimeMillis();
        session.pending.add(id);
        Event event = new Event(id, app, appRoot, inputs, session, whole);
        live.put(id, event);
        waiting.addLast(event);
        session.messages.add(Messages.estimation(id, waiting.size() - 1, waiting.size()));
        notifyAll();
        return id;
    }

    Session session(String hash) {
        return sessions.get(hash);
    }

    /**
     * Notes that the session's client has read the completion of {@code eventId}; true when the session has no
     * call left, so its stream ends (close_stream) and the session is forgotten.
     */
    synchronized boolean delivered(String hash, Session session, String eventId) {
        session.pending.remove(eventId);
        if (session.pending.isEmpty()) {
            sessions.remove(hash, session);
            return true;
        }
        return false;
    }

    /**
     * Cancels the call {@code eventId} of session {@code sessionHash}, as Gradio's routes.py cancel_event does: a
     * waiting call leaves the line, a running one stops at its next partial output (its result, if it still
     * comes, is dropped), and the session is told at once that the call completed, with no output, so that its
     * client stops waiting for it. False when the session has no such call waiting or running.
     */
    boolean cancel(String sessionHash, String eventId) {
        Event event = live.get(eventId);
        if (event == null || event.session != sessions.get(sessionHash)) {
            return false;
        }
        // under the queue's lock, so that next() cannot send the call its place in line after its completion
        synchronized (this) {
            if (!event.cancel()) {
                return false;
            }
            waiting.remove(event);
        }
        live.remove(eventId);
        return true;
    }

    /** The client of a session went away: its calls stop at their next partial output, waiting ones never run. */
    synchronized void abandon(String hash, Session session) {
        session.cancelled = true;
        sessions.remove(hash, session);
    }

    private void work() {
        while (!Thread.currentThread().isInterrupted()) {
            Event event;
            try {
                event = next();
            } catch (InterruptedException e) {
                return;
            }
            if (!event.session.cancelled && event.start()) {
                run(event);
            }
            live.remove(event.id);
        }
    }

    private synchronized Event next() throws InterruptedException {
        while (waiting.isEmpty()) {
            wait();
        }
        Event event = waiting.removeFirst();
        int rank = 0;
        for (Event behind : waiting) {
            behind.session.messages.add(Messages.estimation(behind.id, rank++, waiting.size()));
        }
        return event;
    }

    private void run(Event event) {
        long start = System.nanoTime();
        ObjectNode result;
        try {
            List<JsonNode> outputs = event.app.handler().run(event);
            if (outputs.size() != event.app.outputs().size()) {
                throw new IllegalStateException(event.app.name() + " gave " + outputs.size() + " outputs for "
                        + event.app.outputs().size() + " components");
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            result = Messages.completed(event.id, outputs, seconds, average(event.app.name(), seconds));
        } catch (GradioError | UserError e) {
            result = Messages.failed(event.id, e.getMessage());
        } catch (RuntimeException e) {
            result = Messages.failed(event.id, "internal error: " + e);
        }
        event.finish(result);
    }

    private double average(String app, double seconds) {
        double[] stats = durations.computeIfAbsent(app, a -> new double[2]);
        synchronized (stats) {
            stats[0]++;
            stats[1] += seconds;
            return stats[1] / stats[0];
        }
    }

    private void sweep() {
        long now = System.currentTimeMillis();
        sessions.forEach((hash, session) -> {
            if (now - session.touched > ABANDONED_MILLIS) {
                abandon(hash, session);
            }
        });
    }

    @Override
    public void close() {
        sweeper.shutdownNow();
        workers.forEach(Thread::interrupt);
    }
}
