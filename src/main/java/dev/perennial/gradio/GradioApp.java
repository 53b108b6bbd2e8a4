package dev.perennial.gradio;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.perennial.io.Json;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * One Gradio app: one endpoint ({@code /apiName}) from input components to output components, computed by a
 * handler; {@code streams}: the handler sends partial outputs as it goes (a generator in Gradio's terms), which the
 * clients receive as process_generating messages. {@code examples}: rows of input values that people can click
 * (one value per input, null where an example leaves the input as it is), offered as Gradio offers them, in a
 * Dataset component of the config.
 */
public record GradioApp(String name, String title, String description, String apiName, List<Component> inputs,
                        List<Component> outputs, boolean streams, Handler handler, List<List<JsonNode>> examples) {

    /** Gradio's version this server's API follows (the sse_v3 protocol and the /gradio_api prefix). */
    static final String GRADIO_VERSION = "5.49.1";

    /** Computes one call's outputs, one JSON value per output component. */
    public interface Handler {
        List<JsonNode> run(Call call);
    }

    /** What a handler gets: the inputs, the uploaded files they name, and a way to send partial outputs. */
    public interface Call {
        /** One value per input component, in order. */
        List<JsonNode> inputs();

        /** The file that input {@code index} (a FileData) names: only a file this server accepted or wrote. */
        Path file(int index);

        /**
         * An output file: {@code file} (one the app produced or chose from the server's own folders, never one a
         * client named) copied into the server's store, as FileData with the URL that downloads it.
         */
        JsonNode outputFile(Path file);

        /** An output file the app made in memory ({@code content}, a WAV), stored as {@code name}; its FileData. */
        JsonNode outputFile(String name, byte[] content);

        /** Tells the caller that {@code index} of {@code length} {@code unit} are done, as gr.Progress does. */
        void progress(int index, int length, String unit);

        /** Sends outputs so far (streaming apps); false once the call is cancelled or its session is gone. */
        boolean partial(List<JsonNode> outputs);
    }

    public GradioApp {
        inputs = List.copyOf(inputs);
        outputs = List.copyOf(outputs);
        examples = List.copyOf(examples);
        for (List<JsonNode> example : examples) {
            if (example.size() != inputs.size()) {
                throw new IllegalArgumentException(name + ": an example has " + example.size() + " values for "
                        + inputs.size() + " inputs");
            }
        }
    }

    /** An app without examples. */
    public GradioApp(String name, String title, String description, String apiName, List<Component> inputs,
                     List<Component> outputs, boolean streams, Handler handler) {
        this(name, title, description, apiName, inputs, outputs, streams, handler, List.of());
    }

    /** This app with {@code examples} to click. */
    public GradioApp withExamples(List<List<JsonNode>> examples) {
        return new GradioApp(name, title, description, apiName, inputs, outputs, streams, handler, examples);
    }

    /** The dependency's index in "dependencies", which clients send as fn_index. */
    static final int FN_INDEX = 0;

    private int outputId(int index) {
        return 1 + inputs.size() + index;
    }

    private int buttonId() {
        return 1 + inputs.size() + outputs.size();
    }

    /** GET /config: what Client.connect reads (client/js/src/helpers/init_helpers.ts, gradio/blocks.py). */
    ObjectNode config(String root, long maxFileBytes) {
        ObjectNode out = Json.MAPPER.createObjectNode();
        out.put("version", GRADIO_VERSION);
        out.put("api_prefix", GradioRoutes.API_PREFIX);
        out.put("mode", "interface");
        out.put("app_id", Integer.toUnsignedLong(name.hashCode()));
        out.put("dev_mode", false);
        out.put("analytics_enabled", false);
        out.put("title", title);
        out.put("description", description);
        out.put("protocol", "sse_v3");
        out.put("enable_queue", true);
        out.put("connect_heartbeat", false);
        out.put("show_error", true);
        out.put("show_api", true);
        out.put("is_colab", false);
        out.putNull("space_id");
        out.put("max_file_size", maxFileBytes);
        out.put("root", root);
        out.putNull("username");
        out.put("theme", "default");
        out.put("fill_height", false);
        ArrayNode components = out.putArray("components");
        ArrayNode children = Json.MAPPER.createArrayNode();
        for (int i = 0; i < inputs.size(); i++) {
            components.add(inputs.get(i).config(1 + i));
            children.addObject().put("id", 1 + i);
        }
        for (int i = 0; i < outputs.size(); i++) {
            components.add(outputs.get(i).config(outputId(i)));
            children.addObject().put("id", outputId(i));
        }
        ObjectNode button = components.addObject();
        button.put("id", buttonId()).put("type", "button").put("skip_api", true);
        button.putObject("props").put("value", "Submit").put("variant", "primary").put("visible", true);
        children.addObject().put("id", buttonId());
        if (!examples.isEmpty()) {
            components.add(dataset(root));
            children.addObject().put("id", datasetId());
        }
        out.putObject("layout").put("id", 0).set("children", children);
        ObjectNode dependency = out.putArray("dependencies").addObject();
        dependency.put("id", FN_INDEX);
        dependency.putArray("targets").addArray().add(buttonId()).add("click");
        ArrayNode inputIds = dependency.putArray("inputs");
        for (int i = 0; i < inputs.size(); i++) {
            inputIds.add(1 + i);
        }
        ArrayNode outputIds = dependency.putArray("outputs");
        for (int i = 0; i < outputs.size(); i++) {
            outputIds.add(outputId(i));
        }
        dependency.put("backend_fn", true);
        dependency.putNull("js");
        dependency.put("queue", true);
        dependency.put("api_name", apiName);
        dependency.put("api_visibility", "public");
        dependency.put("show_api", true);
        dependency.putObject("types").put("generator", streams).put("cancel", false);
        dependency.put("connection", "sse");
        dependency.put("show_progress", "full");
        dependency.put("batch", false);
        dependency.put("trigger_mode", "once");
        dependency.putArray("cancels");
        return out;
    }

    private int datasetId() {
        return buttonId() + 1;
    }

    /**
     * The examples as Gradio's Examples helper configures them (gradio/helpers.py, components/dataset.py): a
     * Dataset of the inputs that some example sets, its samples already in the inputs' value shapes (files as
     * FileData with their URL). Clicking one fills the inputs in the page; no endpoint serves the Dataset's click.
     */
    private ObjectNode dataset(String root) {
        List<Integer> used = new ArrayList<>();
        for (int i = 0; i < inputs.size(); i++) {
            int input = i;
            if (examples.stream().anyMatch(e -> e.get(input) != null && !e.get(input).isNull())) {
                used.add(i);
            }
        }
        ObjectNode out = Json.MAPPER.createObjectNode();
        out.put("id", datasetId());
        out.put("type", "dataset");
        ObjectNode props = out.putObject("props");
        props.put("label", "Examples");
        ArrayNode types = props.putArray("components");
        ArrayNode ids = props.putArray("component_ids");
        ArrayNode headers = props.putArray("headers");
        props.putArray("component_props");
        for (int i : used) {
            types.add(inputs.get(i).type());
            ids.add(1 + i);
            headers.add(inputs.get(i).label());
        }
        ArrayNode samples = props.putArray("samples");
        for (List<JsonNode> example : examples) {
            ArrayNode sample = samples.addArray();
            for (int i : used) {
                JsonNode value = example.get(i);
                sample.add(FileData.is(value) ? FileData.withUrl(value, root) : value);
            }
        }
        props.put("type", "tuple");
        props.put("samples_per_page", 10);
        props.put("visible", true);
        props.put("name", "dataset");
        out.put("skip_api", true);
        out.put("component_class_id", "dataset");
        out.set("api_info", Json.MAPPER.createObjectNode().put("type", "integer")
                .put("description", "index of selected example"));
        out.put("example_inputs", 0);
        return out;
    }

    /** GET /gradio_api/info: the endpoint's parameters and returns (gradio/blocks.py get_api_info). */
    ObjectNode info() {
        ObjectNode out = Json.MAPPER.createObjectNode();
        ObjectNode endpoint = out.putObject("named_endpoints").putObject("/" + apiName);
        out.putObject("unnamed_endpoints");
        ArrayNode parameters = endpoint.putArray("parameters");
        for (Component input : inputs) {
            ObjectNode p = parameters.addObject();
            p.put("label", input.label());
            p.put("parameter_name", parameterName(input));
            p.put("parameter_has_default", input.value() != null);
            p.set("parameter_default", input.value());
            p.set("type", input.apiInfo());
            p.putObject("python_type").put("type", pythonType(input)).put("description", "");
            p.put("component", capitalized(input.type()));
            p.set("example_input", input.example());
        }
        ArrayNode returns = endpoint.putArray("returns");
        for (Component output : outputs) {
            ObjectNode r = returns.addObject();
            r.put("label", output.label());
            r.set("type", output.apiInfo());
            r.putObject("python_type").put("type", pythonType(output)).put("description", "");
            r.put("component", capitalized(output.type()));
        }
        endpoint.put("description", description);
        endpoint.put("api_visibility", "public");
        return out;
    }

    /** The parameter's name in the API: its label in snake_case ("Candidate labels" → candidate_labels). */
    static String parameterName(Component input) {
        return input.label().toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9]+", "_")
                .replaceAll("^_|_$", "");
    }

    private static String pythonType(Component component) {
        return switch (component.type()) {
            case "textbox" -> "str";
            case "number" -> "float";
            case "image", "audio" -> "filepath";
            case "label" -> "Dict(label: str | int | float | None, confidences: List[Dict(label: str | int | float "
                    + "| None, confidence: float | None)] | None)";
            case "chatbot" -> "List[Dict(role: Literal['user', 'assistant', 'system'], content: str)]";
            case "gallery" -> "List[Dict(image: filepath, caption: str | None)]";
            default -> "Dict[Any, Any]";
        };
    }

    private static String capitalized(String type) {
        return Character.toUpperCase(type.charAt(0)) + type.substring(1);
    }
}
