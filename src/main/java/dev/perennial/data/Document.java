package dev.perennial.data;

/** One document of text, with where it came from ({@code file line 12} or {@code file row 7}) for messages. */
public record Document(String text, String location) {
}
