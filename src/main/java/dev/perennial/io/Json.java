package dev.perennial.io;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.perennial.UserError;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * The one JSON and YAML style of everything Perennial reads and writes: files (metadata.json, state.json,
 * ledger.json, lineage.json, results.json, eval and mixture JSON), JSONL lines, HTTP bodies, benchmark output and
 * YAML configs. Record and POJO properties are snake_case; trees and maps keep their keys as they are. Use these;
 * do not build another mapper.
 */
public final class Json {

    /** Reads any JSON; writes compactly (use {@link #FILE} or {@link #LINE} to say which layout is meant). */
    public static final ObjectMapper MAPPER = JsonMapper.builder()
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .build();

    /** JSON files a person may read: indented. */
    public static final ObjectWriter FILE = MAPPER.writer().with(SerializationFeature.INDENT_OUTPUT);

    /** One line of JSON: a JSONL record, an HTTP body, a benchmark result. */
    public static final ObjectWriter LINE = MAPPER.writer();

    /**
     * YAML configs (run configs, experiment specs, task files), which people write: an unknown key, a missing
     * primitive, a key given twice or a fraction where a whole number belongs is refused rather than guessed at; written configs
     * leave out unset keys.
     */
    public static final ObjectMapper YAML = JsonMapper.builder(new YAMLFactory())
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .serializationInclusion(JsonInclude.Include.NON_NULL)
            .build();

    private Json() {
    }

    /**
     * A model folder's preprocessor_config.json as a tree; a missing file is one line naming it and saying what
     * needs it ({@code neededBy}, e.g. "a model for images"), bad JSON one line naming it.
     */
    public static JsonNode readPreprocessorConfig(Path file, String neededBy) {
        try {
            return MAPPER.readTree(Files.readString(file));
        } catch (NoSuchFileException e) {
            throw new UserError(file + ": no such preprocessor config; " + neededBy + " needs its "
                    + "preprocessor_config.json");
        } catch (IOException e) {
            String why = e.getMessage() == null ? "" : e.getMessage().lines().findFirst().orElse("");
            throw new UserError(file + ": not valid JSON (" + why + "); fix the file or download it again", e);
        }
    }
}
