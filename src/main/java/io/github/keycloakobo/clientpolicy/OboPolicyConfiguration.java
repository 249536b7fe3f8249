package io.github.keycloakobo.clientpolicy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

import io.github.keycloakobo.policy.RealmCeiling;
import io.github.keycloakobo.policy.RealmCeilings;
import io.github.keycloakobo.policy.SpaceSeparated;

/**
 * The configuration of one {@code obo-policy} executor, read from its JSON configuration (as Keycloak hands it over:
 * strings from the admin console, numbers or lists from the admin REST API) into a {@link RealmCeiling}, or into a
 * list of precise problems. No Keycloak types: the parsing is the same for validation on save and at run time.
 */
public final class OboPolicyConfiguration {

    public static final String MAX_HOPS = "max-hops";
    public static final String MAX_TOKEN_LIFETIME = "max-token-lifetime";
    public static final String DENIED_AUDIENCES = "denied-audiences";
    public static final String ALLOWED_SCOPES = "allowed-scopes";

    public static final List<String> KEYS = List.of(MAX_HOPS, MAX_TOKEN_LIFETIME, DENIED_AUDIENCES, ALLOWED_SCOPES);

    /** Keycloak's own clients that hold admin or account powers: no OBO token may be issued for them by default. */
    public static final List<String> DEFAULT_DENIED_AUDIENCES = RealmCeilings.INTERNAL_CLIENTS;

    private final RealmCeiling ceiling;
    private final List<String> problems;

    private OboPolicyConfiguration(RealmCeiling ceiling, List<String> problems) {
        this.ceiling = ceiling;
        this.problems = List.copyOf(problems);
    }

    /**
     * Parses a configuration. A missing {@code denied-audiences} key means the default list; a present but empty one
     * means no denial. A missing, null or blank number means no ceiling; an empty {@code allowed-scopes} means none.
     */
    public static OboPolicyConfiguration parse(Map<String, ?> config) {
        Map<String, ?> raw = config == null ? Map.of() : config;
        List<String> problems = new ArrayList<>();
        for (String key : new java.util.TreeSet<>(raw.keySet())) {
            if (!KEYS.contains(key)) {
                problems.add("unknown configuration key '" + key + "' (known keys: " + String.join(", ", KEYS) + ")");
            }
        }
        OptionalInt maxHops = positiveInt(raw.get(MAX_HOPS), MAX_HOPS, "a whole number of at least 1", problems);
        OptionalInt lifetime = positiveInt(raw.get(MAX_TOKEN_LIFETIME), MAX_TOKEN_LIFETIME,
                "a whole number of seconds of at least 1", problems);
        Set<String> denied = raw.containsKey(DENIED_AUDIENCES) && raw.get(DENIED_AUDIENCES) != null
                ? words(raw.get(DENIED_AUDIENCES), DENIED_AUDIENCES, problems)
                : new LinkedHashSet<>(DEFAULT_DENIED_AUDIENCES);
        Set<String> scopes = words(raw.get(ALLOWED_SCOPES), ALLOWED_SCOPES, problems);
        RealmCeiling ceiling = problems.isEmpty()
                ? new RealmCeiling(Optional.empty(), maxHops, lifetime, denied,
                        scopes.isEmpty() ? Optional.empty() : Optional.of(scopes))
                : null;
        return new OboPolicyConfiguration(ceiling, problems);
    }

    public boolean valid() {
        return problems.isEmpty();
    }

    /** The problems found, each naming its key; empty when valid. */
    public List<String> problems() {
        return problems;
    }

    /** The ceiling, named after {@code origin}; only for a valid configuration. */
    public RealmCeiling ceiling(Optional<String> origin) {
        if (!valid()) {
            throw new IllegalStateException(describeProblems());
        }
        return new RealmCeiling(origin, ceiling.maxHops(), ceiling.maxTokenLifetime(), ceiling.deniedAudiences(),
                ceiling.allowedScopes());
    }

    /** One sentence for an admin: what is wrong and how to fix it. */
    public String describeProblems() {
        return "Invalid configuration of the " + OboPolicyExecutorFactory.PROVIDER_ID + " executor: "
                + String.join("; ", problems);
    }

    private static OptionalInt positiveInt(Object value, String key, String expected, List<String> problems) {
        Object v = unwrapSingleton(value);
        if (v == null || (v instanceof String s && s.isBlank())) {
            return OptionalInt.empty();
        }
        String text = v instanceof String s ? s.trim() : String.valueOf(v);
        if ((v instanceof String || v instanceof Integer || v instanceof Long || v instanceof java.math.BigInteger
                || v instanceof Short) && text.matches("[0-9]{1,10}")) {
            long parsed = Long.parseLong(text);
            if (parsed >= 1 && parsed <= Integer.MAX_VALUE) {
                return OptionalInt.of((int) parsed);
            }
        }
        problems.add(key + " must be " + expected + " (or empty for no ceiling), got '" + abbreviate(text) + "'");
        return OptionalInt.empty();
    }

    /** A space-separated string, or a list of such strings (the console's multivalued fields), as a set of words. */
    private static Set<String> words(Object value, String key, List<String> problems) {
        if (value == null) {
            return Collections.emptySet();
        }
        Set<String> out = new LinkedHashSet<>();
        if (value instanceof String s) {
            out.addAll(SpaceSeparated.split(s));
        } else if (value instanceof List<?> list) {
            for (Object item : list) {
                if (item == null) {
                    continue;
                }
                if (!(item instanceof String s)) {
                    problems.add(key + " must list names as strings, got '" + abbreviate(String.valueOf(item)) + "'");
                    return Collections.emptySet();
                }
                out.addAll(SpaceSeparated.split(s));
            }
        } else {
            problems.add(key + " must be a list of names or a space-separated string, got '"
                    + abbreviate(String.valueOf(value)) + "'");
        }
        return out;
    }

    private static Object unwrapSingleton(Object value) {
        if (value instanceof List<?> list && list.size() == 1) {
            return list.get(0);
        }
        return value;
    }

    private static String abbreviate(String s) {
        return s.length() > 60 ? s.substring(0, 60) + "..." : s;
    }
}
