package io.github.keycloakobo.it;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** An {@code application/x-www-form-urlencoded} body; a name may repeat (e.g. several {@code audience}). */
public final class Form {

    private final List<Map.Entry<String, String>> entries = new ArrayList<>();

    public static Form of() {
        return new Form();
    }

    public static Form of(String... nameValuePairs) {
        Form f = new Form();
        if (nameValuePairs.length % 2 != 0) {
            throw new IllegalArgumentException("name/value pairs expected");
        }
        for (int i = 0; i < nameValuePairs.length; i += 2) {
            f.add(nameValuePairs[i], nameValuePairs[i + 1]);
        }
        return f;
    }

    /** Adds a parameter; a null value is skipped, so optional parameters can be passed through. */
    public Form add(String name, String value) {
        if (value != null) {
            TokenRegistry.sentParameter(name, value);
            entries.add(Map.entry(name, value));
        }
        return this;
    }

    public Form addAll(Form other) {
        entries.addAll(other.entries);
        return this;
    }

    /** Removes every value of a parameter. */
    public Form remove(String name) {
        entries.removeIf(e -> e.getKey().equals(name));
        return this;
    }

    public Form copy() {
        return Form.of().addAll(this);
    }

    public String encode() {
        return entries.stream()
                .map(e -> enc(e.getKey()) + "=" + enc(e.getValue()))
                .collect(Collectors.joining("&"));
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    /** Parameter names only: values may be tokens or secrets. */
    @Override
    public String toString() {
        return entries.stream().map(Map.Entry::getKey).collect(Collectors.joining(",", "Form[", "]"));
    }
}
