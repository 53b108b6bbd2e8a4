package dev.perennial.space;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import dev.perennial.UserError;
import dev.perennial.io.AtomicFiles;
import dev.perennial.io.Json;
import dev.perennial.serve.AppSpec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.stream.Stream;

/**
 * The folder of a Docker Space that serves Perennial's Gradio apps, and the one place that knows its layout:
 * {@value #README} (the Space's metadata and how to call its apps), {@value #DOCKERFILE}, {@value #APPS} (for
 * {@code perennial serve --apps}), {@value #START} (downloads the models into the Hub cache, then starts the
 * server on port {@value #PORT}), {@value #SOURCES}/ (a copy of Perennial's sources that the Dockerfile builds) and,
 * for image search, {@value #IMAGES}/. The folder is written whole under a hidden name and renamed into place.
 */
public final class SpaceFolder {

    public static final String README = "README.md";
    public static final String DOCKERFILE = "Dockerfile";
    public static final String APPS = "apps.yaml";
    public static final String START = "start.sh";
    public static final String SOURCES = "perennial";
    public static final String IMAGES = "images";
    /** The port Spaces send requests to (app_port). */
    public static final int PORT = 7860;
    /**
     * What building Perennial needs, relative to its root. The Maven wrapper's settings go as {@value #MVN_COPY}:
     * upload tools skip hidden folders (perennial hub upload among them), and the Dockerfile renames it back.
     */
    static final List<String> BUILD_FILES = List.of("pom.xml", "mvnw", "perennial", "bin", "src/main", ".mvn");
    static final String MVN_COPY = "mvn";

    private SpaceFolder() {
    }

    /**
     * Writes the Space of {@code spec} to {@code dir}, with Perennial's sources from {@code perennialHome};
     * an existing {@code dir} is replaced only with {@code force}.
     */
    public static void write(Path dir, SpaceSpec spec, Path perennialHome, boolean force) {
        requireSources(perennialHome);
        if (Files.exists(dir) && !force) {
            throw new UserError(dir + " exists; choose a new folder for the Space, or --force to replace it");
        }
        Path absolute = dir.toAbsolutePath().normalize();
        Path partial = absolute.resolveSibling("." + absolute.getFileName() + ".partial");
        AtomicFiles.deleteTree(partial); // what an interrupted init left
        try {
            Files.createDirectories(partial);
            AtomicFiles.writeString(partial.resolve(README), readme(spec));
            AtomicFiles.writeString(partial.resolve(DOCKERFILE), dockerfile(spec));
            AtomicFiles.writeString(partial.resolve(APPS), AppSpec.yaml(spec.apps()));
            AtomicFiles.writeString(partial.resolve(START), startScript(spec));
            partial.resolve(START).toFile().setExecutable(true, false);
            for (String file : BUILD_FILES) {
                Path target = partial.resolve(SOURCES).resolve(file.equals(".mvn") ? MVN_COPY : file);
                copyTree(perennialHome.resolve(file), target);
            }
            if (spec.images() != null) {
                copyTree(spec.images(), partial.resolve(IMAGES));
            }
            replace(absolute, partial);
        } catch (IOException e) {
            throw new UserError("could not write the Space to " + dir + ": " + e.getMessage()
                    + "; check that its folder is writable", e);
        } finally {
            AtomicFiles.deleteTree(partial);
        }
    }

    /** Refuses a folder that does not hold Perennial's sources. */
    private static void requireSources(Path home) {
        for (String file : BUILD_FILES) {
            if (!Files.exists(home.resolve(file))) {
                throw new UserError(home + " has no " + file + ": a Space is built from Perennial's sources; run "
                        + "perennial from its source folder (./perennial space init ...)");
            }
        }
    }

    /** The Space's README: the metadata block the Hub reads, then what the Space serves and how to call it. */
    static String readme(SpaceSpec spec) throws IOException {
        ObjectNode meta = Json.MAPPER.createObjectNode();
        meta.put("title", spec.title());
        meta.put("emoji", "\uD83C\uDF31");
        meta.put("colorFrom", "green");
        meta.put("colorTo", "blue");
        meta.put("sdk", "docker");
        meta.put("app_port", PORT);
        meta.put("pinned", false);
        ArrayNode models = meta.putArray("models");
        spec.models().forEach(models::add);
        String yaml = Json.YAML.writer().with(YAMLGenerator.Feature.MINIMIZE_QUOTES).writeValueAsString(meta)
                .replaceFirst("^---\\n", "");
        StringBuilder out = new StringBuilder("---\n").append(yaml).append("---\n\n");
        out.append("# ").append(spec.title()).append("\n\n");
        out.append("Gradio-compatible apps served by Perennial (`perennial serve`), one per model:\n\n");
        out.append("| app | task | model |\n| --- | --- | --- |\n");
        for (AppSpec app : spec.apps()) {
            out.append("| `/apps/").append(app.name()).append("/` | ").append(app.task()).append(" | [")
                    .append(app.model()).append("](https://huggingface.co/").append(app.model()).append(") |\n");
        }
        AppSpec first = spec.apps().getFirst();
        out.append("""

                Call them with the official Gradio clients, e.g. in Python
                `Client("https://OWNER-SPACE.hf.space/apps/%s/").predict(..., api_name="/%s")` or with
                `@gradio/client`'s `Client.connect(...)`; `GET /apps` lists the apps. The models are downloaded into
                the Hub cache when the Space starts (set the secret `HF_TOKEN` for gated or private ones). There are no
                public share links (gradio.live): the Space's own URL is the link.

                Written by `perennial space init`; the Dockerfile builds Perennial from the copy of its sources in
                `perennial/`.
                """.formatted(first.name(), first.task().equals(AppSpec.CHAT) ? "chat" : "predict"));
        return out.toString();
    }

