package dev.perennial;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/** An enum constant spelled in configs and flags by its {@link #id()} ("infinite-cosine", "1-sqrt"). */
public interface Choice {

    String id();

    static <E extends Enum<E> & Choice> Optional<E> byId(Class<E> type, String id) {
        return Arrays.stream(type.getEnumConstants()).filter(c -> c.id().equals(id)).findFirst();
    }

    static <E extends Enum<E> & Choice> List<String> ids(Class<E> type) {
        return Arrays.stream(type.getEnumConstants()).map(Choice::id).toList();
    }
}
