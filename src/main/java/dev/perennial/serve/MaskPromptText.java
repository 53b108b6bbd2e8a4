package dev.perennial.serve;

import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.perennial.gradio.GradioError;
import dev.perennial.io.Json;

/**
 * The mask-generation app's textboxes as the pipeline's request fields: points "x,y[,label]; x,y[,label]" as
 * [[x, y, label], ...] and a box "x0,y0,x1,y1" as [x0, y0, x1, y1], in the image's pixels.
 */
final class MaskPromptText {

    private MaskPromptText() {
    }

    static ArrayNode points(String text) {
        ArrayNode out = Json.MAPPER.createArrayNode();
        for (String point : text.split(";")) {
            if (!point.isBlank()) {
                out.add(numbers(point, "Points", "x,y or x,y,label (label 1 on the object, 0 off it), separated by ;",
                        2, 3));
            }
        }
        return out;
    }

    static ArrayNode box(String text) {
        return numbers(text, "Box", "x0,y0,x1,y1 (the top-left and bottom-right corners)", 4, 4);
    }

    private static ArrayNode numbers(String text, String field, String form, int min, int max) {
        String[] parts = text.strip().split("\\s*,\\s*");
        if (parts.length < min || parts.length > max) {
            throw new GradioError(field + ": '" + text.strip() + "' is not " + form);
        }
        ArrayNode out = Json.MAPPER.createArrayNode();
        for (String part : parts) {
            try {
                out.add(Double.parseDouble(part));
            } catch (NumberFormatException e) {
                throw new GradioError(field + ": '" + part + "' in '" + text.strip() + "' is not a number; write "
                        + form);
            }
        }
        return out;
    }
}
