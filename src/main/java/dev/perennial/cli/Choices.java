package dev.perennial.cli;

import dev.perennial.Choice;
import dev.perennial.UserError;

/** Parses a flag's value into a {@link Choice} enum, refusing others with the list of allowed values. */
final class Choices {

    private Choices() {
    }

    static <E extends Enum<E> & Choice> E parse(Class<E> type, String value, String flag) {
        return Choice.byId(type, value).orElseThrow(() -> new UserError(flag + ": '" + value + "' is not one of "
                + String.join(", ", Choice.ids(type))));
    }
}
