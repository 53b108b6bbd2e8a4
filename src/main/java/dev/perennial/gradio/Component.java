package dev.perennial.gradio;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.perennial.io.Json;

/**
 * One input or output component of an app, as Gradio's config describes it: its type ("textbox", "image",
 * "label", ...), its label, its initial value (null: none, so the API parameter is required), an example input,
 * and its value's JSON schema ({@code api_info}, from {@code gradio/components/*.py}), which the clients read to
 * know, among others, which values are files to upload; and the props of its kind that the page reads (an audio
 * input's sources).
 */
public record Component(String type, String label, JsonNode value, JsonNode example, JsonNode apiInfo,
                        ObjectNode props) {

    private static final JsonNode STRING = parse("{\"type\": \"string\"}");
    private static final JsonNode NUMBER = parse("{\"type\": \"number\"}");
    /** FileData's schema; {@code meta._type} is what gradio_client's value_is_file looks for. */
    private static final JsonNode FILE = parse("""
            {"title": "ImageData", "type": "object", "required": ["path"], "properties": {
              "path": {"title": "Path", "type": "string"},
              "url": {"anyOf": [{"type": "string"}, {"type": "null"}], "default": null, "title": "Url"},
              "size": {"anyOf": [{"type": "integer"}, {"type": "null"}], "default": null, "title": "Size"},
              "orig_name": {"anyOf": [{"type": "string"}, {"type": "null"}], "default": null, "title": "Orig Name"},
              "mime_type": {"anyOf": [{"type": "string"}, {"type": "null"}], "default": null, "title": "Mime Type"},
              "is_stream": {"default": false, "title": "Is Stream", "type": "boolean"},
              "meta": {"default": {"_type": "gradio.FileData"}, "title": "Meta", "type": "object",
                       "properties": {"_type": {"const": "gradio.FileData", "type": "string"}}}}}""");
    /** FileData's schema under its own title, as gradio/components/audio.py's data_model gives it. */
    private static final JsonNode AUDIO_FILE = ((ObjectNode) FILE.deepCopy()).put("title", "FileData");
    private static final JsonNode LABEL = parse("""
            {"title": "LabelData", "type": "object", "properties": {
              "label": {"anyOf": [{"type": "string"}, {"type": "integer"}, {"type": "number"}, {"type": "null"}],
                        "default": null, "title": "Label"},
              "confidences": {"anyOf": [{"type": "array", "items": {"$ref": "#/$defs/LabelConfidence"}},
                                        {"type": "null"}], "default": null, "title": "Confidences"}},
             "$defs": {"LabelConfidence": {"title": "LabelConfidence", "type": "object", "properties": {
               "label": {"anyOf": [{"type": "string"}, {"type": "integer"}, {"type": "number"}, {"type": "null"}],
                         "default": null, "title": "Label"},
               "confidence": {"anyOf": [{"type": "number"}, {"type": "null"}], "default": null,
                              "title": "Confidence"}}}}}""");
    /** Gradio's Gallery (gradio/components/gallery.py GalleryData): images or videos, each with a caption. */
    private static final JsonNode GALLERY = gallery();
    private static final JsonNode ANY = parse("{\"type\": {}, \"description\": \"any valid json\"}");
    /** The chatbot's "messages" format: a list of {role, content}. */
    private static final JsonNode MESSAGES = parse("""
            {"type": "array", "items": {"type": "object", "required": ["role", "content"], "properties": {
              "role": {"enum": ["user", "assistant", "system"], "type": "string"},
              "content": {"type": "string"}}}}""");

    public static Component textbox(String label, String value, String example) {
        return new Component("textbox", label, value == null ? null : Json.MAPPER.getNodeFactory().textNode(value),
                Json.MAPPER.getNodeFactory().textNode(example), STRING, noProps());
    }

    public static Component number(String label, double value) {
        return new Component("number", label, Json.MAPPER.getNodeFactory().numberNode(value),
                Json.MAPPER.getNodeFactory().numberNode(value), NUMBER, noProps());
    }

    public static Component image(String label) {
        return new Component("image", label, null, null, FILE, noProps());
    }

    /**
     * An image input whose preview, clicked, adds the clicked point (in the image's pixels, "x,y") to the textbox
     * labelled {@code pointsLabel}: Perennial's prop {@code points_to}, which only this page reads (Gradio's own
     * page would need a .select event for it).
     */
    public static Component pointedImage(String label, String pointsLabel) {
        ObjectNode props = noProps();
        props.put("points_to", pointsLabel);
        return new Component("image", label, null, null, FILE, props);
    }

    /**
     * Gradio's Audio with {@code type="filepath"}: as an input, a file uploaded or recorded with the browser's
     * microphone (sources "upload" and "microphone"); as an output, a player of the file the app returns.
     */
    public static Component audio(String label) {
        ObjectNode props = noProps();
        props.putArray("sources").add("upload").add("microphone");
        props.put("type", "filepath");
        props.put("format", "wav");
        props.put("streaming", false);
        props.put("recording", false);
        return new Component("audio", label, null, null, AUDIO_FILE, props);
    }

    public static Component label(String label) {
        return new Component("label", label, null, null, LABEL, noProps());
    }

    public static Component json(String label) {
        return new Component("json", label, null, null, ANY, noProps());
    }

    /** An output: a list of {image: FileData, caption}. */
    public static Component gallery(String label) {
        return new Component("gallery", label, null, null, GALLERY, noProps());
    }

    public static Component chatbot(String label) {
        return new Component("chatbot", label, Json.MAPPER.createArrayNode(), Json.MAPPER.createArrayNode(),
                MESSAGES, noProps().put("type", "messages"));
    }

    private static ObjectNode noProps() {
        return Json.MAPPER.createObjectNode();
    }

    /** Why {@code value} cannot be this input's value (null: it can); null values are the handler's to refuse. */
    String refusal(JsonNode value) {
        if (value == null || value.isNull()) {
            return null;
        }
        boolean fits = switch (type) {
            case "textbox" -> value.isTextual();
            case "number" -> value.isNumber();
            case "image", "audio" -> value.isObject() && value.path("path").isTextual();
            case "chatbot" -> value.isArray();
            default -> true;
        };
        return fits ? null : label + " (" + type + ") takes " + switch (type) {
            case "textbox" -> "a string";
            case "number" -> "a number";
            case "image", "audio" -> "a file: FileData {\"path\": ...} from POST /gradio_api/upload";
            default -> "a list of messages {role, content}";
        } + ", not " + value.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
    }

    /** This component's entry in the config's "components". */
    ObjectNode config(int id) {
        ObjectNode out = Json.MAPPER.createObjectNode();
        out.put("id", id);
        out.put("type", type);
        ObjectNode props = out.putObject("props");
        props.put("label", label);
        props.set("value", value);
        props.put("show_label", true);
        props.put("interactive", true);
        props.put("visible", true);
        props.put("name", type);
        props.setAll(this.props);
        out.put("skip_api", false);
        out.put("component_class_id", type);
        out.set("api_info", apiInfo);
        out.set("example_inputs", example);
        return out;
    }

    private static JsonNode gallery() {
        ObjectNode schema = (ObjectNode) parse("""
                {"title": "GalleryData", "type": "array", "items": {"anyOf": [{"$ref": "#/$defs/GalleryImage"},
                                                                          {"$ref": "#/$defs/GalleryVideo"}]},
                 "$defs": {"GalleryImage": {"title": "GalleryImage", "type": "object", "required": ["image"],
                   "properties": {"image": {"$ref": "#/$defs/ImageData"}, "caption": {"anyOf": [{"type": "string"},
                     {"type": "null"}], "default": null, "title": "Caption"}}},
                  "GalleryVideo": {"title": "GalleryVideo", "type": "object", "required": ["video"],
                   "properties": {"video": {"$ref": "#/$defs/FileData"}, "caption": {"anyOf": [{"type": "string"},
                     {"type": "null"}], "default": null, "title": "Caption"}}}}}""");
        ObjectNode defs = (ObjectNode) schema.get("$defs");
        defs.set("ImageData", FILE);
        defs.set("FileData", ((ObjectNode) FILE.deepCopy()).put("title", "FileData"));
        return schema;
    }

    private static JsonNode parse(String json) {
        try {
            return Json.MAPPER.readTree(json);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
