package io.github.keycloakobo.metrics;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * The bounded set of values one tag ({@code source} or {@code target}) may take in one realm: the first
 * {@code limit} distinct values are kept as they are, every later one becomes {@link OboMetrics#OTHER}. A value once
 * admitted stays admitted while the server runs, so a series never changes its name.
 */
final class ClientTagValues {

    private final int limit;
    private final ConcurrentMap<String, Set<String>> admittedByRealm = new ConcurrentHashMap<>();

    ClientTagValues(int limit) {
        this.limit = limit;
    }

    /**
     * {@code value} itself if it is (or can still be) one of the realm's admitted values, else {@code other}. The
     * fixed values {@code none}, {@code unknown} and {@code other} always pass and take no place.
     */
    String admit(String realm, String value) {
        if (value.equals(OboMetrics.NONE) || value.equals(OboMetrics.UNKNOWN) || value.equals(OboMetrics.OTHER)) {
            return value;
        }
        Set<String> admitted = admittedByRealm.computeIfAbsent(realm, r -> ConcurrentHashMap.newKeySet());
        if (admitted.contains(value)) {
            return value;
        }
        if (admitted.size() >= limit) {
            return OboMetrics.OTHER;
        }
        synchronized (admitted) {
            if (admitted.size() < limit) {
                admitted.add(value);
                return value;
            }
        }
        return admitted.contains(value) ? value : OboMetrics.OTHER;
    }

    int limit() {
        return limit;
    }
}
