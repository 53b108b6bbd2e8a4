package dev.perennial.io;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;

/**
 * The one JSON style of the files and outputs Perennial writes (metadata.json, state.json, ledger.json,
 * lineage.json, results.json, eval and mixture JSON): snake_case keys, indented. Do not reconfigure it; copy it.
 */
public final class Json {

    public static final ObjectMapper OUTPUT = new ObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(SerializationFeature.INDENT_OUTPUT);

    /** The same style on one line, for JSON Lines files (metrics.jsonl). */
    public static final ObjectWriter LINE = OUTPUT.writer().without(SerializationFeature.INDENT_OUTPUT);

    private Json() {
    }
}
