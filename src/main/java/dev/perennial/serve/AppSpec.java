package dev.perennial.serve;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.perennial.UserError;
import dev.perennial.io.Json;
import dev.perennial.pipeline.Task;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * One Gradio app to serve: its name (its URL is /apps/NAME/), its task (a pipeline task, or {@value #CHAT} for a
 * language model's chat) and its model (an id as /v1/models lists it). From {@code --app TASK=MODEL} (named after
 * the task) or from an {@code --apps} YAML file: {@code apps: [{task, model, name}]}.
 */
public record AppSpec(String name, String task, String model) {

    public static final String CHAT = "chat";

    public AppSpec {
        if (!name.matches("[a-z0-9][a-z0-9-]{0,63}")) {
            throw new UserError("app name '" + name + "' must be lower-case letters, digits and dashes (it is the "
                    + "app's URL, /apps/NAME/)");
        }
        if (!task.equals(CHAT) && !Task.names().contains(task)) {
            throw new UserError("app task '" + task + "' is not one Perennial serves; the tasks are " + CHAT + ", "
                    + String.join(", ", Task.names()));
        }
        if (model.isBlank()) {
            throw new UserError("app '" + name + "' has no model; give the id of a served model (GET /v1/models)");
        }
    }

    /** {@code --app TASK=MODEL}. */
    public static AppSpec parse(String flag) {
        int eq = flag.indexOf('=');
        if (eq <= 0 || eq == flag.length() - 1) {
            throw new UserError("--app " + flag + ": expected TASK=MODEL, e.g. --app "
                    + Task.ZERO_SHOT_IMAGE_CLASSIFICATION.name() + "=clip or --app " + CHAT + "=demo/final");
        }
        String task = flag.substring(0, eq).strip();
        return new AppSpec(task, task, flag.substring(eq + 1).strip());
    }

    /** The apps of the {@code --app} flags, then those of the {@code --apps} file (null: none). */
    public static List<AppSpec> fromFlags(List<String> flags, Path appsFile) {
        List<AppSpec> out = new ArrayList<>(flags.stream().map(AppSpec::parse).toList());
        if (appsFile != null) {
            out.addAll(read(appsFile));
        }
        return out;
    }

    /** An {@code --apps} file: {@code apps: [{task: T, model: M, name: N (default: the task)}, ...]}. */
    public static List<AppSpec> read(Path file) {
        JsonNode root;
        try {
            root = Json.YAML.readTree(file.toFile());
        } catch (IOException e) {
            throw new UserError("--apps " + file + ": cannot read it as YAML (" + String.valueOf(e.getMessage())
                    .lines().findFirst().orElse("") + ")", e);
        }
        JsonNode apps = root == null ? null : root.get("apps");
        if (apps == null || !apps.isArray() || apps.isEmpty()) {
            throw new UserError("--apps " + file + ": expected 'apps:', a list of {task, model, name}");
        }
        List<AppSpec> out = new ArrayList<>();
        for (int i = 0; i < apps.size(); i++) {
            JsonNode app = apps.get(i);
            String where = "--apps " + file + ": apps[" + i + "]";
            for (var names = app.fieldNames(); names.hasNext(); ) {
                String key = names.next();
                if (!Set.of("task", "model", "name").contains(key)) {
                    throw new UserError(where + "." + key + ": unknown key; an app has task, model and name");
                }
            }
            if (!app.path("task").isTextual() || !app.path("model").isTextual()) {
                throw new UserError(where + ": 'task' and 'model' are required strings");
            }
            String task = app.path("task").asText();
            try {
                out.add(new AppSpec(app.path("name").asText(task), task, app.path("model").asText()));
            } catch (UserError e) {
                throw new UserError(where + ": " + e.getMessage(), e);
            }
        }
        return out;
    }

    /** {@code apps} as an {@code --apps} file's text, which {@link #read} reads back. */
    public static String yaml(List<AppSpec> apps) {
        ObjectNode root = Json.MAPPER.createObjectNode();
        ArrayNode list = root.putArray("apps");
        apps.forEach(a -> list.addObject().put("task", a.task()).put("model", a.model()).put("name", a.name()));
        try {
            return Json.YAML.writeValueAsString(root);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Refuses two apps of one name. */
    public static List<AppSpec> unique(List<AppSpec> apps) {
        Set<String> seen = new HashSet<>();
        for (AppSpec app : apps) {
            if (!seen.add(app.name())) {
                throw new UserError("two apps are named '" + app.name() + "'; name them apart in an --apps file "
                        + "(apps: [{task, model, name}])");
            }
        }
        return List.copyOf(apps);
    }
}
