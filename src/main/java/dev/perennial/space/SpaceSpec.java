package dev.perennial.space;

import dev.perennial.UserError;
import dev.perennial.hub.HubModels;
import dev.perennial.pipeline.Task;
import dev.perennial.serve.AppSpec;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * What a Space serves: its title, its apps (each model a Hub id, ORG/NAME, that the Space downloads when it starts)
 * and the folder of images that image search ranks (null: none), copied into the Space. Everything is checked here,
 * before anything is written.
 */
public record SpaceSpec(String title, List<AppSpec> apps, Path images) {

    public SpaceSpec {
        if (title == null || title.isBlank() || title.contains("\n")) {
            throw new UserError("--title: give the Space's title, one line of text");
        }
        if (apps.isEmpty()) {
            throw new UserError("no apps: give at least one --app TASK=ORG/NAME (or --apps FILE.yaml)");
        }
        apps = AppSpec.unique(apps);
        apps.forEach(SpaceSpec::requireHubModel);
        boolean searches = apps.stream().anyMatch(a -> a.task().equals(Task.IMAGE_SEARCH.name()));
        if (searches && images == null) {
            throw new UserError("--app image-search: image search ranks a folder of images; give it with --images DIR "
                    + "(it is copied into the Space)");
        }
        if (images != null && !Files.isDirectory(images)) {
            throw new UserError("--images " + images + ": no such folder; give the folder of images to search");
        }
        if (images != null && !searches) {
            throw new UserError("--images " + images + ": no image-search app uses it; add --app image-search=ORG/NAME "
                    + "or leave --images out");
        }
    }

    /** The Hub ids of the apps' models, each once, in order. */
    public List<String> models() {
        return apps.stream().map(AppSpec::model).distinct().toList();
    }

    /** A Space reads no folder of this machine: each model must be a Hub id, on the main branch. */
    private static void requireHubModel(AppSpec app) {
        String flag = "--app " + app.task() + "=" + app.model() + ": ";
        if (Files.exists(Path.of(app.model()))) {
            throw new UserError(flag + "that is a folder here, and a Space cannot read this machine's folders; upload "
                    + "it with 'perennial hub upload " + app.model() + " ORG/NAME --create' and give ORG/NAME");
        }
        if (HubModels.parse(app.model()).isEmpty() || app.model().contains("@")) {
            throw new UserError(flag + "a Space downloads its models from the Hub when it starts; give the model's "
                    + "Hub id, ORG/NAME (its main branch)");
        }
    }
}
