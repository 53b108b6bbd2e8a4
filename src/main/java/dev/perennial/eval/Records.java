package dev.perennial.eval;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.perennial.data.InputFormat;
import dev.perennial.io.Json;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/** The records of a task's data file with their locations: JSON Lines (optionally compressed) or Parquet rows. */
final class Records {

    record Located(JsonNode record, String location) {
    }

    private Records() {
    }

    static List<Located> read(Path file) {
        return file.getFileName().toString().endsWith(".parquet") ? parquet(file) : jsonLines(file);
    }

    private static List<Located> jsonLines(Path file) {
        List<Located> records = new ArrayList<>();
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(
                InputFormat.decompress(file, Files.newInputStream(file)), StandardCharsets.UTF_8))) {
            long line = 0;
            for (String text; (text = reader.readLine()) != null; ) {
                line++;
                if (text.isBlank()) {
                    continue;
                }
                String location = file + " line " + line;
                try {
                    JsonNode record = Json.MAPPER.readTree(text);
                    if (!record.isObject()) {
                        throw new TaskException(location + ": not a JSON object");
                    }
                    records.add(new Located(record, location));
                } catch (JsonProcessingException e) {
                    throw new TaskException(location + ": not JSON (" + e.getOriginalMessage() + ")");
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (records.isEmpty()) {
            throw new TaskException(file + ": holds no records");
        }
        return records;
    }

    private static List<Located> parquet(Path file) {
        List<Located> records = new ArrayList<>();
        try (Connection db = DriverManager.getConnection("jdbc:duckdb:");
             PreparedStatement query = db.prepareStatement("SELECT to_json(t) FROM read_parquet(?) AS t")) {
            query.setString(1, file.toString());
            try (ResultSet rows = query.executeQuery()) {
                long row = 0;
                while (rows.next()) {
                    row++;
                    records.add(new Located(Json.MAPPER.readTree(rows.getString(1)), file + " row " + row));
                }
            }
        } catch (SQLException | IOException e) {
            throw new TaskException(file + ": not a readable Parquet file (" + e.getMessage() + ")");
        }
        return records;
    }
}
