package io.github.keycloakobo.it;

import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * A running Keycloak server that the integration tests talk to over HTTP.
 * One instance serves the whole failsafe JVM; see {@link TestKeycloak}.
 */
public interface KeycloakRuntime {

    /** Base URL of the public HTTP listener, without a trailing slash, e.g. {@code http://127.0.0.1:43125}. */
    String baseUrl();

    /**
     * Base URL of the same server over HTTPS (certificate {@link #tlsCertificate()}, for 127.0.0.1), where the runtime
     * has one: MSAL takes only https authorities.
     */
    default Optional<String> httpsBaseUrl() {
        return Optional.empty();
    }

    /** The PEM certificate of {@link #httpsBaseUrl()}, self-signed for this run. */
    default Optional<Path> tlsCertificate() {
        return Optional.empty();
    }

    /** Base URL of the management interface (health, metrics), where the runtime exposes one. */
    Optional<String> managementUrl();

    /** File that receives the server's console output. */
    Path logFile();

    /** PID of the server's JVM where it runs as a local process (for {@code jcmd}); empty otherwise. */
    default OptionalLong serverPid() {
        return OptionalLong.empty();
    }

    /** Short human-readable description, for test output. */
    String describe();

    /** Stops the server and everything it started. Idempotent. */
    void stop();
}
