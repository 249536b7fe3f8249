package io.github.keycloakobo.demo;

import java.text.ParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.nimbusds.jose.util.JSONObjectUtils;

/** Tiny JSON helpers on top of the JSON support that ships inside nimbus-jose-jwt. */
public final class Json {

    private Json() {
    }

    /** Parses a JSON object. */
    public static Map<String, Object> parse(String json) throws ParseException {
        return JSONObjectUtils.parse(json);
    }

    /** Parses a JSON object, or returns {@code null} when the text is not one. */
    public static Map<String, Object> parseOrNull(String json) {
        try {
            return json == null || json.isBlank() ? null : parse(json);
        } catch (ParseException | RuntimeException e) {
            return null;
        }
    }

    /** Compact JSON. */
    public static String write(Map<String, ?> object) {
        return JSONObjectUtils.toJSONString(object);
    }

    /** Compact JSON of any JSON value (object, array, string, number, boolean, null). */
    public static String writeValue(Object value) {
        Map<String, Object> wrapper = new LinkedHashMap<>();
        wrapper.put("v", value);
        String json = write(wrapper);
        return json.substring("{\"v\":".length(), json.length() - 1);
    }

    /** Indented JSON, two spaces per level. */
    public static String pretty(Object value) {
        StringBuilder out = new StringBuilder();
        pretty(value, 0, out);
        return out.toString();
    }

    private static void pretty(Object value, int depth, StringBuilder out) {
        String indent = "  ".repeat(depth + 1);
        if (value instanceof Map<?, ?> map && !map.isEmpty()) {
            out.append("{\n");
            int i = 0;
            for (Map.Entry<?, ?> e : map.entrySet()) {
                out.append(indent).append(writeValue(String.valueOf(e.getKey()))).append(": ");
                pretty(e.getValue(), depth + 1, out);
                out.append(++i < map.size() ? ",\n" : "\n");
            }
            out.append("  ".repeat(depth)).append('}');
        } else if (value instanceof Collection<?> list && !list.isEmpty() && !allScalars(list)) {
            out.append("[\n");
            int i = 0;
            for (Object item : list) {
                out.append(indent);
                pretty(item, depth + 1, out);
                out.append(++i < list.size() ? ",\n" : "\n");
            }
            out.append("  ".repeat(depth)).append(']');
        } else {
            out.append(writeValue(value));
        }
    }

    private static boolean allScalars(Collection<?> list) {
        return list.stream().noneMatch(item -> item instanceof Map || item instanceof Collection);
    }

    /**
     * The decoded payload of a JWT, <em>without verifying it</em>: for display only. Never logs or returns the token.
     */
    public static Map<String, Object> jwtPayload(String jwt) {
        String[] parts = jwt == null ? new String[0] : jwt.split("\\.");
        if (parts.length < 2) {
            throw new IllegalArgumentException("not a JWT");
        }
        try {
            return parse(new String(Base64.getUrlDecoder().decode(parts[1]), java.nio.charset.StandardCharsets.UTF_8));
        } catch (ParseException | IllegalArgumentException e) {
            throw new IllegalArgumentException("not a JWT: " + e.getMessage(), e);
        }
    }

    /** A claim as a list of strings ({@code aud} may be a single string or an array). */
    public static List<String> stringList(Object claim) {
        List<String> values = new ArrayList<>();
        if (claim instanceof Collection<?> list) {
            list.forEach(item -> values.add(String.valueOf(item)));
        } else if (claim != null) {
            values.add(String.valueOf(claim));
        }
        return values;
    }

    /** {@code map.get(key)} as a map, or an empty map. */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> object(Object map, String key) {
        if (map instanceof Map<?, ?> m && m.get(key) instanceof Map<?, ?> value) {
            return (Map<String, Object>) value;
        }
        return Map.of();
    }
}
