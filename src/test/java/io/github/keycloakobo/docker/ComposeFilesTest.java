package io.github.keycloakobo.docker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * The container files, checked for what this machine cannot run (no Docker engine): the demo compose stays a demo
 * that does not clash with {@code run-demo}, and the production template keeps the promises its header makes.
 */
class ComposeFilesTest {

    private static final Path DOCKER = Path.of("docker");
    /** A value taken from the environment, with a message when it is missing: {@code ${NAME:?...}}. */
    private static final Pattern REQUIRED_VARIABLE = Pattern.compile("\\$\\{[A-Z_]+:\\?[^}]+}");

    @Test
    void theDemoComposeIsMarkedDemoOnlyAndDoesNotClashWithRunDemo() throws IOException {
        String text = Files.readString(DOCKER.resolve("compose.yaml"));
        assertTrue(text.contains("DEMO ONLY"), "compose.yaml must say it is a demo");
        Map<String, Map<String, Object>> services = services(text);
        for (Map.Entry<String, Map<String, Object>> service : services.entrySet()) {
            Object image = service.getValue().get("image");
            if (image != null && image.toString().startsWith("keycloak-obo")) {
                assertNotNull(service.getValue().get("build"), service.getKey() + " uses an image built here but "
                        + "has no build:, so running it alone fails");
            }
            for (Object port : list(service.getValue().get("ports"))) {
                String published = port.toString();
                assertTrue(published.startsWith("127.0.0.1:"), service.getKey() + " publishes beyond loopback: "
                        + published);
                String hostPort = published.split(":")[1];
                assertFalse(List.of("8080", "9000", "8081", "8082").contains(hostPort),
                        service.getKey() + " publishes " + hostPort + ", which ./run-demo uses");
            }
            for (Object volume : list(service.getValue().get("volumes"))) {
                String mount = volume.toString();
                if (mount.startsWith(".")) {
                    String options = mount.split(":").length > 2 ? mount.split(":")[2] : "";
                    assertTrue(List.of(options.split(",")).stream().anyMatch(o -> o.equals("z") || o.equals("Z")),
                            service.getKey() + ": bind mount without an SELinux label option: " + mount);
                }
            }
        }
    }

    @Test
    void theProductionTemplateHasNoDemoShortcuts() throws IOException {
        String text = Files.readString(DOCKER.resolve("compose.production.yaml"));
        assertFalse(text.contains("KC_BOOTSTRAP_ADMIN"), "no bootstrap admin in the environment");
        assertFalse(text.contains("--import-realm"), "no realm import");
        Map<String, Map<String, Object>> services = services(text);
        Map<String, Object> keycloak = services.get("keycloak");
        assertNotNull(keycloak, "a keycloak service");
        assertEquals(List.of("start", "--optimized"), keycloak.get("command"));
        assertEquals("unless-stopped", keycloak.get("restart"));
        assertTrue(REQUIRED_VARIABLE.matcher(keycloak.get("image").toString()).matches(), "the image comes from "
                + "a required variable (by digest), not a tag: " + keycloak.get("image"));
        assertTrue(keycloak.get("image").toString().contains("digest"), "the image variable asks for a digest");

        Map<String, Object> environment = map(keycloak.get("environment"));
        assertTrue(environment.get("KC_HOSTNAME").toString().contains("https://"), "an https hostname");
        for (String secret : List.of("KC_DB_PASSWORD", "KC_DB_USERNAME", "KC_DB_URL")) {
            assertTrue(REQUIRED_VARIABLE.matcher(environment.get(secret).toString()).matches(),
                    secret + " must come from the environment, not the file");
        }
        boolean ownTls = environment.containsKey("KC_HTTPS_CERTIFICATE_FILE")
                && environment.containsKey("KC_HTTPS_CERTIFICATE_KEY_FILE");
        boolean behindProxy = "xforwarded".equals(environment.get("KC_PROXY_HEADERS"));
        assertTrue(ownTls || behindProxy, "TLS of its own or a TLS proxy with forwarded headers");
        assertFalse("true".equals(String.valueOf(environment.get("KC_HTTP_ENABLED"))) && !behindProxy,
                "plain HTTP only behind a proxy");
        for (Object port : list(keycloak.get("ports"))) {
            assertFalse(port.toString().endsWith(":9000"), "the management port is not published");
        }

        Map<String, Object> bootstrap = services.get("bootstrap-admin");
        assertNotNull(bootstrap, "a one-off service for the first admin");
        assertEquals(List.of("bootstrap"), bootstrap.get("profiles"), "only on request, never with up");
        assertEquals("bootstrap-admin", list(bootstrap.get("command")).get(0));
    }

    @Test
    void theProductionImagePinsItsBaseImagesAndBuildsHealthAndMetrics() throws IOException {
        List<String> lines = Files.readAllLines(DOCKER.resolve("Dockerfile.production"));
        List<String> from = lines.stream().filter(l -> l.startsWith("FROM ")).toList();
        assertEquals(3, from.size(), from::toString);
        for (String line : from) {
            assertTrue(line.matches("FROM \\$\\{(MAVEN|KEYCLOAK)_IMAGE}( AS \\w+)?"), "a base image from a build "
                    + "argument that must name its digest: " + line);
        }
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("ARG MAVEN_IMAGE") && !l.contains("=")),
                "no default: the build stops without a pinned image");
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("ARG KEYCLOAK_IMAGE") && !l.contains("=")),
                "no default: the build stops without a pinned image");
        String build = lines.stream().filter(l -> l.contains("kc.sh build")).findFirst().orElseThrow();
        for (String option : List.of("--db=postgres", "--health-enabled=true", "--metrics-enabled=true",
                "--cache=ispn")) {
            assertTrue(build.contains(option), build + " lacks " + option);
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Map<String, Object>> services(String compose) {
        Map<String, Object> root = new Yaml().load(compose);
        return (Map<String, Map<String, Object>>) root.get("services");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object value) {
        return value == null ? Map.of() : (Map<String, Object>) value;
    }

    @SuppressWarnings("unchecked")
    private static List<Object> list(Object value) {
        return value == null ? List.of() : (List<Object>) value;
    }
}
