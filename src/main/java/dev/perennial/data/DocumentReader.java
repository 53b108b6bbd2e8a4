package dev.perennial.data;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.perennial.UserError;
import dev.perennial.io.Json;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;

/**
 * Reads the documents of one input file, in order, and hands each to a {@link Sink}. A record that cannot be a
 * document (not JSON, no text field, invalid UTF-8, a null value) raises a {@link BadRecord} naming the file and
 * line or row; the sink decides whether that stops the run or is counted.
 */
public final class DocumentReader {

    /** Receives documents and bad records. */
    public interface Sink {
        void document(Document document) throws IOException;

        /** Called for a bad record; throw to stop reading. */
        void bad(BadRecord record);
    }

    private final String textField;
    private final TextUnit textUnit;

    public DocumentReader(String textField, TextUnit textUnit) {
        this.textField = textField;
        this.textUnit = textUnit;
    }

    /** Reads {@code file}, whose bytes (compressed as stored) come from {@code raw}. */
    public void read(Path file, InputStream raw, Sink sink) throws IOException {
        switch (InputFormat.of(file)) {
            case TEXT -> readText(file, raw, sink);
            case JSON_LINES -> readJsonLines(file, raw, sink);
            case PARQUET -> readParquet(file, sink);
        }
    }

    private static final String NOT_UTF8 = "invalid UTF-8; re-encode the file as UTF-8";

    private void readText(Path file, InputStream raw, Sink sink) throws IOException {
        StringBuilder document = new StringBuilder();
        long[] startLine = {1};
        Utf8Lines.read(InputFormat.decompress(file, raw), (line, text) -> {
            if (text == null) {
                sink.bad(new BadRecord(file + " line " + line, NOT_UTF8));
            } else if (textUnit == TextUnit.LINE) {
                if (!text.isBlank()) {
                    sink.document(new Document(text, file + " line " + line));
                }
            } else if (textUnit == TextUnit.PARAGRAPH && text.isBlank()) {
                flush(document, file + " line " + startLine[0], sink);
                startLine[0] = line + 1;
            } else {
                if (!document.isEmpty()) {
                    document.append('\n');
                }
                document.append(text);
            }
        });
        flush(document, file + " line " + startLine[0], sink);
    }

    private static void flush(StringBuilder document, String location, Sink sink) throws IOException {
        if (!document.toString().isBlank()) {
            sink.document(new Document(document.toString(), location));
        }
        document.setLength(0);
    }

    private void readJsonLines(Path file, InputStream raw, Sink sink) throws IOException {
        Utf8Lines.read(InputFormat.decompress(file, raw), (line, text) -> {
            String location = file + " line " + line;
            if (text == null) {
                sink.bad(new BadRecord(location, NOT_UTF8));
                return;
            }
            if (text.isBlank()) {
                return;
            }
            JsonNode record;
            try {
                record = Json.MAPPER.readTree(text);
            } catch (JsonProcessingException e) {
                sink.bad(new BadRecord(location, "not a JSON object (" + e.getOriginalMessage() + ")"));
                return;
            }
            JsonNode value = record == null || !record.isObject() ? null : record.get(textField);
            if (value == null) {
                sink.bad(new BadRecord(location, "no \"" + textField + "\" field; choose the field with --text-field"));
            } else if (!value.isTextual()) {
                sink.bad(new BadRecord(location, "\"" + textField + "\" is " + value.getNodeType().toString()
                        .toLowerCase(Locale.ROOT) + ", not text"));
            } else if (!value.asText().isBlank()) {
                sink.document(new Document(value.asText(), location));
            }
        });
    }

    /** Parquet through DuckDB's reader, streamed row by row. */
    private void readParquet(Path file, Sink sink) throws IOException {
        Properties properties = new Properties();
        properties.setProperty("jdbc_stream_results", "true");
        try (Connection db = DriverManager.getConnection("jdbc:duckdb:", properties)) {
            List<String> columns = columns(db, file);
            if (!columns.contains(textField)) {
                throw new UserError(file + ": no column \"" + textField + "\" (it has " + String.join(", ", columns)
                        + "); choose the column with --text-field");
            }
            try (PreparedStatement query = db.prepareStatement(
                    "SELECT \"" + textField.replace("\"", "\"\"") + "\" FROM read_parquet(?)")) {
                query.setString(1, file.toString());
                try (ResultSet rows = query.executeQuery()) {
                    long row = 0;
                    while (rows.next()) {
                        row++;
                        Object value = rows.getObject(1);
                        String location = file + " row " + row;
                        if (!(value instanceof String text)) {
                            sink.bad(new BadRecord(location, value == null ? "\"" + textField + "\" is null"
                                    : "\"" + textField + "\" is not text"));
                        } else if (!text.isBlank()) {
                            sink.document(new Document(text, location));
                        }
                    }
                }
            }
        } catch (SQLException e) {
            throw new UserError(file + ": not a readable Parquet file (" + e.getMessage().lines().findFirst().orElse("")
                    + ")", e);
        }
    }

    private static List<String> columns(Connection db, Path file) throws SQLException {
        List<String> columns = new ArrayList<>();
        try (PreparedStatement describe = db.prepareStatement("DESCRIBE SELECT * FROM read_parquet(?)")) {
            describe.setString(1, file.toString());
            try (ResultSet rows = describe.executeQuery()) {
                while (rows.next()) {
                    columns.add(rows.getString(1));
                }
            }
        }
        return columns;
    }
}