    /**
     * The image: Temurin's JDK 25 (Ubuntu), curl for the Maven wrapper's download, Perennial built from
     * {@value #SOURCES}/ with its Maven repository inside the image, the speed libraries installed, and the Spaces
     * user (uid 1000) with a writable home and Hub cache.
     */
    static String dockerfile(SpaceSpec spec) {
        String images = spec.images() == null ? "" : "COPY --chown=user " + IMAGES + " " + IMAGES + "\n";
        return """
                # A Docker Space (https://huggingface.co/docs/hub/spaces-sdks-docker) written by perennial space init.
                FROM eclipse-temurin:25-jdk

                # Perennial, built from the copy of its sources; its Maven repository stays in the image, readable by
                # the user that runs it. Upload tools may drop hidden folders and file modes, so the wrapper's
                # settings come as mvn/ and the scripts are made executable here.
                COPY %1$s /opt/perennial
                WORKDIR /opt/perennial
                RUN apt-get update && apt-get install -y --no-install-recommends curl ca-certificates \\
                    && mv %2$s .mvn \\
                    && chmod +x mvnw perennial bin/*.sh bin/java-for-tests \\
                    && ./mvnw -B -q -Dmaven.test.skip=true -Dmaven.repo.local=/opt/perennial/.m2/repository package \\
                    && touch target/runtime-classpath.txt \\
                    && bin/system-packages.sh --for run \\
                    && rm -rf /root/.m2 /var/lib/apt/lists/*

                # Spaces run the container as uid 1000 (the base image already has one, hence -o).
                RUN useradd -m -o -u 1000 user
                USER user
                ENV HOME=/home/user \\
                    HF_HOME=/home/user/.cache/huggingface \\
                    PATH=/opt/perennial:$PATH \\
                    PERENNIAL_INSTALL=never
                WORKDIR /home/user/app
                COPY --chown=user %3$s %4$s ./
                %5$sEXPOSE %6$d
                CMD ["sh", "%4$s"]
                """.formatted(SOURCES, MVN_COPY, APPS, START, images, PORT);
    }

    /**
     * Downloads every model into the Hub cache (resumable; already there, nothing is fetched), then starts the
     * server on all interfaces. {@code PERENNIAL} (the command, default {@code perennial}) and {@code PERENNIAL_PORT}
     * let the same script run outside the image.
     */
    static String startScript(SpaceSpec spec) {
        StringBuilder downloads = new StringBuilder();
        for (String model : spec.models()) {
            downloads.append("\"$perennial\" hub download ").append(model).append('\n');
        }
        String images = spec.images() == null ? "" : " --images " + IMAGES;
        return """
                #!/bin/sh
                # Written by perennial space init: the Space's models into the Hub cache, then its apps on port %1$d.
                set -eu
                cd "$(dirname "$0")"
                perennial=${PERENNIAL:-perennial}
                cache=${HF_HUB_CACHE:-${HF_HOME:-$HOME/.cache/huggingface}/hub}
                %2$sexec "$perennial" serve --host 0.0.0.0 --port "${PERENNIAL_PORT:-%1$d}" --runs . \\
                    --models "$cache" --apps %3$s%4$s
                """.formatted(PORT, downloads, APPS, images);
    }

    /**
     * Copies a file, or a folder with everything in it but hidden files (an image index's cache), keeping file modes
     * (the scripts' execute bits).
     */
    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> paths = Files.walk(from)) {
            for (Path source : paths.toList()) {
                String relative = from.relativize(source).toString();
                Path target = to.resolve(relative);
                if (relative.startsWith(".") || relative.contains("/.")) {
                    continue;
                }
                if (Files.isDirectory(source, LinkOption.NOFOLLOW_LINKS)) {
                    Files.createDirectories(target);
                } else if (Files.isRegularFile(source, LinkOption.NOFOLLOW_LINKS)) {
                    Files.createDirectories(target.getParent());
                    Files.copy(source, target, StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
    }

    /** Puts the finished folder in place of {@code dir}, which is deleted only once the new one is there. */
    private static void replace(Path dir, Path finished) throws IOException {
        Path old = dir.resolveSibling("." + dir.getFileName() + ".old");
        AtomicFiles.deleteTree(old);
        if (Files.exists(dir)) {
            Files.move(dir, old);
        }
        Files.move(finished, dir);
        AtomicFiles.deleteTree(old);
    }
}
