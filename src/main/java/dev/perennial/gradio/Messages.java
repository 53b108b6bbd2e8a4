package dev.perennial.gradio;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.perennial.io.Json;

import java.util.List;

/** The messages of the queue's event stream, in the shapes of gradio/server_messages.py. */
final class Messages {

    static final String COMPLETED = "process_completed";
    static final String GENERATING = "process_generating";
    static final String HEARTBEAT = "heartbeat";

    private Messages() {
    }

    static ObjectNode estimation(String eventId, int rank, int queueSize) {
        return message("estimation", eventId).put("rank", rank).put("queue_size", queueSize).putNull("rank_eta");
    }

    static ObjectNode processStarts(String eventId) {
        return message("process_starts", eventId).putNull("eta");
    }

    /**
     * How far a running call is: step {@code index} of {@code length} {@code unit} (gradio/server_messages.py
     * ProgressMessage with one ProgressUnit, as gr.Progress sends it).
     */
    static ObjectNode progress(String eventId, int index, int length, String unit) {
        ObjectNode out = message("progress", eventId);
        out.putArray("progress_data").addObject().put("index", index).put("length", length).put("unit", unit)
                .putNull("progress").putNull("desc");
        return out;
    }

    /** Partial outputs: whole values, or (after the first of a call, sse_v3) one list of edits per output. */
    static ObjectNode generating(String eventId, List<JsonNode> data) {
        ObjectNode out = message(GENERATING, eventId).put("success", true);
        out.putObject("output").put("is_generating", true).set("data", list(data));
        return out;
    }

    static ObjectNode completed(String eventId, List<JsonNode> data, double seconds, double averageSeconds) {
        ObjectNode out = message(COMPLETED, eventId).put("success", true);
        ObjectNode output = out.putObject("output");
        output.set("data", list(data));
        output.put("is_generating", false);
        output.put("duration", seconds);
        output.put("average_duration", averageSeconds);
        return out;
    }

    /** A cancelled call, as Gradio's cancel_event completes it: success, and an empty output. */
    static ObjectNode cancelled(String eventId) {
        ObjectNode out = message(COMPLETED, eventId).put("success", true);
        out.putObject("output");
        return out;
    }

    /** A failed call: {@code output.error} is what the clients show and throw. */
    static ObjectNode failed(String eventId, String error) {
        ObjectNode out = message(COMPLETED, eventId).put("success", false);
        out.putObject("output").put("error", error).put("title", "Error").put("visible", true);
        return out;
    }

    static ObjectNode heartbeat() {
        return message(HEARTBEAT, null);
    }

    static ObjectNode closeStream() {
        return message("close_stream", null);
    }

    private static ObjectNode message(String msg, String eventId) {
        ObjectNode out = Json.MAPPER.createObjectNode();
        out.put("msg", msg);
        out.put("event_id", eventId);
        return out;
    }

    private static ArrayNode list(List<JsonNode> values) {
        ArrayNode out = Json.MAPPER.createArrayNode();
        values.forEach(out::add);
        return out;
    }
}
