package io.github.keycloakobo.it;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/** Reading server logs (or the part written since some moment) in the tests. */
final class LogFiles {

    private static final Pattern ENTRY_START = Pattern.compile("\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2}");

    private LogFiles() {
    }

    /** The current length of a log, to read what is written after this moment with {@link #readFrom}. */
    static long size(Path log) {
        try {
            return Files.exists(log) ? Files.size(log) : 0L;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The text of {@code log} from byte {@code offset} on. */
    static String readFrom(Path log, long offset) {
        try (InputStream in = Files.newInputStream(log)) {
            in.skipNBytes(Math.min(offset, Files.size(log)));
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + log, e);
        }
    }

    static List<String> lines(String text, Predicate<String> filter) {
        return text.lines().filter(filter).collect(Collectors.toList());
    }

    /** The entries of a Keycloak log: a line starting with a date plus its continuation lines (stack traces). */
    static List<String> entries(String text) {
        List<String> out = new ArrayList<>();
        StringBuilder current = null;
        for (String line : text.split("\n", -1)) {
            if (ENTRY_START.matcher(line).lookingAt()) {
                if (current != null) {
                    out.add(current.toString());
                }
                current = new StringBuilder(line);
            } else if (current != null) {
                current.append('\n').append(line);
            }
        }
        if (current != null) {
            out.add(current.toString());
        }
        return out;
    }

    /** Writes lines to a file (test output under target/), creating its directory. */
    static void write(Path file, List<String> lines) {
        try {
            Files.createDirectories(file.getParent());
            Files.write(file, lines, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write " + file, e);
        }
    }
}
