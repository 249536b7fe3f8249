package io.github.keycloakobo.it;

import dasniko.testcontainers.keycloak.KeycloakContainer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Optional;
import org.testcontainers.DockerClientFactory;

/**
 * Keycloak in a container ({@code quay.io/keycloak/keycloak:<version>}) via testcontainers-keycloak, with the built
 * provider jar added. Selected with {@code -Dobo.it.runtime=testcontainers}; needs a Docker engine.
 */
public final class ContainerKeycloak implements KeycloakRuntime {

    private final KeycloakContainer container;
    private final Path logFile;
    private volatile boolean stopped;

    private ContainerKeycloak(KeycloakContainer container, Path logFile) {
        this.container = container;
        this.logFile = logFile;
    }

    public static ContainerKeycloak start() {
        boolean docker;
        try {
            docker = DockerClientFactory.instance().isDockerAvailable();
        } catch (RuntimeException | LinkageError e) {
            docker = false;
        }
        if (!docker) {
            throw new IllegalStateException("-D" + ItConfig.RUNTIME + "=testcontainers needs a Docker engine, but "
                    + "Testcontainers found none (DOCKER_HOST, /var/run/docker.sock, ~/.testcontainers.properties). "
                    + "Start Docker, or use the default runtime (-D" + ItConfig.RUNTIME + "=dist), which runs the "
                    + "Keycloak distribution from Maven Central without Docker.");
        }
        Path jar = ItConfig.providerJar();
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("Provider jar " + jar + " does not exist; run mvn package first");
        }
        Path workDir = ItConfig.workDir();
        Path logFile = workDir.resolve("keycloak-container.log");
        try {
            Files.createDirectories(workDir);
            Files.deleteIfExists(logFile);
            Files.createFile(logFile);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot prepare " + workDir, e);
        }
        String image = "quay.io/keycloak/keycloak:" + ItConfig.keycloakVersion();
        @SuppressWarnings("resource") // stopped in stop()
        KeycloakContainer c = new KeycloakContainer(image)
                .withAdminUsername("admin")
                .withAdminPassword("admin") // test-only bootstrap admin
                .withProviderLibsFrom(List.of(jar.toFile()))
                .withStartupTimeout(ItConfig.startTimeout())
                // as DistributionKeycloak: metrics on, the OBO duration histogram on, the low tag cap
                .withEnv("KC_METRICS_ENABLED", "true")
                .withEnv("KC_SPI_OAUTH2_TOKEN_EXCHANGE__OBO__METRICS_HISTOGRAMS", "true")
                .withEnv("KC_SPI_OAUTH2_TOKEN_EXCHANGE__OBO__METRICS_MAX_CLIENT_TAGS",
                        String.valueOf(DistributionKeycloak.METRICS_MAX_CLIENT_TAGS));
        String features = ItConfig.features();
        if (!features.isEmpty()) {
            c = c.withFeaturesEnabled(features.split(","));
        }
        DistributionKeycloak.log("starting container %s with %s", image, jar.getFileName());
        try {
            c.start();
        } catch (RuntimeException e) {
            String logs = "";
            try {
                logs = c.getLogs();
            } catch (RuntimeException ignored) {
                // container may not exist
            }
            c.stop();
            throw new IllegalStateException("Keycloak container " + image + " did not start; container log:\n" + logs,
                    e);
        }
        c.followOutput(frame -> {
            try {
                Files.writeString(logFile, frame.getUtf8String(), StandardCharsets.UTF_8, StandardOpenOption.APPEND);
            } catch (IOException e) {
                // losing a log line must not fail a test
            }
        });
        ContainerKeycloak kc = new ContainerKeycloak(c, logFile);
        DistributionKeycloak.log("container ready: %s", kc.baseUrl());
        return kc;
    }

    @Override
    public String baseUrl() {
        String url = container.getAuthServerUrl();
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }

    @Override
    public Optional<String> managementUrl() {
        try {
            String url = container.getMgmtServerUrl();
            return Optional.of(url.endsWith("/") ? url.substring(0, url.length() - 1) : url);
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    @Override
    public Path logFile() {
        return logFile;
    }

    @Override
    public String describe() {
        return "Keycloak container " + container.getDockerImageName() + " at " + baseUrl();
    }

    @Override
    public synchronized void stop() {
        if (!stopped) {
            stopped = true;
            container.stop();
        }
    }
}
