package io.github.keycloakobo.compat;

import org.keycloak.Config;

/** Keycloak's own server options, as a provider's configuration scope reaches them on each Keycloak line. */
public final class ServerOptions {

    private ServerOptions() {
    }

    /**
     * A boolean server option such as {@code metrics-enabled}, read through {@code Config.Scope.root()} (Keycloak 26.4
     * and later); {@code fallback} where that does not exist, so that an unsupported Keycloak still starts and only
     * refuses OBO requests.
     */
    public static boolean getBoolean(Config.Scope scope, String option, boolean fallback) {
        try {
            return scope.root().getBoolean(option, fallback);
        } catch (LinkageError olderKeycloak) {
            return fallback;
        }
    }
}
