package dev.perennial.serve;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A {@code perennial serve} over copies of reference model folders, each under its model id, started before a test
 * class's tests and closed (its copies deleted) after them:
 * {@code @RegisterExtension static final ServedFolders SERVED = ServedFolders.of("detr", DETR);}
 */
final class ServedFolders implements BeforeAllCallback, AfterAllCallback {

    private final Map<String, Path> folders;
    private final ServeOptions.Limits limits;
    private Path models;
    private WebServer server;

    private ServedFolders(Map<String, Path> folders, ServeOptions.Limits limits) {
        this.folders = folders;
        this.limits = limits;
    }

    /** {@code folder} served as model {@code id}, with the default limits. */
    static ServedFolders of(String id, Path folder) {
        return new ServedFolders(new LinkedHashMap<>(Map.of(id, folder)), ServeOptions.Limits.defaults());
    }

    /** These folders and {@code folder} as model {@code id}. */
    ServedFolders and(String id, Path folder) {
        Map<String, Path> more = new LinkedHashMap<>(folders);
        more.put(id, folder);
        return new ServedFolders(more, limits);
    }

    /** These folders served with {@code limits}. */
    ServedFolders limitedTo(ServeOptions.Limits limits) {
        return new ServedFolders(folders, limits);
    }

    WebServer server() {
        return server;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws IOException {
        models = Files.createTempDirectory("served-models");
        for (Map.Entry<String, Path> f : folders.entrySet()) {
            PipelineApiTest.copy(f.getValue(), models.resolve(f.getKey()));
        }
        server = WebServer.start(new ServeOptions(List.of(), List.of(models), "127.0.0.1", 0, null, limits));
    }

    @Override
    public void afterAll(ExtensionContext context) throws IOException {
        if (server != null) {
            server.close();
        }
        try (Stream<Path> files = Files.walk(models)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
